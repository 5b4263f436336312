// Settings › Audit log (§16): who changed what, newest first: time, actor, action, target and the
// before → after of each changed field (secrets arrive redacted from the server), filtered by action,
// 20 to a page. It refetches on every event (most changes write one) and when the filter changes.
import { useState } from 'preact/hooks';
import { type AuditRowFragment, AuditLogDocument } from '../../gql/graphql';
import { dateTime } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { Empty, Loading, Pager, QueryError, SelectField, Table } from '../ui';

const SIZE = 20;

/** The actions the server writes (src/**.service.ts `staged.audit(…)`), for the filter. */
export const AUDIT_ACTIONS = [
  'license.created',
  'license.updated',
  'license.suspended',
  'license.reinstated',
  'license.revoked',
  'license.renewed',
  'license.entitlements_attached',
  'license.entitlements_detached',
  'license.usage.incremented',
  'license.usage.decremented',
  'license.usage.reset',
  'license.key_emailed',
  'license.billing_updated',
  'activation.created',
  'activation.deleted',
  'product.created',
  'product.updated',
  'product.deleted',
  'product.entitlements_attached',
  'product.entitlements_detached',
  'entitlement.created',
  'entitlement.updated',
  'entitlement.deleted',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.portal_link_created',
  'customer.sign_in_link_sent',
  'customer.signed_in',
  'customer.sign_in_failed',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rolled',
  'webhook.test_sent',
  'webhook_delivery.redelivered',
  'api_key.created',
  'api_key.revoked',
  'user.created',
  'user.updated',
  'user.deleted',
  'user.signed_in',
  'user.sign_in_failed',
  'user.signed_out',
  'branding.updated',
  'domain.added',
  'domain.removed',
  'integration.created',
  'integration.updated',
  'integration.deleted',
  'email.resent',
  'account.created',
  'account.updated',
  'account.suspended',
  'account.reinstated',
  'signing_key.rotated',
  'secrets.resealed',
];

const ACTOR_NAMES: Record<string, string> = {
  API_KEY: 'API key',
  USER: 'User',
  CUSTOMER: 'Customer',
  INTEGRATION: 'Integration',
  SYSTEM: 'System',
};

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

export function AuditLogSettings() {
  const [action, setAction] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [r, refetch] = useLiveQuery(AuditLogDocument, {
    first: SIZE,
    after: cursors[cursors.length - 1],
    filter: action ? { action } : {},
  });
  const refresh = useDebounced(refetch, 500);
  useEvents(undefined, refresh);
  const page = r.data?.auditLog;
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p class="muted">
        Every change made through the API, this dashboard, the customer page, an integration or the CLI, with
        who made it and from where. Nothing can edit or delete an entry.
      </p>
      <form class="filters compact" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <SelectField
          label="Action"
          value={action}
          onChange={(v) => (setAction(v), setCursors([null]))}
          options={[
            { value: '', label: 'Any action' },
            ...AUDIT_ACTIONS.map((a) => ({ value: a, label: a })),
          ]}
        />
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!page && !r.error && <Loading what="the audit log" />}
      {page?.nodes.length === 0 && <Empty>{action ? 'No entry matches.' : 'No entries yet.'}</Empty>}
      {page && page.nodes.length > 0 && (
        <>
          <Table class="audit" caption="Audit log, newest first">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((e) => (
                <AuditRow key={e.id} entry={e} />
              ))}
            </tbody>
          </Table>
          <Pager
            page={cursors.length}
            size={SIZE}
            total={page.totalCount}
            hasPrevious={cursors.length > 1}
            hasNext={page.pageInfo.hasNextPage}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => setCursors([...cursors, page.pageInfo.endCursor ?? null])}
          />
        </>
      )}
    </section>
  );
}

function AuditRow(props: { entry: AuditRowFragment }) {
  const e = props.entry;
  const changes = Object.entries((e.changes ?? {}) as Record<string, [unknown, unknown]>);
  return (
    <tr data-audit={e.id} data-action={e.action}>
      <td>
        <span>
          {dateTime(e.createdAt)}
          {e.ip && <span class="muted sub">{e.ip}</span>}
        </span>
      </td>
      <td>
        <span>
          {ACTOR_NAMES[e.actor.type] ?? e.actor.type}
          <span class="muted sub break">{e.actor.label ?? e.actor.id ?? '—'}</span>
        </span>
      </td>
      <td class="mono">{e.action}</td>
      <td>
        <span>
          {e.targetType}
          <span class="muted sub mono break">{e.targetId ?? '—'}</span>
        </span>
      </td>
      <td class="break">
        {changes.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          <ul class="changes">
            {changes.map(([field, [before, after]]) => (
              <li key={field}>
                <span class="mono">{field}</span>: {show(before)} → {show(after)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
