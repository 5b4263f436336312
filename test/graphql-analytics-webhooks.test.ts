// The GraphQL fields that mirror the REST API's usage analytics and webhook endpoints with their
// delivery log. Through app.fetch POST /graphql, as a dashboard would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, gqlClient, newLicense, VALIDATE } from './helpers/graphql';
import { expressVerifyWebhook, type Receiver, startReceiver } from './helpers/webhook-receiver';

const OWNER = { email: 'owner@admin-gql.test', password: 'owner-password-1' };
let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp({
    ownerEmail: OWNER.email,
    ownerPassword: OWNER.password,
    trustProxy: 1,
    webhookAllowPrivate: true, // the receiver listens on 127.0.0.1
  });
  gql = gqlClient(t);
});
afterAll(() => t.close());

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
