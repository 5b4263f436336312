// The GraphQL fields that mirror the rest of the REST API: the operator's accounts (admin scope), the
// account's users (owner-only, read-only users change nothing), usage analytics and webhook
// endpoints with their delivery log. Through app.fetch POST /graphql, as a dashboard would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, gqlClient, newLicense, VALIDATE } from './helpers/graphql';
import { expressVerifyWebhook, type Receiver, startReceiver } from './helpers/webhook-receiver';

const OWNER = { email: 'owner@admin-gql.test', password: 'owner-password-1' };
let t: TestApp;
let gql: Gql;
let admin: string;
beforeAll(async () => {
  t = await makeApp({
    ownerEmail: OWNER.email,
    ownerPassword: OWNER.password,
    trustProxy: true,
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

    const again = await gql(CREATE_ACCOUNT, { input: { name: 'Dup', ownerEmail: 'b@tenant.test' } }, admin);
    expect(dataOf(again).createAccount, again.trace).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
    });
    const bad = await gql(CREATE_ACCOUNT, { input: { name: ' ', ownerEmail: 'not-an-email' } }, admin);
    expect(errorCode(bad), bad.trace).toBe('VALIDATION_ERROR');

    const list = await gql(`{ accounts(first: 10) { totalCount nodes { id name } } }`, {}, admin);
    expect(dataOf(list).accounts.totalCount, list.trace).toBe(2);
    expect(
      list.data.accounts.nodes.map((a: { id: string }) => a.id),
      list.trace,
    ).toEqual([t.accountId, id]);
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

describe('usage analytics', () => {
  const ANALYTICS = `query($licenseId: ID, $productId: ID, $kind: UsageKind, $interval: UsageInterval, $from: DateTime, $to: DateTime) {
    usageAnalytics(licenseId: $licenseId, productId: $productId, kind: $kind, interval: $interval, from: $from, to: $to) {
      from to interval activeDevices
      totals { total success failure }
      series { bucket total success failure }
      byCode { code success count }
    }
  }`;

  it('counts N validations after the batch is flushed, by code and device', async () => {
    const license = await newLicense(gql, { maxActivations: 2 });
    for (const machineId of ['dev-1', 'dev-2']) {
      await gql(
        `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { __typename } }`,
        { input: { key: license.key, machineId } },
        null,
      );
    }
    const N = 12;
    for (let i = 0; i < N; i++) {
      const machineId = ['dev-1', 'dev-2', 'dev-unknown'][i % 3];
      await gql(VALIDATE, { input: { key: license.key, machineId } }, null);
    }
    // No flush here: the resolver includes what is still in the batch.
    const r = await gql(ANALYTICS, { licenseId: license.id, kind: 'VALIDATE', interval: 'HOUR' });
    const a = dataOf(r).usageAnalytics;
    expect(a.totals, r.trace).toEqual({ total: N, success: 8, failure: 4 });
    expect(a.interval, r.trace).toBe('HOUR');
    expect(
      a.series.reduce((n: number, s: { total: number }) => n + s.total, 0),
      r.trace,
    ).toBe(N);
    expect(a.series[0].bucket, r.trace).toMatch(/T\d\d:00:00\.000Z$/);
    expect(a.byCode, r.trace).toEqual(
      expect.arrayContaining([
        { code: 'VALID', success: true, count: 8 },
        { code: 'NOT_ACTIVATED', success: false, count: 4 },
      ]),
    );
    expect(a.activeDevices, r.trace).toBe(3);

    const byProduct = await gql(ANALYTICS, { productId: license.product.id });
    expect(dataOf(byProduct).usageAnalytics.totals.total, byProduct.trace).toBe(N + 2);
    expect(byProduct.data.usageAnalytics.interval, byProduct.trace).toBe('DAY');
    const activations = await gql(ANALYTICS, { licenseId: license.id, kind: 'ACTIVATE' });
    expect(dataOf(activations).usageAnalytics.totals.total, activations.trace).toBe(2);
    // Tenant-scoped: the test environment saw none of it.
    const other = await gql(ANALYTICS, { licenseId: license.id }, t.testKey);
    expect(dataOf(other).usageAnalytics.totals.total, other.trace).toBe(0);
  });

  it('refuses a bad range and anonymous callers', async () => {
    const r = await gql(ANALYTICS, { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(errorCode(r), r.trace).toBe('VALIDATION_ERROR');
    expect(r.errors?.[0]?.message, r.trace).toMatch(/after/);
    const anonymous = await gql(ANALYTICS, {}, null);
    expect(errorCode(anonymous), anonymous.trace).toBe('AUTH_REQUIRED');
  });
});

describe('webhook endpoints', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());

  const ENDPOINT = `id url description events enabled disabledReason secretPrefix`;
  const withSecret = (name: string, args: string, vars: string) => `mutation(${vars}) {
    ${name}(${args}) {
      __typename
      ... on ${name[0]!.toUpperCase()}${name.slice(1)}Success { secret webhookEndpoint { ${ENDPOINT} } }
      ... on DomainError { code message }
    }
  }`;
  const CREATE = withSecret('createWebhookEndpoint', 'input: $input', '$input: CreateWebhookEndpointInput!');
  const ROLL = withSecret('rollWebhookSecret', 'id: $id', '$id: ID!');
  const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      __typename
      ... on UpdateWebhookEndpointSuccess { webhookEndpoint { ${ENDPOINT} } }
      ... on DomainError { code message }
    }
  }`;
  const TEST = `mutation($id: ID!) {
    testWebhookEndpoint(id: $id) {
      __typename
      ... on TestWebhookEndpointSuccess { event { id type } delivery { id status eventType endpoint { id } } }
      ... on DomainError { code message }
    }
  }`;
  const REDELIVER = `mutation($id: ID!) {
    redeliverWebhookDelivery(id: $id) {
      __typename
      ... on RedeliverWebhookDeliverySuccess { delivery { id status attempts nextAttemptAt } }
      ... on DomainError { code message }
    }
  }`;
  const DELETE = `mutation($id: ID!) {
    deleteWebhookEndpoint(id: $id) {
      __typename
      ... on DeleteWebhookEndpointSuccess { deletedId }
      ... on DomainError { code message }
    }
  }`;
  const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus) {
    webhookEndpoint(id: $id) {
      id
      deliveries(status: $status) {
        totalCount
        nodes { id status attempts lastStatusCode lastResponseBody deliveredAt nextAttemptAt eventType event { id type } }
      }
    }
  }`;

  it('creates, lists, tests, rolls the secret, redelivers and deletes an endpoint', async () => {
    const created = await gql(CREATE, {
      input: {
        url: `${rx.url}/gql`,
        description: 'dashboard',
        events: ['LICENSE_ACTIVATED', 'LICENSE_ACTIVATED'],
      },
    });
    const c = dataOf(created).createWebhookEndpoint;
    expect(c, created.trace).toMatchObject({
      __typename: 'CreateWebhookEndpointSuccess',
      webhookEndpoint: {
        url: `${rx.url}/gql`,
        description: 'dashboard',
        events: ['LICENSE_ACTIVATED'],
        enabled: true,
        disabledReason: null,
      },
    });
    expect(c.secret, created.trace).toMatch(/^whsec_/);
    expect(c.secret.startsWith(c.webhookEndpoint.secretPrefix), created.trace).toBe(true);
    const id: string = c.webhookEndpoint.id;
    expect(id).toMatch(/^whk_/);

    const list = await gql(`{ webhookEndpoints { totalCount nodes { id } } }`);
    expect(dataOf(list).webhookEndpoints, list.trace).toEqual({ totalCount: 1, nodes: [{ id }] });
    const node = await gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id });
    expect(dataOf(node).node, node.trace).toEqual({ __typename: 'WebhookEndpoint', id });
    // The test environment sees none of it.
    const other = await gql(
      `query($id: ID!) { webhookEndpoints { totalCount } webhookEndpoint(id: $id) { id } }`,
      { id },
      t.testKey,
    );
    expect(dataOf(other), other.trace).toEqual({
      webhookEndpoints: { totalCount: 0 },
      webhookEndpoint: null,
    });
    const otherRoll = await gql(ROLL, { id }, t.testKey);
    expect(dataOf(otherRoll).rollWebhookSecret, otherRoll.trace).toMatchObject({
      __typename: 'NotFoundError',
    });

    const refused = await gql(CREATE, { input: { url: 'ftp://example.com/hook' } });
    expect(dataOf(refused).createWebhookEndpoint, refused.trace).toMatchObject({
      __typename: 'UrlNotAllowedError',
      code: 'URL_NOT_ALLOWED',
    });

    const disabled = await gql(UPDATE, { id, input: { enabled: false, description: null } });
    expect(dataOf(disabled).updateWebhookEndpoint.webhookEndpoint, disabled.trace).toMatchObject({
      enabled: false,
      disabledReason: 'Disabled manually',
      description: null,
    });
    const notNow = await gql(TEST, { id });
    expect(dataOf(notNow).testWebhookEndpoint, notNow.trace).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
    });
    await gql(UPDATE, { id, input: { enabled: true } });

    const tested = await gql(TEST, { id });
    const sent = dataOf(tested).testWebhookEndpoint;
    expect(sent, tested.trace).toMatchObject({
      __typename: 'TestWebhookEndpointSuccess',
      event: { type: 'WEBHOOK_TEST' },
      delivery: { status: 'pending', eventType: 'WEBHOOK_TEST', endpoint: { id } },
    });
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const first = rx.received[0]!;
    expect(expressVerifyWebhook({ headers: first.headers, body: JSON.parse(first.raw) }, c.secret)).toBe(
      true,
    );

    const log = await gql(DELIVERIES, { id });
    expect(dataOf(log).webhookEndpoint.deliveries, log.trace).toMatchObject({
      totalCount: 1,
      nodes: [
        {
          id: sent.delivery.id,
          status: 'delivered',
          attempts: 1,
          lastStatusCode: 200,
          nextAttemptAt: null,
          event: { id: sent.event.id, type: 'WEBHOOK_TEST' },
        },
      ],
    });
    const pending = await gql(DELIVERIES, { id, status: 'pending' });
    expect(dataOf(pending).webhookEndpoint.deliveries.totalCount, pending.trace).toBe(0);

    const rolled = await gql(ROLL, { id });
    const roll = dataOf(rolled).rollWebhookSecret;
    expect(roll.secret, rolled.trace).toMatch(/^whsec_/);
    expect(roll.secret, rolled.trace).not.toBe(c.secret);
    expect(roll.webhookEndpoint.secretPrefix, rolled.trace).not.toBe(c.webhookEndpoint.secretPrefix);

    const again = await gql(REDELIVER, { id: sent.delivery.id });
    expect(dataOf(again).redeliverWebhookDelivery, again.trace).toMatchObject({
      __typename: 'RedeliverWebhookDeliverySuccess',
      delivery: { id: sent.delivery.id, status: 'pending', attempts: 0 },
    });
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    const second = rx.received[1]!;
    expect(second.deliveryId).toBe(first.deliveryId);
    expect(second.raw).toBe(first.raw);
    // Signed with the new secret.
    expect(expressVerifyWebhook({ headers: second.headers, body: JSON.parse(second.raw) }, roll.secret)).toBe(
      true,
    );
    const unknown = await gql(REDELIVER, { id: 'del_doesnotexist' });
    expect(dataOf(unknown).redeliverWebhookDelivery, unknown.trace).toMatchObject({
      __typename: 'NotFoundError',
    });

    const deleted = await gql(DELETE, { id });
    expect(dataOf(deleted).deleteWebhookEndpoint, deleted.trace).toEqual({
      __typename: 'DeleteWebhookEndpointSuccess',
      deletedId: id,
    });
    const after = await gql(DELIVERIES, { id });
    expect(dataOf(after).webhookEndpoint, after.trace).toBeNull();
    const twice = await gql(DELETE, { id });
    expect(dataOf(twice).deleteWebhookEndpoint, twice.trace).toMatchObject({ __typename: 'NotFoundError' });
  });
});
