// Settings: the team (users and roles), branding with a live preview, the customer page, custom
// domains, the Stripe integration and the audit log (settings-*.tsx).
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  CreateUserDocument,
  DeleteUserDocument,
  UpdateUserRoleDocument,
  type UserRole,
  UsersDocument,
  ViewerDocument,
} from '../../gql/graphql';
import { date } from '../format';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import type { Environment } from '../session';
import {
  ActionButton,
  FormError,
  Loading,
  QueryError,
  SecretOnce,
  SelectField,
  TextField,
  Table,
} from '../ui';
import { AuditLogSettings } from './settings-audit';
import { BrandingSettings } from './settings-branding';
import { CustomerPageSettings, DomainSettings } from './settings-domains';
import { StripeSettings } from './settings-stripe';

const ROLES = ['owner', 'developer', 'readonly'].map((r) => ({ value: r, label: r }));

export function SettingsPage(props: { environment: Environment }) {
  const client = useClient();
  const [viewer] = useLiveQuery(ViewerDocument, {});
  const [r, refetch] = useLiveQuery(UsersDocument, {});
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('developer');
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [password, setPassword] = useState<string | null>(null);
  const invite = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      CreateUserDocument,
      { input: { email, role: role as UserRole } },
      'createUser',
      ['email', 'role'],
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    if (res.data.__typename === 'CreateUserSuccess') setPassword(res.data.password ?? null);
    setEmail('');
    refetch();
  };
  const me = viewer.data?.viewer?.userId;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Settings</h1>
      {viewer.data?.viewer && (
        <p class="muted">
          Account <strong>{viewer.data.viewer.account.name}</strong> ·{' '}
          <span class="mono">{viewer.data.viewer.account.id}</span>
        </p>
      )}
      <section class="card" aria-labelledby="team-title">
        <h2 id="team-title">Team</h2>
        {password && (
          <SecretOnce title="Their first password" secret={password} onDone={() => setPassword(null)} />
        )}
        <QueryError error={r.error} retry={refetch} />
        {!r.data && !r.error && <Loading what="users" />}
        {r.data && (
          <Table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {r.data.users.nodes.map((u) => (
                <tr key={u.id}>
                  <td>
                    <span>
                      {u.email} {u.id === me && <span class="muted">(you)</span>}
                    </span>
                  </td>
                  <td>
                    <RoleSelect
                      id={u.id}
                      email={u.email}
                      role={u.role}
                      disabled={u.id === me}
                      onChange={refetch}
                    />
                  </td>
                  <td>{date(u.createdAt)}</td>
                  <td>
                    {u.id !== me && (
                      <ActionButton
                        label="Remove"
                        kind="danger"
                        ariaLabel={`Remove ${u.email}`}
                        confirm={`Remove ${u.email} from the team?`}
                        action={async () => {
                          const res = await mutate(client, DeleteUserDocument, { id: u.id }, 'deleteUser');
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
        <form class="form inline" onSubmit={(e) => void invite(e)} noValidate aria-labelledby="invite-title">
          <h3 id="invite-title">Add a user</h3>
          <TextField
            label="Email"
            type="email"
            value={email}
            error={failure.fields.email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <SelectField
            label="Role"
            value={role}
            onChange={setRole}
            options={ROLES}
            error={failure.fields.role}
          />
          <FormError message={failure.form} />
          <button type="submit" class="primary">
            Add user
          </button>
        </form>
      </section>
      <BrandingSettings />
      <CustomerPageSettings />
      <DomainSettings />
      <StripeSettings environment={props.environment} />
      <AuditLogSettings />
    </section>
  );
}

function RoleSelect(props: {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  onChange: () => void;
}) {
  const client = useClient();
  const [error, setError] = useState<string | undefined>();
  return (
    <span>
      <label class="sr-only" for={`role-${props.id}`}>
        Role of {props.email}
      </label>
      <select
        id={`role-${props.id}`}
        value={props.role}
        disabled={props.disabled}
        onChange={(e) => {
          const role = e.currentTarget.value as UserRole;
          void mutate(client, UpdateUserRoleDocument, { id: props.id, role }, 'updateUserRole').then(
            (res) => {
              setError(res.ok ? undefined : res.failure.form);
              props.onChange();
            },
          );
        }}
      >
        {ROLES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
