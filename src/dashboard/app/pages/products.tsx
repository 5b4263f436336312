// Products: list with their license counts, create, rename/edit platforms, delete (only without licenses).
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  CreateProductDocument,
  DeleteProductDocument,
  ProductsDocument,
  UpdateProductDocument,
} from '../../gql/graphql';
import { date } from '../format';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { ActionButton, Empty, FormError, Loading, QueryError, TextField, Table } from '../ui';

const FIELDS = ['name', 'platforms', 'offlineGracePeriod', 'leaseDuration'];
const list = (s: string) =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

export function ProductsPage() {
  const client = useClient();
  const [r, refetch] = useLiveQuery(ProductsDocument, { first: 100 });
  const [v, setV] = useState({ name: '', platforms: '', offlineGracePeriod: '', leaseDuration: '' });
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [editing, setEditing] = useState<string | null>(null);
  const input = (k: keyof typeof v) => ({
    value: v[k],
    name: k,
    error: failure.fields[k],
    onInput: (e: { currentTarget: HTMLInputElement }) => setV({ ...v, [k]: e.currentTarget.value }),
  });
  const num = (s: string) => (s === '' ? null : Number(s));
  const create = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      CreateProductDocument,
      {
        input: {
          name: v.name,
          platforms: list(v.platforms),
          offlineGracePeriod: num(v.offlineGracePeriod),
          leaseDuration: num(v.leaseDuration),
        },
      },
      'createProduct',
      FIELDS,
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    setV({ name: '', platforms: '', offlineGracePeriod: '', leaseDuration: '' });
    refetch();
  };
  const products = r.data?.products.nodes;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Products</h1>
      <form class="card form" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-product">
        <h2 id="new-product">New product</h2>
        <div class="grid">
          <TextField label="Name" required {...input('name')} />
          <TextField label="Platforms" hint="Comma-separated, e.g. windows, mac" {...input('platforms')} />
          <TextField
            label="Offline grace period (seconds)"
            type="number"
            hint="Default 604800 (7 days)"
            {...input('offlineGracePeriod')}
          />
          <TextField
            label="Lease duration (seconds)"
            type="number"
            hint="Floating seats; default 900"
            {...input('leaseDuration')}
          />
        </div>
        <FormError message={failure.form} />
        <button type="submit" class="primary">
          Create product
        </button>
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!products && !r.error && <Loading what="products" />}
      {products?.length === 0 && <Empty>No products yet.</Empty>}
      {products && products.length > 0 && (
        <Table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Platforms</th>
              <th scope="col">Licenses</th>
              <th scope="col">Created</th>
              <th scope="col">ID</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((p) =>
              editing === p.id ? (
                <EditRow key={p.id} product={p} onDone={() => (setEditing(null), refetch())} />
              ) : (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{p.platforms.join(', ') || '—'}</td>
                  <td>{p.licenses.totalCount.toLocaleString()}</td>
                  <td>{date(p.createdAt)}</td>
                  <td class="mono">{p.id}</td>
                  <td class="row-actions">
                    <button type="button" aria-label={`Edit ${p.name}`} onClick={() => setEditing(p.id)}>
                      Edit
                    </button>
                    <ActionButton
                      label="Delete"
                      kind="danger"
                      ariaLabel={`Delete ${p.name}`}
                      confirm={`Delete the product ${p.name}?`}
                      action={async () => {
                        const res = await mutate(
                          client,
                          DeleteProductDocument,
                          { id: p.id },
                          'deleteProduct',
                        );
                        if (!res.ok) return res.failure.form;
                        refetch();
                      }}
                    />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </Table>
      )}
    </section>
  );
}

function EditRow(props: { product: { id: string; name: string; platforms: string[] }; onDone: () => void }) {
  const client = useClient();
  const [name, setName] = useState(props.product.name);
  const [platforms, setPlatforms] = useState(props.product.platforms.join(', '));
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const save = async () => {
    const res = await mutate(
      client,
      UpdateProductDocument,
      { id: props.product.id, input: { name, platforms: list(platforms) } },
      'updateProduct',
      FIELDS,
    );
    if (!res.ok) return setFailure(res.failure);
    props.onDone();
  };
  return (
    <tr>
      <td>
        <TextField
          label="Name"
          value={name}
          error={failure.fields.name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </td>
      <td colSpan={4}>
        <TextField
          label="Platforms"
          value={platforms}
          error={failure.fields.platforms}
          onInput={(e) => setPlatforms(e.currentTarget.value)}
        />
        <FormError message={failure.form} />
      </td>
      <td class="row-actions">
        <button type="button" class="primary" onClick={() => void save()}>
          Save
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </td>
    </tr>
  );
}
