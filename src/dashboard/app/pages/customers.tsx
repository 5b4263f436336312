// Customers: search by email or name, create, delete, and "Copy customer page link" (a one-click,
// single-use sign-in link to the customer's page, §9).
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import { CreateCustomerDocument, CustomersDocument, DeleteCustomerDocument } from '../../gql/graphql';
import { date } from '../format';
import { useDebounced, useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { CopyPortalLink } from '../portal-link';
import { ActionButton, Empty, FormError, Loading, Pager, QueryError, TextField, Table } from '../ui';

const SIZE = 25;

export function CustomersPage() {
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const apply = useDebounced(() => (setSearch(typed), setCursors([null])), 250);
  const [r, refetch] = useLiveQuery(CustomersDocument, {
    first: SIZE,
    after: cursors[cursors.length - 1],
    search: search || null,
  });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const create = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      CreateCustomerDocument,
      { input: { email, name: name || null } },
      'createCustomer',
      ['email', 'name'],
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    setEmail('');
    setName('');
    refetch();
  };
  const page = r.data?.customers;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Customers</h1>
      <form class="card form" onSubmit={(e) => void create(e)} noValidate aria-labelledby="new-customer">
        <h2 id="new-customer">New customer</h2>
        <div class="grid">
          <TextField
            label="Email"
            type="email"
            required
            value={email}
            error={failure.fields.email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <TextField
            label="Name"
            value={name}
            error={failure.fields.name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <FormError message={failure.form} />
        <button type="submit" class="primary">
          Create customer
        </button>
      </form>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Search"
          type="search"
          placeholder="Email or name"
          value={typed}
          onInput={(e) => (setTyped(e.currentTarget.value), apply())}
        />
      </form>
      <QueryError error={r.error} retry={refetch} />
      {!page && !r.error && <Loading what="customers" />}
      {page?.nodes.length === 0 && <Empty>{search ? 'No customer matches.' : 'No customers yet.'}</Empty>}
      {page && page.nodes.length > 0 && (
        <>
          <Table class="list">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Licenses</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((c) => (
                <tr key={c.id}>
                  <td>{c.email}</td>
                  <td>{c.name ?? '—'}</td>
                  <td>{c.licenses.totalCount}</td>
                  <td>{date(c.createdAt)}</td>
                  <td class="row-actions">
                    <CopyPortalLink customerId={c.id} email={c.email} />
                    <ActionButton
                      label="Delete"
                      kind="danger"
                      ariaLabel={`Delete ${c.email}`}
                      confirm={`Delete ${c.email}? Their licenses are kept, unlinked.`}
                      action={async () => {
                        const res = await mutate(
                          client,
                          DeleteCustomerDocument,
                          { id: c.id },
                          'deleteCustomer',
                        );
                        if (!res.ok) return res.failure.form;
                        refetch();
                      }}
                    />
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
