// One license: its details and every action (suspend, reinstate, revoke, renew, edit, send the key
// by email, copy the customer page link), its devices with Deactivate, its usage, its emails and its
// event timeline. Changes made anywhere show here live.
import { type UseQueryState, useClient, useSubscription } from '@urql/preact';
import type { Client } from '@urql/core';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  ActivationChangedDocument,
  DeleteActivationDocument,
  LicenseDocument,
  LicenseEmailsDocument,
  type LicenseEmailsQuery,
  type LicenseQuery,
  ReinstateLicenseDocument,
  RenewLicenseDocument,
  RevokeLicenseDocument,
  SendLicenseKeyDocument,
  SuspendLicenseDocument,
  UpdateLicenseDocument,
} from '../../gql/graphql';
import { EventList } from '../events-list';
import { DAY, dateTime } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { CopyPortalLink } from '../portal-link';
import { Link } from '../router';
import { ActionButton, Badge, Empty, FormError, Loading, QueryError, TextField, Table } from '../ui';
import { TEMPLATES } from './emails';

type License = NonNullable<LicenseQuery['license']>;

export function LicensePage(props: { id: string }) {
  const client = useClient();
  const from = useMemo(() => new Date(Date.now() - 30 * DAY).toISOString(), []);
  const [r, refetch] = useLiveQuery(LicenseDocument, { id: props.id, from });
  const refresh = useDebounced(refetch, 150);
  const [emails, refetchEmails] = useLiveQuery(LicenseEmailsDocument, { licenseId: props.id });
  const refreshEmails = useDebounced(refetchEmails, 500);
  // A license event (renewed, expired…) may have written an email about it too.
  useEvents({ licenseId: props.id }, () => (refresh(), refreshEmails()));
  useSubscription({ query: ActivationChangedDocument, variables: { licenseId: props.id } }, () => {
    refresh();
    return null;
  });
  const [editing, setEditing] = useState(false);
  const [queued, setQueued] = useState<string | null>(null);
  const l = r.data?.license;

  if (r.error) return <QueryError error={r.error} retry={refetch} />;
  if (!r.data) return <Loading what="the license" />;
  if (!l)
    return (
      <section>
        <h1>License not found</h1>
        <p>
          It does not exist in this environment. <Link to="/licenses">Back to licenses</Link>.
        </p>
      </section>
    );

  const act =
    (
      doc: typeof SuspendLicenseDocument | typeof ReinstateLicenseDocument | typeof RevokeLicenseDocument,
      field: string,
    ) =>
    async () => {
      const res = await mutate(
        client,
        doc as typeof SuspendLicenseDocument,
        { id: l.id },
        field as 'suspendLicense',
      );
      if (!res.ok) return res.failure.form ?? Object.values(res.failure.fields)[0];
      refetch();
    };
  const renew = async () => {
    const res = await mutate(client, RenewLicenseDocument, { id: l.id }, 'renewLicense');
    if (!res.ok) return res.failure.form;
    refetch();
  };

  return (
    <section aria-labelledby="page-title">
      <p class="crumbs">
        <Link to="/licenses">Licenses</Link> /
      </p>
      <div class="title-row">
        <h1 id="page-title" class="mono">
          {l.key}
        </h1>
        <Badge value={l.status} />
      </div>
      <div class="actions" role="group" aria-label="License actions">
        {l.status !== 'suspended' && l.status !== 'revoked' && (
          <ActionButton label="Suspend" action={act(SuspendLicenseDocument, 'suspendLicense')} />
        )}
        {l.status === 'suspended' && (
          <ActionButton label="Reinstate" action={act(ReinstateLicenseDocument, 'reinstateLicense')} />
        )}
        {l.type !== 'perpetual' && l.status !== 'revoked' && <ActionButton label="Renew" action={renew} />}
        {l.status !== 'revoked' && (
          <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            Edit
          </button>
        )}
        {l.status !== 'revoked' && (
          <ActionButton
            label="Send key by email"
            action={async () => {
              const res = await mutate(client, SendLicenseKeyDocument, { id: l.id }, 'sendLicenseKey');
              if (!res.ok) return res.failure.form;
              if (res.data.__typename === 'SendLicenseKeySuccess') setQueued(res.data.email.id);
              refetchEmails();
            }}
          />
        )}
        {l.customer && <CopyPortalLink customerId={l.customer.id} email={l.customer.email} />}
        {l.status !== 'revoked' && (
          <ActionButton
            label="Revoke"
            kind="danger"
            confirm={`Revoke ${l.key}? This is permanent.`}
            action={act(RevokeLicenseDocument, 'revokeLicense')}
          />
        )}
      </div>
      {queued && (
        <p class="notice" role="status" data-testid="key-queued">
          The key is queued to {l.customer?.email}: see its status under Emails below.
        </p>
      )}
      {editing && <EditLicense license={l} client={client} onDone={() => (setEditing(false), refetch())} />}
      <div class="detail-grid">
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl class="facts">
            <dt>Status</dt>
            <dd data-testid="license-status">{l.status}</dd>
            <dt>Type</dt>
            <dd>{l.type}</dd>
            <dt>Product</dt>
            <dd>{l.product.name}</dd>
            <dt>Customer</dt>
            <dd>
              {l.customer ? `${l.customer.email}${l.customer.name ? ` (${l.customer.name})` : ''}` : '—'}
            </dd>
            <dt>Seats</dt>
            <dd data-testid="seats">
              {l.activationCount} of {l.maxActivations}
            </dd>
            <dt>Expires</dt>
            <dd>{dateTime(l.expiresAt)}</dd>
            <dt>Plan</dt>
            <dd>{l.plan ?? '—'}</dd>
            <dt>Allowed domains</dt>
            <dd>{l.allowedDomains.join(', ') || 'any'}</dd>
            <dt>Created</dt>
            <dd>{dateTime(l.createdAt)}</dd>
            <dt>Last validated</dt>
            <dd>{dateTime(l.lastValidatedAt)}</dd>
            <dt>ID</dt>
            <dd class="mono">{l.id}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="usage-title">
          <h2 id="usage-title">Usage, 30 days</h2>
          {r.data.usageAnalytics.totals.total === 0 ? (
            <Empty>No validation or activation in 30 days.</Empty>
          ) : (
            <dl class="facts">
              <dt>Calls</dt>
              <dd>{r.data.usageAnalytics.totals.total.toLocaleString()}</dd>
              <dt>Failed</dt>
              <dd>{r.data.usageAnalytics.totals.failure.toLocaleString()}</dd>
              <dt>Devices seen</dt>
              <dd>{r.data.usageAnalytics.activeDevices}</dd>
              {r.data.usageAnalytics.byCode.map((c) => (
                <>
                  <dt key={`${c.code}-t`}>{c.code}</dt>
                  <dd key={`${c.code}-d`}>{c.count.toLocaleString()}</dd>
                </>
              ))}
            </dl>
          )}
          <h3>Entitlements</h3>
          <p class="muted">Entitlements and usage counters (uses of maxUses) are not in this server yet.</p>
        </section>
      </div>
      <Devices license={l} client={client} onChange={refetch} />
      <LicenseEmails result={emails} refetch={refetchEmails} highlight={queued} />
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        {r.data.events.nodes.length === 0 ? (
          <Empty>No events.</Empty>
        ) : (
          <EventList label="License events" live events={r.data.events.nodes} />
        )}
      </section>
    </section>
  );
}

function Devices(props: { license: License; client: Client; onChange: () => void }) {
  const devices = props.license.activations;
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title">
        Devices ({devices.length} of {props.license.maxActivations})
      </h2>
      {devices.length === 0 ? (
        <Empty>No device is activated.</Empty>
      ) : (
        <Table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Platform</th>
              <th scope="col">Activated</th>
              <th scope="col">Last validated</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((a) => (
              <tr key={a.id} data-device={a.machineId}>
                <td>
                  <span>
                    {a.label ?? <span class="mono">{a.machineId}</span>}
                    {a.label && <span class="muted mono device-id">{a.machineId}</span>}
                  </span>
                </td>
                <td>{a.platform ?? '—'}</td>
                <td>{dateTime(a.createdAt)}</td>
                <td>{dateTime(a.lastValidatedAt)}</td>
                <td>
                  <ActionButton
                    label="Deactivate"
                    ariaLabel={`Deactivate ${a.label ?? a.machineId}`}
                    action={async () => {
                      const r = await mutate(
                        props.client,
                        DeleteActivationDocument,
                        { id: a.id },
                        'deleteActivation',
                      );
                      if (!r.ok) return r.failure.form;
                      props.onChange();
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

const EDIT_FIELDS = ['maxActivations', 'email', 'expiresAt', 'plan', 'allowedDomains'];

function EditLicense(props: { license: License; client: Client; onDone: () => void }) {
  const l = props.license;
  // <input type="datetime-local"> holds the browser's wall-clock time, without a zone.
  const local = (iso: string | null) =>
    iso
      ? new Date(Date.parse(iso) - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
      : '';
  const [v, setV] = useState({
    maxActivations: String(l.maxActivations),
    email: l.customer?.email ?? '',
    expiresAt: local(l.expiresAt),
    plan: l.plan ?? '',
    allowedDomains: l.allowedDomains.join(', '),
  });
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const input = (k: keyof typeof v) => ({
    value: v[k],
    name: k,
    error: failure.fields[k],
    onInput: (e: { currentTarget: HTMLInputElement }) => setV({ ...v, [k]: e.currentTarget.value }),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await mutate(
      props.client,
      UpdateLicenseDocument,
      {
        id: l.id,
        input: {
          maxActivations: Number(v.maxActivations),
          email: v.email || null,
          expiresAt: v.expiresAt
            ? new Date(v.expiresAt).toISOString()
            : l.type === 'perpetual'
              ? undefined
              : null,
          plan: v.plan || null,
          allowedDomains: v.allowedDomains
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean),
        },
      },
      'updateLicense',
      EDIT_FIELDS,
    );
    if (!r.ok) return setFailure(r.failure);
    props.onDone();
  };
  return (
    <form class="card form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="edit-title">
      <h2 id="edit-title">Edit license</h2>
      <div class="grid">
        <TextField label="Max activations" type="number" min={1} {...input('maxActivations')} />
        <TextField label="Customer email" type="email" {...input('email')} />
        {l.type !== 'perpetual' && (
          <TextField label="Expires at" type="datetime-local" {...input('expiresAt')} />
        )}
        <TextField label="Plan" {...input('plan')} />
        <TextField
          label="Allowed domains"
          hint="Comma-separated; empty allows any."
          {...input('allowedDomains')}
        />
      </div>
      <FormError message={failure.form} />
      <div class="buttons">
        <button type="submit" class="primary">
          Save
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type EmailsResult = UseQueryState<LicenseEmailsQuery, { licenseId: string }>;

/** The license's latest emails and how they fared; asks again while one waits for an attempt. */
function LicenseEmails(props: { result: EmailsResult; refetch: () => void; highlight: string | null }) {
  const page = props.result.data?.emails;
  const waiting = page?.nodes.some((e) => e.status === 'queued') ?? false;
  const { refetch } = props;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(refetch, 2_000);
    return () => clearInterval(timer);
  }, [waiting, refetch]);
  return (
    <section class="card" aria-labelledby="emails-title">
      <h2 id="emails-title">Emails</h2>
      <QueryError error={props.result.error} retry={refetch} />
      {page?.nodes.length === 0 && <Empty>No email about this license yet.</Empty>}
      {page && page.nodes.length > 0 && (
        <Table caption="Emails about this license, newest first">
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {page.nodes.map((e) => (
              <tr key={e.id} data-email={e.id} class={e.id === props.highlight ? 'fresh' : undefined}>
                <td class="break">{e.to}</td>
                <td>{TEMPLATES[e.template] ?? e.template}</td>
                <td>
                  <Badge value={e.status} />
                </td>
                <td>{e.attempts}</td>
                <td class="break">{e.lastError ?? '—'}</td>
                <td>{dateTime(e.sentAt)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {page && page.totalCount > page.nodes.length && (
        <p>
          <Link to="/emails">All {page.totalCount} in Emails</Link>
        </p>
      )}
    </section>
  );
}
