// Pricing tiers (issue 14): named sets of defaults on a product — seats, a duration and entitlements
// — that a license is created from with `tier`; fields given on the create win. Also: `type` is
// required on license create, as the document marks it, over REST and GraphQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { type Gql, gqlClient } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

let n = 0;
const uniq = (base: string) => `${base}-${++n}`;

async function ok(method: string, path: string, body?: unknown) {
  const r = await t.call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function tieredProduct() {
  const sso = uniq('sso');
  const audit = uniq('audit');
  await ok('POST', '/api/v1/entitlements', { code: sso });
  await ok('POST', '/api/v1/entitlements', { code: audit });
  const { product } = await ok('POST', '/api/v1/products', {
    name: uniq('Tiered'),
    tiers: [
      { name: 'basic', maxActivations: 1, durationDays: 30 },
      { name: 'Pro', maxActivations: 5, durationDays: 365, entitlements: [sso, audit] },
    ],
  });
  return { product, sso, audit };
}

describe('pricing tiers', () => {
  it('are stored on the product, normalised, and listed in its JSON', async () => {
    const { product, sso, audit } = await tieredProduct();
    expect(product.tiers).toEqual([
      { name: 'basic', maxActivations: 1, durationDays: 30, entitlements: [] },
      { name: 'Pro', maxActivations: 5, durationDays: 365, entitlements: [sso, audit] },
    ]);
    expect((await ok('GET', `/api/v1/products/${product.id}`)).product.tiers).toHaveLength(2);
  });

  it('a license created with `tier` takes its seats, duration, plan and entitlements', async () => {
    const { product, sso, audit } = await tieredProduct();
    const before = Date.now();
    const r = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      tier: 'pro',
      type: 'subscription',
    });
    expect(r.status).toBe(201);
    const l = r.body.license;
    expect(l.maxActivations).toBe(5);
    expect(l.plan).toBe('Pro');
    expect(l.entitlements).toEqual([audit, sso].sort());
    const days = (Date.parse(l.expiresAt) - before) / 86_400_000;
    expect(days).toBeGreaterThan(364.9);
    expect(days).toBeLessThan(365.1);
    // The tier's entitlements are the license's: validate checks them.
    const v = await t.call('POST', '/api/v1/validate', { license_key: l.key, entitlements: [sso] }, null);
    expect([v.status, v.body.valid]).toEqual([200, true]);
  });

  it('fields given on the create override the tier; a perpetual license never expires', async () => {
    const { product } = await tieredProduct();
    const l = (
      await ok('POST', '/api/v1/licenses', {
        product_id: product.id,
        tier: 'Pro',
        type: 'perpetual',
        max_activations: 2,
        plan: 'custom',
      })
    ).license;
    expect([l.maxActivations, l.plan, l.expiresAt]).toEqual([2, 'custom', null]);
  });

  it('an unknown tier is 422 UNKNOWN_TIER and makes nothing', async () => {
    const { product } = await tieredProduct();
    const before = (await ok('GET', `/api/v1/licenses?product_id=${product.id}&limit=100`)).data.length;
    const r = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      tier: 'gold',
      type: 'perpetual',
    });
    expect([r.status, r.body.code]).toEqual([422, 'UNKNOWN_TIER']);
    expect(r.body.error).toBeTruthy();
    expect(r.body.help).toBeTruthy();
    expect((await ok('GET', `/api/v1/licenses?product_id=${product.id}&limit=100`)).data.length).toBe(before);
  });

  it('refuses duplicate names (ignoring case), bad names and unknown entitlement codes', async () => {
    const dup = await t.call('POST', '/api/v1/products', {
      name: uniq('Dup'),
      tiers: [{ name: 'pro' }, { name: 'PRO' }],
    });
    expect([dup.status, dup.body.code]).toEqual([400, 'VALIDATION_ERROR']);
    const bad = await t.call('POST', '/api/v1/products', {
      name: uniq('Bad'),
      tiers: [{ name: 'has space' }],
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_ERROR']);
    const unknown = await t.call('POST', '/api/v1/products', {
      name: uniq('Unknown'),
      tiers: [{ name: 'pro', entitlements: [uniq('nope')] }],
    });
    expect(unknown.status).toBe(404);
  });

  it('an update replaces the whole list', async () => {
    const { product } = await tieredProduct();
    const p = (await ok('PATCH', `/api/v1/products/${product.id}`, { tiers: [{ name: 'solo' }] })).product;
    expect(p.tiers).toEqual([{ name: 'solo', maxActivations: null, durationDays: null, entitlements: [] }]);
    // REST's snake_case names work inside a tier too (the camelCase one wins when both are sent).
    const snake = await ok('PATCH', `/api/v1/products/${product.id}`, {
      tiers: [{ name: 'team', max_activations: 7, duration_days: 90, maxActivations: 8 }],
    });
    expect(snake.product.tiers).toEqual([
      { name: 'team', maxActivations: 8, durationDays: 90, entitlements: [] },
    ]);
    await ok('PATCH', `/api/v1/products/${product.id}`, { tiers: [{ name: 'solo' }] });
    const r = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      tier: 'basic',
      type: 'perpetual',
    });
    expect(r.body.code).toBe('UNKNOWN_TIER');
  });

  it('GraphQL: tiers on Product, and createLicense with a tier', async () => {
    const { product, sso, audit } = await tieredProduct();
    const q = await gql(
      `query($id: ID!) { node(id: $id) { ... on Product { tiers { name maxActivations durationDays entitlements } } } }`,
      { id: product.id },
    );
    expect(q.errors, q.trace).toBeUndefined();
    expect(q.data.node.tiers.map((x: any) => x.name)).toEqual(['basic', 'Pro']);
    const m = await gql(
      `mutation($input: CreateLicenseInput!) { createLicense(input: $input) {
         __typename ... on CreateLicenseSuccess { license { maxActivations entitlements } }
         ... on UnknownTierError { message } } }`,
      { input: { productId: product.id, tier: 'Pro', type: 'perpetual' } },
    );
    expect(m.errors, m.trace).toBeUndefined();
    expect(m.data.createLicense.license).toEqual({ maxActivations: 5, entitlements: [audit, sso].sort() });
  });
});

describe('license type', () => {
  it('is required on create: 400 MISSING_FIELDS naming it', async () => {
    const { product } = await ok('POST', '/api/v1/products', { name: uniq('Typed') });
    const r = await t.call('POST', '/api/v1/licenses', { product_id: product.id });
    expect([r.status, r.body.code]).toEqual([400, 'MISSING_FIELDS']);
    expect(JSON.stringify(r.body)).toContain('type');
  });
});
