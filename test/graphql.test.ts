// GraphQL end to end through app.fetch POST /graphql with real API keys: the license path, typed
// domain errors, tenancy and lists. Authentication and input failures: graphql-auth.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import {
  ACTIVATE,
  CREATE_LICENSE,
  dataOf,
  DEACTIVATE,
  errorCode,
  type Gql,
  gqlClient,
  newLicense as createLicenseVia,
  newProduct as createProductVia,
  TRANSITION,
  VALIDATE,
} from './helpers/graphql';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

const newProduct = (key = t.liveKey) => createProductVia(gql, key);
const newLicense = (input: Record<string, unknown> = {}, key = t.liveKey) =>
  createLicenseVia(gql, input, key);
const validate = (key: string, extra: Record<string, unknown> = {}, auth: string | null = null) =>
  gql(VALIDATE, { input: { key, ...extra } }, auth);
const activate = (key: string, machineId: string, auth: string | null = null) =>
  gql(ACTIVATE, { input: { key, machineId } }, auth);

describe('the license path over GraphQL', () => {
  it('creates, validates, activates up to the limit, deactivates and activates again', async () => {
    const product = await newProduct();
    const created = await gql(CREATE_LICENSE, {
      input: { productId: product.id, type: 'perpetual', maxActivations: 2, email: 'Buyer@Example.com' },
    });
    const license = dataOf(created).createLicense.license;
    expect(license, created.trace).toMatchObject({
      type: 'perpetual',
      status: 'active',
      maxActivations: 2,
      activationCount: 0,
      email: 'buyer@example.com',
      product: { id: product.id },
    });
    expect(license.id, created.trace).toMatch(/^lic_/);

    const v = await validate(license.key);
    expect(dataOf(v).validateLicense, v.trace).toMatchObject({
      valid: true,
      code: 'VALID',
      license: { id: license.id },
    });

    for (const [machine, count] of [
      ['m1', 1],
      ['m2', 2],
    ] as const) {
      const a = await activate(license.key, machine);
      expect(dataOf(a).activateLicense, a.trace).toMatchObject({
        __typename: 'ActivateLicenseSuccess',
        created: true,
        activation: { machineId: machine },
        license: { activationCount: count },
      });
    }
    const again = await activate(license.key, 'm1');
    expect(dataOf(again).activateLicense, again.trace).toMatchObject({ created: false });

    const full = await activate(license.key, 'm3');
    expect(dataOf(full).activateLicense, full.trace).toMatchObject({
      __typename: 'ActivationLimitError',
      code: 'ACTIVATION_LIMIT_REACHED',
    });

    const d = await gql(DEACTIVATE, { input: { key: license.key, machineId: 'm1' } }, null);
    expect(dataOf(d).deactivateLicense, d.trace).toMatchObject({
      __typename: 'DeactivateLicenseSuccess',
      activation: { machineId: 'm1' },
      license: { activationCount: 1 },
    });
    const gone = await gql(DEACTIVATE, { input: { key: license.key, machineId: 'm1' } }, null);
    expect(dataOf(gone).deactivateLicense, gone.trace).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });

    const m3 = await activate(license.key, 'm3');
    expect(dataOf(m3).activateLicense, m3.trace).toMatchObject({
      __typename: 'ActivateLicenseSuccess',
      created: true,
    });
    const vm = await validate(license.key, { machineId: 'm3' });
    expect(dataOf(vm).validateLicense, vm.trace).toMatchObject({ valid: true, code: 'VALID' });
    const vm1 = await validate(license.key, { machineId: 'm1' });
    expect(dataOf(vm1).validateLicense, vm1.trace).toMatchObject({ valid: false, code: 'NOT_ACTIVATED' });

    const acts = await gql(
      `query($id: ID!) { activations(licenseId: $id) { totalCount nodes { machineId } } }`,
      {
        id: license.id,
      },
    );
    const machines = dataOf(acts)
      .activations.nodes.map((n: { machineId: string }) => n.machineId)
      .sort();
    expect(machines, acts.trace).toEqual(['m2', 'm3']);
  });

  it('reports SUSPENDED, REVOKED and EXPIRED from validateLicense, and refuses to activate', async () => {
    const license = await newLicense();
    const suspended = await gql(TRANSITION('suspendLicense'), { id: license.id });
    expect(dataOf(suspended).suspendLicense, suspended.trace).toMatchObject({
      license: { status: 'suspended' },
    });
    const v1 = await validate(license.key);
    expect(dataOf(v1).validateLicense, v1.trace).toMatchObject({ valid: false, code: 'SUSPENDED' });
    const a1 = await activate(license.key, 'dev');
    expect(dataOf(a1).activateLicense, a1.trace).toMatchObject({
      __typename: 'LicenseStateError',
      code: 'SUSPENDED',
    });

    const reinstated = await gql(TRANSITION('reinstateLicense'), { id: license.id });
    expect(dataOf(reinstated).reinstateLicense, reinstated.trace).toMatchObject({
      license: { status: 'active' },
    });
    const again = await gql(TRANSITION('reinstateLicense'), { id: license.id });
    expect(dataOf(again).reinstateLicense, again.trace).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
    });
    const v2 = await validate(license.key);
    expect(dataOf(v2).validateLicense.code, v2.trace).toBe('VALID');

    const revoked = await gql(TRANSITION('revokeLicense'), { id: license.id });
    expect(dataOf(revoked).revokeLicense, revoked.trace).toMatchObject({ license: { status: 'revoked' } });
    const v3 = await validate(license.key);
    expect(dataOf(v3).validateLicense, v3.trace).toMatchObject({ valid: false, code: 'REVOKED' });

    const past = new Date(Date.now() - 86_400_000).toISOString();
    const expired = await newLicense({ type: 'subscription', expiresAt: past });
    const v4 = await validate(expired.key);
    expect(dataOf(v4).validateLicense, v4.trace).toMatchObject({
      valid: false,
      code: 'EXPIRED',
      license: { status: 'expired' },
    });
    const a4 = await activate(expired.key, 'dev');
    expect(dataOf(a4).activateLicense, a4.trace).toMatchObject({
      __typename: 'LicenseStateError',
      code: 'EXPIRED',
    });

    const renewed = await gql(TRANSITION('renewLicense'), { id: expired.id });
    expect(dataOf(renewed).renewLicense, renewed.trace).toMatchObject({ license: { status: 'active' } });
  });

  it('returns typed NotFoundError and ValidationError results', async () => {
    const r = await gql(CREATE_LICENSE, { input: { productId: 'prod_doesnotexist', type: 'perpetual' } });
    expect(dataOf(r).createLicense, r.trace).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    const product = await newProduct();
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const p = await gql(CREATE_LICENSE, {
      input: { productId: product.id, type: 'perpetual', expiresAt: future },
    });
    expect(dataOf(p).createLicense, p.trace).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_ERROR',
    });
    const s = await gql(TRANSITION('suspendLicense'), { id: 'lic_doesnotexist' });
    expect(dataOf(s).suspendLicense, s.trace).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });
});

describe('offline tokens and heartbeats', () => {
  it('returns an offline token from validate and activate, and renews a floating lease', async () => {
    const license = await newLicense({ type: 'floating', maxActivations: 1 });
    const a = await gql(
      `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) {
        __typename ... on ActivateLicenseSuccess { activation { leaseExpiresAt } offline { token graceUntil } } } }`,
      { input: { key: license.key, machineId: 'seat-1' } },
      null,
    );
    const activated = dataOf(a).activateLicense;
    expect(activated.offline.token, a.trace).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(activated.activation.leaseExpiresAt), a.trace).toBeGreaterThan(Date.now());

    const v = await gql(
      `mutation($input: ValidateLicenseInput!) { validateLicense(input: $input) { valid offline { token graceUntil } } }`,
      { input: { key: license.key, machineId: 'seat-1' } },
      null,
    );
    expect(dataOf(v).validateLicense.offline.token, v.trace).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(v.data.validateLicense.offline.graceUntil), v.trace).toBeGreaterThan(Date.now());

    const HEARTBEAT = `mutation($input: LicenseDeviceInput!) { heartbeatLicense(input: $input) {
      __typename
      ... on HeartbeatLicenseSuccess { activationId leaseExpiresAt offline { token } }
      ... on DomainError { code }
    } }`;
    const hb = await gql(HEARTBEAT, { input: { key: license.key, machineId: 'seat-1' } }, null);
    expect(dataOf(hb).heartbeatLicense, hb.trace).toMatchObject({ __typename: 'HeartbeatLicenseSuccess' });
    expect(Date.parse(hb.data.heartbeatLicense.leaseExpiresAt), hb.trace).toBeGreaterThan(Date.now());
    const none = await gql(HEARTBEAT, { input: { key: license.key, machineId: 'seat-2' } }, null);
    expect(dataOf(none).heartbeatLicense, none.trace).toMatchObject({
      __typename: 'ActivationStateError',
      code: 'NOT_ACTIVATED',
    });
  });
});

describe('tenancy', () => {
  it('a test key cannot read a live license by id, key or node, nor validate or activate it', async () => {
    const live = await newLicense({}, t.liveKey);
    const read = await gql(
      `query($id: ID!, $key: String!) { license(id: $id) { id } node(id: $id) { id } licenseByKey(key: $key) { id } }`,
      { id: live.id, key: live.key },
      t.testKey,
    );
    expect(dataOf(read), read.trace).toEqual({ license: null, node: null, licenseByKey: null });
    const list = await gql(`{ licenses(first: 100) { nodes { id } } }`, {}, t.testKey);
    expect(
      dataOf(list).licenses.nodes.map((n: { id: string }) => n.id),
      list.trace,
    ).not.toContain(live.id);

    const v = await validate(live.key, {}, t.testKey);
    expect(dataOf(v).validateLicense, v.trace).toEqual(
      expect.objectContaining({ valid: false, code: 'NOT_FOUND', license: null }),
    );
    const a = await activate(live.key, 'dev', t.testKey);
    expect(dataOf(a).activateLicense, a.trace).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    const l = await gql(
      CREATE_LICENSE,
      { input: { productId: live.product.id, type: 'perpetual' } },
      t.testKey,
    );
    expect(dataOf(l).createLicense, l.trace).toMatchObject({ __typename: 'NotFoundError' });

    // The live key sees it, by id and as a Relay node whose id is the database id.
    const own = await gql(`query($id: ID!) { node(id: $id) { __typename id ... on License { key } } }`, {
      id: live.id,
    });
    expect(dataOf(own).node, own.trace).toEqual({ __typename: 'License', id: live.id, key: live.key });
    const ownValidate = await validate(live.key, {}, t.liveKey);
    expect(dataOf(ownValidate).validateLicense.code, ownValidate.trace).toBe('VALID');
  });
  it('a license returned to an anonymous key holder does not lead to other data', async () => {
    const own = await newLicense({ email: 'private@example.com' });
    await newLicense({}, t.liveKey);
    const r = await gql(
      `mutation($input: ValidateLicenseInput!) {
        validateLicense(input: $input) { valid license { id email product { licenses { nodes { key } } } } }
      }`,
      { input: { key: own.key } },
      null,
    );
    expect(errorCode(r), r.trace).toBe('AUTH_REQUIRED');
    expect(r.errors?.[0] && (r.errors[0] as { path?: unknown }).path, r.trace).toEqual([
      'validateLicense',
      'license',
      'product',
    ]);
    expect(JSON.stringify(r.body), r.trace).not.toMatch(/"key"/);
  });
});

describe('lists', () => {
  it('filters licenses and customers', async () => {
    const product = await newProduct();
    await gql(CREATE_LICENSE, {
      input: { productId: product.id, email: 'filter@example.com', type: 'trial' },
    });
    const r = await gql(
      `query($f: LicenseFilter) { licenses(filter: $f) { totalCount nodes { type email customer { email } } } }`,
      { f: { email: 'FILTER@example.com', type: 'trial', productId: product.id } },
    );
    expect(dataOf(r).licenses, r.trace).toEqual({
      totalCount: 1,
      nodes: [{ type: 'trial', email: 'filter@example.com', customer: { email: 'filter@example.com' } }],
    });
    const c = await gql(
      `{ customers(filter: { email: "filter@example.com" }) { nodes { email licenses { totalCount } } } }`,
    );
    expect(dataOf(c).customers.nodes, c.trace).toEqual([
      { email: 'filter@example.com', licenses: { totalCount: 1 } },
    ]);
  });
});
