// Webhooks: endpoints (create with the signing secret shown once, pick events), and one endpoint's
// delivery log with status and Redeliver, roll the secret, send a test, enable/disable, delete.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  type EventType,
  RedeliverWebhookDeliveryDocument,
  RollWebhookSecretDocument,
  TestWebhookEndpointDocument,
  UpdateWebhookEndpointDocument,
  WebhookEndpointDocument,
  WebhookEndpointsDocument,
} from '../../gql/graphql';
import { dateTime, EVENT_TYPES, eventName } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { Link, navigate } from '../router';
import {
  ActionButton,
  Badge,
  Empty,
  FormError,
  Loading,
  QueryError,
  SecretOnce,
  TextField,
  Table,
} from '../ui';

export function WebhooksPage() {
  const client = useClient();
  const [r, refetch] = useLiveQuery(WebhookEndpointsDocument, {});
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>([]);
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [secret, setSecret] = useState<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      CreateWebhookEndpointDocument,
      { input: { url, description: description || null, events } },
      'createWebhookEndpoint',
      ['url', 'description', 'events'],
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    if (res.data.__typename === 'CreateWebhookEndpointSuccess') setSecret(res.data.secret);
    setUrl('');
    setDescription('');
    setEvents([]);
    refetch();
  };
  const endpoints = r.data?.webhookEndpoints.nodes;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Webhooks</h1>
      {secret && <SecretOnce title="Signing secret" secret={secret} onDone={() => setSecret(null)} />}
      <form class="card form" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-webhook">
        <h2 id="new-webhook">New endpoint</h2>
        <div class="grid">
          <TextField
            label="URL"
            type="url"
            required
            placeholder="https://example.com/webhooks"
            value={url}
            error={failure.fields.url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          <TextField
            label="Description"
            value={description}
            error={failure.fields.description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </div>
        <fieldset class="events-pick">
          <legend>Events (none chosen: every event)</legend>
          {EVENT_TYPES.map((t) => (
            <label key={t} class="check">
              <input
                type="checkbox"
                checked={events.includes(t)}
                onChange={(e) =>
                  setEvents(e.currentTarget.checked ? [...events, t] : events.filter((x) => x !== t))
                }
              />
              <span>{eventName(t)}</span>
            </label>
          ))}
        </fieldset>
        <FormError message={failure.form ?? failure.fields.events} />
        <button type="submit" class="primary">
          Create endpoint
        </button>
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!endpoints && !r.error && <Loading what="endpoints" />}
      {endpoints?.length === 0 && <Empty>No webhook endpoints yet.</Empty>}
      {endpoints && endpoints.length > 0 && (
        <Table class="list">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Secret</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link to={`/webhooks/${w.id}`}>{w.url}</Link>
                  {w.description && <div class="muted">{w.description}</div>}
                </td>
                <td>{w.events.length ? w.events.map(eventName).join(', ') : 'every event'}</td>
                <td>
                  <Badge value={w.enabled ? 'enabled' : 'disabled'} />
                </td>
                <td class="mono">{w.secretPrefix}…</td>
                <td>{dateTime(w.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

export function WebhookPage(props: { id: string }) {
  const client = useClient();
  const [r, refetch] = useLiveQuery(WebhookEndpointDocument, { id: props.id });
  const refresh = useDebounced(refetch, 800);
  useEvents(undefined, refresh);
  const [secret, setSecret] = useState<string | null>(null);
  const w = r.data?.webhookEndpoint;
  if (r.error) return <QueryError error={r.error} retry={refetch} />;
  if (!r.data) return <Loading what="the endpoint" />;
  if (!w)
    return (
      <section>
        <h1>Endpoint not found</h1>
        <p>
          <Link to="/webhooks">Back to webhooks</Link>
        </p>
      </section>
    );
  const run = async (p: Promise<{ ok: boolean; failure?: Failure }>) => {
    const res = await p;
    if (!res.ok) return res.failure?.form;
    refetch();
  };
  return (
    <section aria-labelledby="page-title">
      <p class="crumbs">
        <Link to="/webhooks">Webhooks</Link> /
      </p>
      <div class="title-row">
        <h1 id="page-title" class="break">
          {w.url}
        </h1>
        <Badge value={w.enabled ? 'enabled' : 'disabled'} />
      </div>
      {w.disabledReason && <p class="error">Disabled: {w.disabledReason}</p>}
      {secret && <SecretOnce title="New signing secret" secret={secret} onDone={() => setSecret(null)} />}
      <div class="actions" role="group" aria-label="Endpoint actions">
        <ActionButton
          label="Send a test"
          disabled={!w.enabled}
          action={() => run(mutate(client, TestWebhookEndpointDocument, { id: w.id }, 'testWebhookEndpoint'))}
        />
        <ActionButton
          label={w.enabled ? 'Disable' : 'Enable'}
          action={() =>
            run(
              mutate(
                client,
                UpdateWebhookEndpointDocument,
                { id: w.id, input: { enabled: !w.enabled } },
                'updateWebhookEndpoint',
              ),
            )
          }
        />
        <ActionButton
          label="Roll secret"
          confirm="Replace the signing secret now? Receivers must switch to the new one."
          action={async () => {
            const res = await mutate(client, RollWebhookSecretDocument, { id: w.id }, 'rollWebhookSecret');
            if (!res.ok) return res.failure.form;
            if (res.data.__typename === 'RollWebhookSecretSuccess') setSecret(res.data.secret);
            refetch();
          }}
        />
        <ActionButton
          label="Delete"
          kind="danger"
          confirm="Delete this endpoint and its delivery log?"
          action={async () => {
            const res = await mutate(
              client,
              DeleteWebhookEndpointDocument,
              { id: w.id },
              'deleteWebhookEndpoint',
            );
            if (!res.ok) return res.failure.form;
            navigate('/webhooks');
          }}
        />
      </div>
      <dl class="facts card">
        <dt>Events</dt>
        <dd>{w.events.length ? w.events.map(eventName).join(', ') : 'every event'}</dd>
        <dt>Secret</dt>
        <dd class="mono">{w.secretPrefix}…</dd>
        <dt>Description</dt>
        <dd>{w.description ?? '—'}</dd>
      </dl>
      <section class="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Deliveries ({w.deliveries.totalCount})</h2>
        {w.deliveries.nodes.length === 0 ? (
          <Empty>No deliveries yet.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {w.deliveries.nodes.map((d) => (
                <tr key={d.id}>
                  <td>{eventName(d.eventType)}</td>
                  <td>
                    <Badge value={d.status} />
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
                  <td>{dateTime(d.createdAt)}</td>
                  <td>
                    <ActionButton
                      label="Redeliver"
                      ariaLabel={`Redeliver ${eventName(d.eventType)} of ${dateTime(d.createdAt)}`}
                      action={() =>
                        run(
                          mutate(
                            client,
                            RedeliverWebhookDeliveryDocument,
                            { id: d.id },
                            'redeliverWebhookDelivery',
                          ),
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </section>
  );
}
