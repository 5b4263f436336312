// API keys of this environment: create (the key is shown once), revoke.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument } from '../../gql/graphql';
import { dateTime } from '../format';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import type { Environment } from '../session';
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

export function ApiKeysPage(props: { environment: Environment }) {
  const client = useClient();
  const [r, refetch] = useLiveQuery(ApiKeysDocument, {});
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [secret, setSecret] = useState<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      CreateApiKeyDocument,
      { input: { name: name || null } },
      'createApiKey',
      ['name', 'environment'],
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    if (res.data.__typename === 'CreateApiKeySuccess') setSecret(res.data.secret);
    setName('');
    refetch();
  };
  const keys = r.data?.apiKeys.nodes;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">API keys</h1>
      <p class="muted">
        Keys of the {props.environment} environment (<span class="mono">to_{props.environment}_…</span>). A
        key acts as the account's owner. Send it as <span class="mono">Authorization: Bearer …</span>.
      </p>
      {secret && <SecretOnce title="New API key" secret={secret} onDone={() => setSecret(null)} />}
      <form class="card form inline" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-key">
        <h2 id="new-key">New API key</h2>
        <TextField
          label="Name"
          placeholder="e.g. Billing server"
          value={name}
          error={failure.fields.name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <FormError message={failure.form} />
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!keys && !r.error && <Loading what="API keys" />}
      {keys?.length === 0 && <Empty>No API keys.</Empty>}
      {keys && keys.length > 0 && (
        <Table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scope</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key={k.prefix}>
                <td>{k.name}</td>
                <td class="mono">{k.prefix}…</td>
                <td>{k.scope}</td>
                <td>{dateTime(k.createdAt)}</td>
                <td>{dateTime(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? <Badge value="revoked" /> : <Badge value="active" />}</td>
                <td>
                  {!k.revokedAt && (
                    <ActionButton
                      label="Revoke"
                      kind="danger"
                      ariaLabel={`Revoke ${k.name}`}
                      confirm={`Revoke ${k.name}? It stops working at once.`}
                      action={async () => {
                        const res = await mutate(client, RevokeApiKeyDocument, { id: k.id }, 'revokeApiKey');
                        if (!res.ok) return res.failure.form;
                        refetch();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
