// Emails: the outbox (§13). Every email the server sends (license keys, sign-in links, expiry
// notices, renewals) with its recipient, subject, template, status, attempts and last error; filters
// by status and template, pages, and Resend / Retry / Send now. It refetches on every license event
// (the changes that write emails) and every 5 s (2 s while an email on screen waits for an attempt).
import { useClient } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import {
  type EmailRowFragment,
  type EmailStatus,
  EmailsDocument,
  type EmailTemplate,
  ResendEmailDocument,
} from '../../gql/graphql';
import { dateTime } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { mutate } from '../mutate';
import { Link } from '../router';
import { ActionButton, Badge, Empty, Loading, Pager, QueryError, SelectField, Table } from '../ui';

const SIZE = 25;
const POLL_MS = 2_000;
const IDLE_POLL_MS = 5_000;

const STATUSES = [
  { value: '', label: 'Any status' },
  { value: 'unsent', label: 'unsent (no SMTP server)' },
  { value: 'queued', label: 'queued' },
  { value: 'sent', label: 'sent' },
  { value: 'failed', label: 'failed' },
];

export const TEMPLATES: Record<string, string> = {
  LICENSE_KEY: 'License key',
  MAGIC_LINK: 'Sign-in link',
  LICENSE_EXPIRING: 'Expiring soon',
  LICENSE_EXPIRED: 'Expired',
  LICENSE_RENEWED: 'Renewed',
};

/** What the button beside an email does, by its status (none while it waits for SMTP_URL). */
const resendLabel = (status: EmailStatus) =>
  status === 'sent' ? 'Resend' : status === 'failed' ? 'Retry' : status === 'queued' ? 'Send now' : null;

export function EmailsPage() {
  const [status, setStatus] = useState('');
  const [template, setTemplate] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filter = {
    ...(status ? { status: status as EmailStatus } : {}),
    ...(template ? { template: template as EmailTemplate } : {}),
  };
  const [r, refetch] = useLiveQuery(EmailsDocument, {
    first: SIZE,
    after: cursors[cursors.length - 1],
    filter,
  });
  const refresh = useDebounced(refetch, 500);
  useEvents(undefined, refresh);
  const page = r.data?.emails;
  const waiting = page?.nodes.some((e) => e.status === 'queued') ?? false;
  // Neither an attempt's outcome nor a key sent by hand is an event: ask again every few seconds
  // (sooner while an email on screen waits for an attempt), while the tab is visible.
  useEffect(() => {
    const timer = setInterval(
      () => document.visibilityState === 'visible' && refetch(),
      waiting ? POLL_MS : IDLE_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [waiting, refetch]);
  const unsent = page?.nodes.some((e) => e.status === 'unsent') ?? false;

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Emails</h1>
      <form class="filters compact" onSubmit={(e) => e.preventDefault()} aria-label="Filter emails">
        <SelectField
          label="Status"
          value={status}
          onChange={(v) => (setStatus(v), setCursors([null]))}
          options={STATUSES}
        />
        <SelectField
          label="Template"
          value={template}
          onChange={(v) => (setTemplate(v), setCursors([null]))}
          options={[
            { value: '', label: 'Any template' },
            ...Object.entries(TEMPLATES).map(([value, label]) => ({ value, label })),
          ]}
        />
      </form>
      {unsent && (
        <p class="hint" role="note">
          Unsent emails wait for an SMTP server: start the server with <code>SMTP_URL</code> and they go out.
        </p>
      )}
      <QueryError error={r.error} retry={refetch} />
      {!page && !r.error && <Loading what="emails" />}
      {page?.nodes.length === 0 && (
        <Empty>{status || template ? 'No email matches.' : 'No emails yet.'}</Empty>
      )}
      {page && page.nodes.length > 0 && (
        <>
          <Table class="emails" caption="The email outbox, newest first">
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Sent</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((e) => (
                <EmailRow key={e.id} email={e} onChange={refetch} />
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

function EmailRow(props: { email: EmailRowFragment; onChange: () => void }) {
  const client = useClient();
  const e = props.email;
  const label = resendLabel(e.status);
  return (
    <tr data-email={e.id} data-status={e.status}>
      <td>{e.to}</td>
      <td>
        <span>
          {e.subject}
          <span class="muted sub">
            {TEMPLATES[e.template] ?? e.template}
            {e.licenseId && (
              <>
                {' · '}
                <Link to={`/licenses/${e.licenseId}`}>open the license</Link>
              </>
            )}
          </span>
        </span>
      </td>
      <td>
        <Badge value={e.status} />
        {e.status === 'queued' && e.nextAttemptAt && e.attempts > 0 && (
          <span class="muted sub">next try {dateTime(e.nextAttemptAt)}</span>
        )}
      </td>
      <td>{e.attempts}</td>
      <td class="break">{e.lastError ?? '—'}</td>
      <td>{dateTime(e.sentAt)}</td>
      <td>
        {label && (
          <ActionButton
            label={label}
            ariaLabel={`${label} “${e.subject}” to ${e.to}`}
            action={async () => {
              const res = await mutate(client, ResendEmailDocument, { id: e.id }, 'resendEmail');
              if (!res.ok) return res.failure.form;
              props.onChange();
            }}
          />
        )}
      </td>
    </tr>
  );
}
