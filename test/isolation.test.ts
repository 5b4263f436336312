// Tenancy: live and test data never mix, accounts never see each other, revoked keys stop working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/accounts/accounts.service';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
let other: { liveKey: string; testKey: string };
beforeAll(async () => {
  t = await makeApp();
  other = await createAccount(t.app.deps, { name: 'Other vendor', plan: 'enterprise' });
});
afterAll(() => t.close());

describe('environment isolation', () => {
  it('a test key cannot read, list, validate or activate live data, and the reverse', async () => {
    const live = await productAndLicense(t, {}, t.liveKey);
    const test = await productAndLicense(t, {}, t.testKey);

    for (const [key, foreign] of [
      [t.testKey, live],
      [t.liveKey, test],
    ] as const) {
      expect((await t.call('GET', `/api/v1/licenses/${foreign.license.id}`, undefined, key)).status).toBe(
        404,
      );
      expect((await t.call('GET', `/api/v1/products/${foreign.product.id}`, undefined, key)).status).toBe(
        404,
      );
      const list = await t.call('GET', '/api/v1/licenses?limit=100', undefined, key);
      expect(list.body.data.map((l: { id: string }) => l.id)).not.toContain(foreign.license.id);
      const v = await t.call('POST', '/api/v1/validate', { key: foreign.license.key }, key);
      expect(v.status).toBe(404);
      expect(v.body).toMatchObject({ valid: false, code: 'NOT_FOUND', license: null });
      const a = await t.call('POST', '/api/v1/activate', { key: foreign.license.key, machine_id: 'm' }, key);
      expect(a.status).toBe(404);
      const lic = await t.call(
        'POST',
        '/api/v1/licenses',
        { product_id: foreign.product.id, type: 'perpetual' },
        key,
      );
      expect(lic.status).toBe(404);
    }
    // With its own key, each environment sees its own license.
    expect((await t.call('POST', '/api/v1/validate', { key: test.license.key }, t.testKey)).body.valid).toBe(
      true,
    );
    expect((await t.call('POST', '/api/v1/validate', { key: live.license.key }, t.liveKey)).body.valid).toBe(
      true,
    );
  });
});

describe('account isolation', () => {
  it("account B cannot see, change or validate account A's rows", async () => {
    const a = await productAndLicense(t);
    const B = other.liveKey;
    expect((await t.call('GET', `/api/v1/licenses/${a.license.id}`, undefined, B)).status).toBe(404);
    expect(
      (await t.call('PATCH', `/api/v1/licenses/${a.license.id}`, { max_activations: 9 }, B)).status,
    ).toBe(404);
    expect((await t.call('POST', `/api/v1/licenses/${a.license.id}/revoke`, undefined, B)).status).toBe(404);
    expect((await t.call('DELETE', `/api/v1/products/${a.product.id}`, undefined, B)).status).toBe(404);
    expect((await t.call('GET', `/api/v1/licenses/${a.license.id}/activations`, undefined, B)).status).toBe(
      404,
    );
    const list = await t.call('GET', '/api/v1/licenses?limit=100', undefined, B);
    expect(list.body.pagination.total).toBe(0);
    const events = await t.call('GET', '/api/v1/events?limit=100', undefined, B);
    expect(events.body.pagination.total).toBe(0);
    expect((await t.call('POST', '/api/v1/validate', { key: a.license.key }, B)).status).toBe(404);
    // Nothing changed for A.
    const mine = await t.call('GET', `/api/v1/licenses/${a.license.id}`);
    expect(mine.body.license).toMatchObject({ status: 'active', maxActivations: 1 });
  });
});

describe('API keys', () => {
  it('401 AUTH_REQUIRED without a key, 401 INVALID_API_KEY for an unknown or revoked one', async () => {
    const none = await t.call('GET', '/api/v1/licenses', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: expect.any(String), code: 'AUTH_REQUIRED', help: '/docs#errors' });

    const bogus = await t.call('GET', '/api/v1/licenses', undefined, 'to_live_' + 'x'.repeat(40));
    expect(bogus.status).toBe(401);
    expect(bogus.body.code).toBe('INVALID_API_KEY');

    const created = await t.call('POST', '/api/v1/api-keys', { name: 'ci' });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^to_live_/);
    expect((await t.call('GET', '/api/v1/licenses', undefined, secret)).status).toBe(200);
    const listed = await t.call('GET', '/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const revoked = await t.call('DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`);
    expect(revoked.status).toBe(200);
    const after = await t.call('GET', '/api/v1/licenses', undefined, secret);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('INVALID_API_KEY');
    // A revoked key is refused on the public path too, since a sent key must be valid.
    const v = await t.call('POST', '/api/v1/validate', { key: 'AAAA-AAAA-AAAA-AAAA' }, secret);
    expect(v.status).toBe(401);
  });

  it('a non-API-key bearer token is refused with 403 INVALID_TOKEN', async () => {
    const r = await t.call('GET', '/api/v1/licenses', undefined, 'eyJhbGciOiJub25lIn0.e30.');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('INVALID_TOKEN');
  });
});
