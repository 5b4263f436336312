// Settings → Custom domains (add, what DNS answers, whether a request for it has reached this
// server, remove) and the customer page's address.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  AddCustomDomainDocument,
  BrandingDocument,
  type CustomDomainsQuery,
  CustomDomainsDocument,
  RemoveCustomDomainDocument,
} from '../../gql/graphql';
import { dateTime } from '../format';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { ActionButton, Badge, Empty, FormError, Loading, QueryError, TextField, Table } from '../ui';

type Domain = CustomDomainsQuery['customDomains']['nodes'][number];

export function CustomerPageSettings() {
  const [r, refetch] = useLiveQuery(BrandingDocument, {});
  const [copied, setCopied] = useState(false);
  const url = r.data?.branding.customerPageUrl;
  return (
    <section class="card" aria-labelledby="customer-page-title">
      <h2 id="customer-page-title">Customer page</h2>
      <p class="muted">
        Your customers sign in here (by an emailed link, a license key, or a one-click link from a license or
        customer) to see their licenses and free their devices. Links in emails point here.
      </p>
      <QueryError error={r.error} retry={refetch} />
      {url && (
        <div class="secret-row">
          <code class="break" data-testid="customer-page-link">
            {url}
          </code>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(url).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
          <a href={url} target="_blank" rel="noopener noreferrer">
            Open
          </a>
        </div>
      )}
    </section>
  );
}

export function DomainSettings() {
  const client = useClient();
  const [r, refetch] = useLiveQuery(CustomDomainsDocument, {});
  const [host, setHost] = useState('');
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const add = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(client, AddCustomDomainDocument, { host }, 'addCustomDomain', ['host']);
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    setHost('');
    changed();
  };
  // The customer page's address follows the first domain: the Branding query shows it too.
  const changed = () => {
    refetch();
    void client.query(BrandingDocument, {}, { requestPolicy: 'network-only' }).toPromise();
  };
  const domains = r.data?.customDomains.nodes;
  const target = domains?.[0]?.dns.target;
  return (
    <section class="card" aria-labelledby="domains-title">
      <h2 id="domains-title">Custom domains</h2>
      <p class="muted">
        Serve the customer page at <code>/</code> on your own name. Point the name at this server (a CNAME to{' '}
        {target ? <code>{target}</code> : 'its host name'}, or A/AAAA records at its addresses); TLS is your
        reverse proxy’s job. Links in emails then use the first domain.
      </p>
      <form class="form inline" onSubmit={(e) => void add(e)} noValidate aria-label="Add a custom domain">
        <TextField
          label="Host"
          placeholder="licenses.example.com"
          value={host}
          error={failure.fields.host}
          onInput={(e) => setHost(e.currentTarget.value)}
        />
        <FormError message={failure.form} />
        <button type="submit" class="primary">
          Add domain
        </button>
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!domains && !r.error && <Loading what="domains (and their DNS)" />}
      {domains?.length === 0 && <Empty>No custom domain.</Empty>}
      {domains && domains.length > 0 && (
        <>
          <Table caption="Custom domains, oldest first">
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">DNS</th>
                <th scope="col">Reached this server</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => (
                <tr key={d.id} data-domain={d.host}>
                  <td class="break">
                    <a href={d.customerPageUrl} target="_blank" rel="noopener noreferrer">
                      {d.host}
                    </a>
                  </td>
                  <td>
                    <Dns domain={d} />
                  </td>
                  <td>{d.firstRequestAt ? dateTime(d.firstRequestAt) : 'not yet'}</td>
                  <td>{dateTime(d.createdAt)}</td>
                  <td>
                    <ActionButton
                      label="Remove"
                      kind="danger"
                      ariaLabel={`Remove ${d.host}`}
                      confirm={`Remove ${d.host}? It stops serving the customer page.`}
                      action={async () => {
                        const res = await mutate(
                          client,
                          RemoveCustomDomainDocument,
                          { id: d.id },
                          'removeCustomDomain',
                        );
                        if (!res.ok) return res.failure.form;
                        changed();
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <button type="button" onClick={refetch}>
            Check DNS again
          </button>
        </>
      )}
    </section>
  );
}

function Dns(props: { domain: Domain }) {
  const { dns } = props.domain;
  if (dns.error)
    return (
      <span data-testid="dns">
        <Badge value="unresolved" /> <span class="muted sub">does not resolve ({dns.error})</span>
      </span>
    );
  return (
    <span data-testid="dns">
      <Badge value={dns.pointsHere === false ? 'elsewhere' : dns.pointsHere ? 'points here' : 'resolves'} />
      <span class="muted sub mono">{dns.addresses.join(', ')}</span>
    </span>
  );
}
