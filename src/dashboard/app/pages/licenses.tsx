// Licenses: search by key or email, filters (status, type, product), sorting, pages, and the
// create form with its errors beside each field. The list follows changes made anywhere, live.
import { useClient, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  CreateLicenseDocument,
  type LicenseOrderField,
  type LicenseStatus,
  LicensesDocument,
  type LicenseType,
  type OrderDirection,
  ProductOptionsDocument,
} from '../../gql/graphql';
import { ago, date, dateTime } from '../format';
import { useDebounced, useEvents, useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { Link, navigate } from '../router';
import { Badge, Empty, FormError, Loading, Pager, QueryError, SelectField, TextField, Table } from '../ui';

const SIZE = 25;
const STATUSES = ['active', 'expired', 'suspended', 'revoked'];
const TYPES = ['perpetual', 'subscription', 'trial', 'floating'];
const SORTS: Record<string, [LicenseOrderField, OrderDirection, string]> = {
  newest: ['CREATED_AT', 'DESC', 'Newest first'],
  oldest: ['CREATED_AT', 'ASC', 'Oldest first'],
  expiring: ['EXPIRES_AT', 'ASC', 'Expiring soonest'],
  validated: ['LAST_VALIDATED_AT', 'DESC', 'Last validated'],
  key: ['KEY', 'ASC', 'Key A–Z'],
};
const all = (label: string) => ({ value: '', label });

function useProducts() {
  const [r] = useQuery({ query: ProductOptionsDocument });
  return r.data?.products.nodes ?? [];
}

export function LicensesPage() {
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [productId, setProductId] = useState('');
  const [sort, setSort] = useState('newest');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [creating, setCreating] = useState(false);
  const products = useProducts();
  const applySearch = useDebounced(() => {
    setSearch(typed);
    setCursors([null]);
  }, 250);

  const [field, direction] = SORTS[sort]!;
  const [r, refetch] = useLiveQuery(LicensesDocument, {
    first: SIZE,
    after: cursors[cursors.length - 1],
    search: search || null,
    orderBy: { field, direction },
    filter: {
      status: (status || null) as LicenseStatus | null,
      type: (type || null) as LicenseType | null,
      productId: productId || null,
    },
  });
  const refresh = useDebounced(refetch, 400);
  useEvents(undefined, refresh);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCursors([null]);
    };
  const page = r.data?.licenses;

  return (
    <section aria-labelledby="page-title">
      <div class="title-row">
        <h1 id="page-title">Licenses</h1>
        <button type="button" class="primary" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New license
        </button>
      </div>
      {creating && (
        <CreateLicense
          products={products}
          onDone={(id) => {
            setCreating(false);
            if (id) navigate(`/licenses/${id}`);
          }}
        />
      )}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Search"
          type="search"
          placeholder="Key or customer email"
          value={typed}
          onInput={(e) => {
            setTyped(e.currentTarget.value);
            applySearch();
          }}
        />
        <SelectField
          label="Status"
          value={status}
          onChange={reset(setStatus)}
          options={[all('Any status'), ...STATUSES.map((s) => ({ value: s, label: s }))]}
        />
        <SelectField
          label="Type"
          value={type}
          onChange={reset(setType)}
          options={[all('Any type'), ...TYPES.map((t) => ({ value: t, label: t }))]}
        />
        <SelectField
          label="Product"
          value={productId}
          onChange={reset(setProductId)}
          options={[all('Any product'), ...products.map((p) => ({ value: p.id, label: p.name }))]}
        />
        <SelectField
          label="Sort"
          value={sort}
          onChange={reset(setSort)}
          options={Object.entries(SORTS).map(([value, [, , label]]) => ({ value, label }))}
        />
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!page && !r.error && <Loading what="licenses" />}
      {page && page.nodes.length === 0 && (
        <Empty>
          {search || status || type || productId
            ? 'No license matches.'
            : 'No licenses yet. Create one with “New license”.'}
        </Empty>
      )}
      {page && page.nodes.length > 0 && (
        <>
          <Table class="list licenses">
            <caption class="sr-only">Licenses, {SORTS[sort]![2].toLowerCase()}</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Type</th>
                <th scope="col">Product</th>
                <th scope="col">Customer</th>
                <th scope="col">Seats</th>
                <th scope="col">Expires</th>
                <th scope="col">Last validated</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((l) => (
                <tr key={l.id}>
                  <td>
                    <Link to={`/licenses/${l.id}`} class="mono">
                      {l.key}
                    </Link>
                  </td>
                  <td>
                    <Badge value={l.status} />
                  </td>
                  <td>{l.type}</td>
                  <td>{l.product.name}</td>
                  <td>{l.email ?? '—'}</td>
                  <td>
                    {l.activationCount} / {l.maxActivations}
                  </td>
                  <td>{date(l.expiresAt)}</td>
                  <td>
                    {l.lastValidatedAt ? (
                      <time dateTime={l.lastValidatedAt} title={dateTime(l.lastValidatedAt)}>
                        {ago(l.lastValidatedAt)}
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
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

const FIELDS = ['productId', 'type', 'maxActivations', 'email', 'expiresAt', 'key', 'plan', 'sendEmail'];

function CreateLicense(props: { products: { id: string; name: string }[]; onDone: (id?: string) => void }) {
  const client = useClient();
  const [v, setV] = useState({
    productId: '',
    type: 'perpetual',
    maxActivations: '1',
    email: '',
    expiresAt: '',
    key: '',
    plan: '',
  });
  const [sendEmail, setSendEmail] = useState(false);
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (value: string) => setV({ ...v, [k]: value });
  const input = (k: keyof typeof v) => ({
    value: v[k],
    name: k,
    error: failure.fields[k],
    onInput: (e: { currentTarget: HTMLInputElement }) => set(k)(e.currentTarget.value),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!v.productId) return setFailure({ fields: { productId: 'Choose a product.' } });
    setBusy(true);
    const seats = Number(v.maxActivations);
    const r = await mutate(
      client,
      CreateLicenseDocument,
      {
        input: {
          productId: v.productId,
          type: v.type as LicenseType,
          maxActivations: v.maxActivations === '' || Number.isNaN(seats) ? null : seats,
          email: v.email || null,
          expiresAt: v.expiresAt ? new Date(v.expiresAt).toISOString() : null,
          key: v.key || null,
          plan: v.plan || null,
          sendEmail,
        },
      },
      'createLicense',
      FIELDS,
    );
    setBusy(false);
    if (!r.ok) return setFailure(r.failure);
    props.onDone(r.data.__typename === 'CreateLicenseSuccess' ? r.data.license.id : undefined);
  };
  return (
    <form class="card form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="create-title">
      <h2 id="create-title">New license</h2>
      {props.products.length === 0 && (
        <p>
          A license belongs to a product: <Link to="/products">create a product</Link> first.
        </p>
      )}
      <div class="grid">
        <SelectField
          label="Product"
          name="productId"
          value={v.productId}
          error={failure.fields.productId}
          onChange={set('productId')}
          required
          options={[
            { value: '', label: 'Choose a product' },
            ...props.products.map((p) => ({ value: p.id, label: p.name })),
          ]}
        />
        <SelectField
          label="Type"
          name="type"
          value={v.type}
          error={failure.fields.type}
          onChange={set('type')}
          options={TYPES.map((t) => ({ value: t, label: t }))}
        />
        <TextField label="Max activations" type="number" min={1} {...input('maxActivations')} />
        <TextField
          label="Customer email"
          type="email"
          hint="Optional; links or creates the customer."
          {...input('email')}
        />
        <TextField
          label="Expires at"
          type="datetime-local"
          hint="Subscriptions default to one period, trials to 14 days."
          {...input('expiresAt')}
        />
        <TextField
          label="Key"
          hint="Optional: import an existing key instead of generating one."
          {...input('key')}
        />
        <TextField label="Plan" {...input('plan')} />
      </div>
      <label class="check">
        <input type="checkbox" checked={sendEmail} onChange={(e) => setSendEmail(e.currentTarget.checked)} />
        <span>Email the key to the customer</span>
      </label>
      <FormError message={failure.form ?? failure.fields.sendEmail} />
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          Create license
        </button>
        <button type="button" onClick={() => props.onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
