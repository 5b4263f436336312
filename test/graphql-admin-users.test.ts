// The GraphQL fields that mirror the REST API's operator and team routes: the operator's accounts
// (admin scope) and the account's users (owner-only; read-only users change nothing). Analytics and
// webhooks are in graphql-analytics-webhooks.test.ts. Through app.fetch POST /graphql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, gqlClient } from './helpers/graphql';

const OWNER = { email: 'owner@admin-gql.test', password: 'owner-password-1' };
let t: TestApp;
let gql: Gql;
let admin: string;
beforeAll(async () => {
  t = await makeApp({
    ownerEmail: OWNER.email,
    ownerPassword: OWNER.password,
    trustProxy: 1,
    webhookAllowPrivate: true, // the receiver listens on 127.0.0.1
  });
  gql = gqlClient(t);
  admin = (
    await createApiKey(t.app.deps.prisma, { accountId: t.accountId, environment: 'live', scope: 'admin' })
  ).secret;
});
afterAll(() => t.close());

let loginIp = 10;
async function login(email: string, password: string): Promise<string> {
  const r = await t.call('POST', '/api/v1/auth/login', { email, password }, null, {
    'x-forwarded-for': `203.0.113.${loginIp++}`,
  });
  if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

const ACCOUNT = `id name plan status createdAt updatedAt`;
const CREATE_ACCOUNT = `mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    __typename
    ... on CreateAccountSuccess { account { ${ACCOUNT} } owner { id email password } liveKey testKey }
    ... on DomainError { code message }
  }
}`;
const ACCOUNT_CHANGE = (name: string, args: string, vars: string) => `mutation(${vars}) {
  ${name}(${args}) {
    __typename
    ... on ${name[0]!.toUpperCase()}${name.slice(1)}Success { account { ${ACCOUNT} } }
    ... on DomainError { code message }
  }
}`;
const UPDATE_ACCOUNT = ACCOUNT_CHANGE(
  'updateAccount',
  'id: $id, input: $input',
  '$id: ID!, $input: UpdateAccountInput!',
);
const SUSPEND = ACCOUNT_CHANGE('suspendAccount', 'id: $id', '$id: ID!');
const REINSTATE = ACCOUNT_CHANGE('reinstateAccount', 'id: $id', '$id: ID!');

describe('admin scope', () => {
  it('refuses portal keys and anonymous callers', async () => {
    const portal = await gql(`{ accounts { totalCount } }`);
    expect(errorCode(portal), portal.trace).toBe('FORBIDDEN');
    const one = await gql(`query($id: ID!) { account(id: $id) { id } }`, { id: t.accountId });
    expect(errorCode(one), one.trace).toBe('FORBIDDEN');
    const create = await gql(CREATE_ACCOUNT, { input: { name: 'Nope', ownerEmail: 'nope@tenant.test' } });
    expect(errorCode(create), create.trace).toBe('FORBIDDEN');
    const suspend = await gql(SUSPEND, { id: t.accountId });
    expect(errorCode(suspend), suspend.trace).toBe('FORBIDDEN');
    const anonymous = await gql(`{ accounts { totalCount } }`, {}, null);
    expect(errorCode(anonymous), anonymous.trace).toBe('AUTH_REQUIRED');
    // Nothing changed.
    const account = await t.app.deps.prisma.account.findUniqueOrThrow({ where: { id: t.accountId } });
    expect(account.status).toBe('active');
  });

  it('an admin key lists, creates, changes, suspends and reinstates accounts', async () => {
    const created = await gql(
      CREATE_ACCOUNT,
      { input: { name: 'Tenant B', plan: 'starter', ownerEmail: 'B@Tenant.test' } },
      admin,
    );
    const b = dataOf(created).createAccount;
    expect(b, created.trace).toMatchObject({
      __typename: 'CreateAccountSuccess',
      account: { name: 'Tenant B', plan: 'starter', status: 'active' },
      owner: { email: 'b@tenant.test' },
    });
    expect(b.owner.password, created.trace).toEqual(expect.any(String));
    expect(b.liveKey, created.trace).toMatch(/^to_live_/);
    expect(b.testKey, created.trace).toMatch(/^to_test_/);
    const id: string = b.account.id;

    // Emails are unique per account: the same person may own a second account.
    const again = await gql(CREATE_ACCOUNT, { input: { name: 'Dup', ownerEmail: 'b@tenant.test' } }, admin);
    expect(dataOf(again).createAccount, again.trace).toMatchObject({
      __typename: 'CreateAccountSuccess',
      owner: { email: 'b@tenant.test' },
    });
    const dupId: string = dataOf(again).createAccount.account.id;
    expect(dupId).not.toBe(id);
    const bad = await gql(CREATE_ACCOUNT, { input: { name: ' ', ownerEmail: 'not-an-email' } }, admin);
    expect(errorCode(bad), bad.trace).toBe('VALIDATION_ERROR');

    const list = await gql(`{ accounts(first: 10) { totalCount nodes { id name } } }`, {}, admin);
    expect(dataOf(list).accounts.totalCount, list.trace).toBe(3);
    expect(
      list.data.accounts.nodes.map((a: { id: string }) => a.id),
      list.trace,
    ).toEqual([t.accountId, id, dupId]);
    const one = await gql(`query($id: ID!) { account(id: $id) { id name plan } }`, { id }, admin);
    expect(dataOf(one).account, one.trace).toEqual({ id, name: 'Tenant B', plan: 'starter' });

    const plan = await gql(UPDATE_ACCOUNT, { id, input: { plan: 'business', name: 'Tenant B2' } }, admin);
    expect(dataOf(plan).updateAccount, plan.trace).toMatchObject({
      account: { id, plan: 'business', name: 'Tenant B2' },
    });
    const r = await t.call('GET', '/api/v1/products', undefined, b.liveKey);
    expect(r.headers.get('x-ratelimit-limit')).toBe('10000');

    const suspended = await gql(SUSPEND, { id }, admin);
    expect(dataOf(suspended).suspendAccount, suspended.trace).toMatchObject({
      account: { status: 'suspended' },
    });
    const refused = await gql(`{ products { totalCount } }`, {}, b.liveKey);
    expect(errorCode(refused), refused.trace).toBe('FORBIDDEN');
    const filtered = await gql(`{ accounts(status: suspended) { nodes { id } } }`, {}, admin);
    expect(dataOf(filtered).accounts.nodes, filtered.trace).toEqual([{ id }]);

    const reinstated = await gql(REINSTATE, { id }, admin);
    expect(dataOf(reinstated).reinstateAccount, reinstated.trace).toMatchObject({
      account: { status: 'active' },
    });
    const works = await gql(`{ products { totalCount } }`, {}, b.liveKey);
    expect(dataOf(works).products.totalCount, works.trace).toBe(0);

    const missing = await gql(SUSPEND, { id: 'acct_doesnotexist' }, admin);
    expect(dataOf(missing).suspendAccount, missing.trace).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    const none = await gql(`{ account(id: "acct_doesnotexist") { id } }`, {}, admin);
    expect(dataOf(none).account, none.trace).toBeNull();
  });
});

const CREATE_USER = `mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    __typename
    ... on CreateUserSuccess { user { id email role } password }
    ... on DomainError { code message }
  }
}`;
const UPDATE_ROLE = `mutation($id: ID!, $role: UserRole!) {
  updateUserRole(id: $id, role: $role) {
    __typename
    ... on UpdateUserRoleSuccess { user { id role } }
    ... on DomainError { code message }
  }
}`;
const DELETE_USER = `mutation($id: ID!) {
  deleteUser(id: $id) {
    __typename
    ... on DeleteUserSuccess { deletedId }
    ... on DomainError { code message }
  }
}`;

describe("the account's users", () => {
  it('owners manage users; developers may not; read-only users change nothing', async () => {
    const viewer = await gql(CREATE_USER, { input: { email: 'Viewer@Users.test', role: 'readonly' } });
    const v = dataOf(viewer).createUser;
    expect(v, viewer.trace).toMatchObject({
      __typename: 'CreateUserSuccess',
      user: { email: 'viewer@users.test', role: 'readonly' },
    });
    expect(v.password, viewer.trace).toEqual(expect.any(String));
    const dev = await gql(CREATE_USER, {
      input: { email: 'dev@users.test', password: 'dev-password-1' },
    });
    expect(dataOf(dev).createUser, dev.trace).toMatchObject({
      user: { role: 'developer' },
      password: null,
    });
    const dup = await gql(CREATE_USER, { input: { email: 'dev@users.test' } });
    expect(dataOf(dup).createUser, dup.trace).toMatchObject({ __typename: 'ConflictError' });
    const short = await gql(CREATE_USER, { input: { email: 'x@users.test', password: 'short' } });
    expect(errorCode(short), short.trace).toBe('VALIDATION_ERROR');

    const list = await gql(`{ users { totalCount nodes { email role } } }`);
    expect(dataOf(list).users.nodes, list.trace).toEqual([
      { email: OWNER.email, role: 'owner' },
      { email: 'viewer@users.test', role: 'readonly' },
      { email: 'dev@users.test', role: 'developer' },
    ]);

    const viewerToken = await login('viewer@users.test', v.password);
    const seen = await gql(`{ users { totalCount } }`, {}, viewerToken);
    expect(dataOf(seen).users.totalCount, seen.trace).toBe(3);
    const readonly = await gql(CREATE_USER, { input: { email: 'ro@users.test' } }, viewerToken);
    expect(errorCode(readonly), readonly.trace).toBe('FORBIDDEN');
    const devToken = await login('dev@users.test', 'dev-password-1');
    const byDev = await gql(UPDATE_ROLE, { id: v.user.id, role: 'owner' }, devToken);
    expect(errorCode(byDev), byDev.trace).toBe('FORBIDDEN');

    const promoted = await gql(UPDATE_ROLE, { id: v.user.id, role: 'developer' });
    expect(dataOf(promoted).updateUserRole, promoted.trace).toMatchObject({
      user: { id: v.user.id, role: 'developer' },
    });
    // The viewer's existing session follows the new role at once.
    const now = await gql(
      `mutation { createProduct(input: { name: "by viewer" }) { __typename } }`,
      {},
      viewerToken,
    );
    expect(dataOf(now).createProduct.__typename, now.trace).toBe('CreateProductSuccess');

    const ownerToken = await login(OWNER.email, OWNER.password);
    const me = await gql(`{ viewer { userId } }`, {}, ownerToken);
    const self = await gql(DELETE_USER, { id: dataOf(me).viewer.userId }, ownerToken);
    expect(dataOf(self).deleteUser, self.trace).toMatchObject({ __typename: 'ConflictError' });
    const removed = await gql(DELETE_USER, { id: v.user.id }, ownerToken);
    expect(dataOf(removed).deleteUser, removed.trace).toEqual({
      __typename: 'DeleteUserSuccess',
      deletedId: v.user.id,
    });
    const gone = await gql(DELETE_USER, { id: v.user.id });
    expect(dataOf(gone).deleteUser, gone.trace).toMatchObject({ __typename: 'NotFoundError' });
  });
});
