// End to end through app.fetch: bootstrap → product → license → validate / activate / deactivate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('bootstrap', () => {
  it('creates one account with a live and a test key of the documented shape', () => {
    expect(t.liveKey).toMatch(/^to_live_[0-9A-Za-z]{32,}$/);
    expect(t.testKey).toMatch(/^to_test_[0-9A-Za-z]{32,}$/);
    expect(t.app.bootstrap!.account.plan).toBe('enterprise');
  });

  it('stores only a hash and a display prefix of each key', async () => {
    const keys = await t.app.deps.prisma.apiKey.findMany({ where: { accountId: t.accountId } });
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(k)).not.toContain(t.liveKey);
      expect(JSON.stringify(k)).not.toContain(t.testKey);
      expect(k.prefix.length).toBeLessThan(16);
    }
  });
});

describe('license lifecycle over REST', () => {
  it('creates a product and a license, then validates it', async () => {
    const { product, license } = await productAndLicense(t, {
      max_activations: 3,
      email: 'Buyer@Example.com',
    });
    expect(product.id).toMatch(/^prod_/);
    expect(license).toMatchObject({
      productId: product.id,
      type: 'perpetual',
      status: 'active',
      activations: 0,
      maxActivations: 3,
      email: 'buyer@example.com',
      expiresAt: null,
    });
    expect(license.key).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(license.customerId).toMatch(/^cus_/);

    const v = await t.call('POST', '/api/v1/validate', { key: license.key }, null);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      valid: true,
      code: 'VALID',
      license: { id: license.id, status: 'active' },
    });
    expect(new Date(v.body.validatedAt).getTime()).not.toBeNaN();

    // license_key, lower case and surrounding spaces are accepted too.
    const v2 = await t.call(
      'POST',
      '/api/v1/validate',
      { license_key: `  ${license.key.toLowerCase()} ` },
      null,
    );
    expect(v2.body).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('limits activations: two devices on max 2, the third gets 409, deactivating one frees a seat', async () => {
    const { license } = await productAndLicense(t, { max_activations: 2 });
    const activate = (m: string) =>
      t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: m }, null);

    const a1 = await activate('device-1');
    expect(a1.status).toBe(201);
    expect(a1.body).toMatchObject({
      activated: true,
      activation: { machineId: 'device-1' },
      license: { activations: 1 },
    });
    expect(a1.body.activation.id).toMatch(/^mach_/);
    expect((await activate('device-2')).status).toBe(201);

    // Idempotent: the same device again is 200 with the same activation.
    const again = await activate('device-1');
    expect(again.status).toBe(200);
    expect(again.body.activation.id).toBe(a1.body.activation.id);
    expect(again.body.license.activations).toBe(2);

    const third = await activate('device-3');
    expect(third.status).toBe(409);
    expect(third.body).toEqual({
      error: expect.any(String),
      code: 'ACTIVATION_LIMIT_REACHED',
      help: '/docs#errors',
    });

    const d = await t.call('POST', '/api/v1/deactivate', { key: license.key, machine_id: 'device-2' }, null);
    expect(d.status).toBe(200);
    expect(d.body.license.activations).toBe(1);

    const retry = await activate('device-3');
    expect(retry.status).toBe(201);
    expect(retry.body.license.activations).toBe(2);

    // Deactivating an unknown device is 404.
    const unknown = await t.call(
      'POST',
      '/api/v1/deactivate',
      { key: license.key, machine_id: 'nope' },
      null,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');

    const list = await t.call('GET', `/api/v1/licenses/${license.id}/activations`);
    expect(list.body.pagination.total).toBe(2);
    expect(list.body.data.map((a: { machineId: string }) => a.machineId).sort()).toEqual([
      'device-1',
      'device-3',
    ]);
  });

  it('validates with machine_id: NOT_ACTIVATED until the device is activated', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    const v = () => t.call('POST', '/api/v1/validate', { key: license.key, machine_id: 'laptop' }, null);
    expect((await v()).body).toMatchObject({ valid: false, code: 'NOT_ACTIVATED' });
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'laptop' }, null);
    expect((await v()).body).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('gives EXPIRED, SUSPENDED and REVOKED their codes, and refuses to activate them', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const { license: expired } = await productAndLicense(t, { type: 'subscription', expires_at: past });
    const { license: suspended } = await productAndLicense(t);
    const { license: revoked } = await productAndLicense(t);
    expect((await t.call('POST', `/api/v1/licenses/${suspended.id}/suspend`)).body.license.status).toBe(
      'suspended',
    );
    expect((await t.call('POST', `/api/v1/licenses/${revoked.id}/revoke`)).body.license.status).toBe(
      'revoked',
    );

    for (const [l, code] of [
      [expired, 'EXPIRED'],
      [suspended, 'SUSPENDED'],
      [revoked, 'REVOKED'],
    ] as const) {
      const v = await t.call('POST', '/api/v1/validate', { key: l.key }, null);
      expect(v.status, code).toBe(200);
      expect(v.body, code).toMatchObject({ valid: false, code, license: { id: l.id } });
      const a = await t.call('POST', '/api/v1/activate', { key: l.key, machine_id: 'm' }, null);
      expect(a.status, code).toBe(403);
      expect(a.body.code, code).toBe(code);
    }
  });

  it('sees a suspend on the very next validation, and a reinstate after it', async () => {
    const { license } = await productAndLicense(t);
    const v = () => t.call('POST', '/api/v1/validate', { key: license.key }, null);
    expect((await v()).body.code).toBe('VALID'); // now cached
    await t.call('POST', `/api/v1/licenses/${license.id}/suspend`);
    expect((await v()).body.code).toBe('SUSPENDED');
    await t.call('POST', `/api/v1/licenses/${license.id}/reinstate`);
    expect((await v()).body.code).toBe('VALID');
    await t.call('POST', `/api/v1/licenses/${license.id}/revoke`);
    expect((await v()).body.code).toBe('REVOKED');
    const again = await t.call('POST', `/api/v1/licenses/${license.id}/reinstate`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('answers an unknown key with 404 NOT_FOUND and valid:false', async () => {
    const v = await t.call('POST', '/api/v1/validate', { key: 'AAAA-BBBB-CCCC-DDDD' }, null);
    expect(v.status).toBe(404);
    expect(v.body).toMatchObject({ valid: false, code: 'NOT_FOUND', license: null });
  });

  it('checks product and domain, in the documented order', async () => {
    const { product, license } = await productAndLicense(t, {
      allowed_domains: ['example.com', '*.example.org'],
    });
    const v = (body: object) => t.call('POST', '/api/v1/validate', { key: license.key, ...body }, null);
    expect((await v({ product_id: product.id, domain: 'example.com' })).body.code).toBe('VALID');
    expect((await v({ domain: 'https://app.example.org/path' })).body.code).toBe('VALID');
    const wrongProduct = await v({ product_id: 'prod_other', domain: 'evil.com' });
    expect(wrongProduct.status).toBe(200);
    expect(wrongProduct.body.code).toBe('PRODUCT_MISMATCH');
    const wrongDomain = await v({ domain: 'evil.com' });
    expect(wrongDomain.status).toBe(403);
    expect(wrongDomain.body).toMatchObject({ valid: false, code: 'DOMAIN_MISMATCH' });
  });

  it('renews a subscription by one period and reactivates an expired one', async () => {
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const { license } = await productAndLicense(t, {
      type: 'subscription',
      expires_at: past,
      renewal_interval: 'month',
    });
    const r = await t.call('POST', `/api/v1/licenses/${license.id}/renew`);
    expect(r.status).toBe(200);
    expect(r.body.license.status).toBe('active');
    const days = (new Date(r.body.license.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(27);
    expect(days).toBeLessThan(32);
    expect((await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.code).toBe('VALID');
  });

  it('imports a vendor key, refuses a duplicate, and accepts the Stripe example on /portal/licenses', async () => {
    const { product } = await productAndLicense(t);
    const imported = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      type: 'perpetual',
      key: 'legacy-key-0001',
    });
    expect(imported.status).toBe(201);
    expect(imported.body.license.key).toBe('LEGACY-KEY-0001');
    const dup = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      type: 'perpetual',
      key: 'LEGACY-KEY-0001',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CONFLICT');

    const stripe = await t.call('POST', '/api/v1/portal/licenses', {
      product: product.id,
      plan: 'pro',
      customer_email: 'stripe@example.com',
      metadata: { stripeCustomerId: 'cus_123', stripeSubscriptionId: 'sub_123' },
    });
    expect(stripe.status).toBe(201);
    expect(stripe.body.license).toMatchObject({
      productId: product.id,
      type: 'subscription',
      plan: 'pro',
      email: 'stripe@example.com',
      metadata: { stripeCustomerId: 'cus_123' },
    });
  });

  it('trials default to 14 days and must last 7 to 30', async () => {
    const { product } = await productAndLicense(t);
    const trial = await t.call('POST', '/api/v1/licenses', { product_id: product.id, type: 'trial' });
    const days = (new Date(trial.body.license.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(14);
    const tooLong = new Date(Date.now() + 45 * 86_400_000).toISOString();
    const bad = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      type: 'trial',
      expires_at: tooLong,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
  });

  it('lists, filters and paginates licenses in the seed format', async () => {
    const { product } = await productAndLicense(t);
    for (let i = 0; i < 4; i++) {
      await t.call('POST', '/api/v1/licenses', { product_id: product.id, type: 'perpetual' });
    }
    const page = await t.call('GET', `/api/v1/licenses?product_id=${product.id}&limit=2&page=2`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(2);
    expect(page.body.pagination).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3, hasMore: true });
    const byOffset = await t.call('GET', `/api/v1/portal/licenses?product_id=${product.id}&limit=2&offset=4`);
    expect(byOffset.body.data).toHaveLength(1);
    expect(byOffset.body.pagination).toMatchObject({ page: 3, hasMore: false });
    const dflt = await t.call('GET', '/api/v1/licenses');
    expect(dflt.body.pagination.limit).toBe(25);
  });

  it('records an event row for every state change', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'x' }, null);
    await t.call('POST', '/api/v1/deactivate', { key: license.key, machine_id: 'x' }, null);
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, { max_activations: 4 });
    await t.call('POST', `/api/v1/licenses/${license.id}/suspend`);
    await t.call('POST', `/api/v1/licenses/${license.id}/reinstate`);
    await t.call('POST', `/api/v1/licenses/${license.id}/revoke`);
    await t.call('POST', '/api/v1/validate', { key: license.key }, null); // validation.failed, batched
    await t.app.deps.usage.flush();
    const events = await t.call('GET', `/api/v1/events?license_id=${license.id}&limit=100`);
    expect(events.body.data.map((e: { event: string }) => e.event).reverse()).toEqual([
      'license.created',
      'license.activated',
      'license.deactivated',
      'license.updated',
      'license.suspended',
      'license.reinstated',
      'license.revoked',
      'validation.failed',
    ]);
    const activated = events.body.data.find((e: { event: string }) => e.event === 'license.activated');
    expect(activated.data).toMatchObject({ licenseId: license.id, productId: license.productId });
    expect(activated.data.machineId).toMatch(/^mach_/);
  });
});

describe('products and customers', () => {
  it('creates, reads, updates, lists and deletes', async () => {
    const p = await t.call('POST', '/api/v1/products', {
      name: 'Desk',
      platforms: ['windows', 'mac'],
      metadata: { tier: 1 },
    });
    expect(p.status).toBe(201);
    const id = p.body.product.id;
    expect((await t.call('GET', `/api/v1/products/${id}`)).body.product.platforms).toEqual([
      'windows',
      'mac',
    ]);
    const u = await t.call('PATCH', `/api/v1/products/${id}`, { name: 'Desk 2' });
    expect(u.body.product.name).toBe('Desk 2');
    const del = await t.call('DELETE', `/api/v1/products/${id}`);
    expect(del.status).toBe(200);
    expect((await t.call('GET', `/api/v1/products/${id}`)).status).toBe(404);

    const c = await t.call('POST', '/api/v1/customers', { email: 'c@example.com', name: 'C' });
    expect(c.status).toBe(201);
    expect((await t.call('POST', '/api/v1/customers', { email: 'C@example.com' })).status).toBe(409);
    const list = await t.call('GET', '/api/v1/customers?email=c@example.com');
    expect(list.body.data).toHaveLength(1);
  });

  it('refuses to delete a product that has licenses', async () => {
    const { product } = await productAndLicense(t);
    const del = await t.call('DELETE', `/api/v1/products/${product.id}`);
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('CONFLICT');
  });
});

describe('response headers', () => {
  it('passes X-Request-Id through, makes one when absent, and echoes X-API-Version', async () => {
    const a = await t.call('GET', '/api/v1/health', undefined, null, { 'x-request-id': 'abc-123' });
    expect(a.headers.get('x-request-id')).toBe('abc-123');
    const b = await t.call('GET', '/api/v1/health', undefined, null, { 'x-api-version': '2026-01-01' });
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-api-version')).toBe('2026-01-01');
  });
});
