// Refusals are counted: refused activations, deactivations and heartbeats are usage rows with their
// code, and the analytics (REST and GraphQL) show them by kind and code beside the validations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { dataOf, gqlClient } from './helpers/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const analytics = async (query: string) => {
  await t.app.deps.usage.flush();
  const r = await t.call('GET', `/api/v1/analytics/usage?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe('refusals in the usage analytics', () => {
  it('47 refusals at the seat limit are 47 failures with code ACTIVATION_LIMIT_REACHED', async () => {
    const { license } = await productAndLicense(t, { max_activations: 3 });
    for (let i = 0; i < 3; i++) {
      const r = await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: `ok-${i}` }, null);
      expect(r.status).toBe(201);
    }
    for (let i = 0; i < 47; i++) {
      const r = await t.call(
        'POST',
        '/api/v1/activate',
        { key: license.key, machine_id: `extra-${i}` },
        null,
      );
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('ACTIVATION_LIMIT_REACHED');
    }
    for (let i = 0; i < 5; i++) await t.call('POST', '/api/v1/validate', { key: license.key }, null);

    const only = await analytics(`kind=activate&license_id=${license.id}`);
    expect(only.totals).toEqual({ total: 50, success: 3, failure: 47 });
    expect(only.byCode).toEqual([
      { kind: 'activate', code: 'ACTIVATION_LIMIT_REACHED', success: false, count: 47 },
      { kind: 'activate', code: 'ACTIVATED', success: true, count: 3 },
    ]);

    // Without a kind filter they stand beside the validations.
    const all = await analytics(`license_id=${license.id}`);
    expect(all.byKind).toEqual([
      { kind: 'validate', total: 5, success: 5, failure: 0 },
      { kind: 'activate', total: 50, success: 3, failure: 47 },
    ]);
    expect(all.byCode).toContainEqual({ kind: 'validate', code: 'VALID', success: true, count: 5 });
    expect(all.totals).toEqual({ total: 55, success: 8, failure: 47 });
    // The refused devices were seen: they count among the distinct devices.
    expect(all.activeDevices).toBe(50);
  });

  it('refused activations say why, and refused deactivations and heartbeats count too', async () => {
    const { license } = await productAndLicense(t, { type: 'floating', max_activations: 2 });
    const key = license.key;
    expect((await t.call('POST', '/api/v1/activate', { key, machine_id: 'a' }, null)).status).toBe(201);
    // Deactivating and heartbeating a device that holds no seat.
    expect((await t.call('POST', '/api/v1/deactivate', { key, machine_id: 'ghost' }, null)).status).toBe(404);
    expect((await t.call('POST', '/api/v1/heartbeat', { key, machine_id: 'ghost' }, null)).status).toBe(404);
    expect((await t.call('POST', '/api/v1/heartbeat', { key, machine_id: 'a' }, null)).status).toBe(200);
    // A suspended, then a revoked license cannot be activated, nor heartbeat.
    await t.call('POST', `/api/v1/licenses/${license.id}/suspend`);
    expect((await t.call('POST', '/api/v1/activate', { key, machine_id: 'b' }, null)).body.code).toBe(
      'SUSPENDED',
    );
    expect((await t.call('POST', '/api/v1/heartbeat', { key, machine_id: 'a' }, null)).body.code).toBe(
      'SUSPENDED',
    );
    await t.call('POST', `/api/v1/licenses/${license.id}/revoke`);
    expect((await t.call('POST', '/api/v1/activate', { key, machine_id: 'b' }, null)).body.code).toBe(
      'REVOKED',
    );
    expect((await t.call('POST', '/api/v1/deactivate', { key, machine_id: 'a' }, null)).status).toBe(200);

    const r = await analytics(`license_id=${license.id}`);
    const counts = Object.fromEntries(
      r.byCode.map((c: any) => [`${c.kind} ${c.code} ${c.success ? 'ok' : 'refused'}`, c.count]),
    );
    expect(counts).toEqual({
      'activate ACTIVATED ok': 1,
      'activate SUSPENDED refused': 1,
      'activate REVOKED refused': 1,
      'deactivate NOT_FOUND refused': 1,
      'deactivate DEACTIVATED ok': 1,
      'heartbeat NOT_ACTIVATED refused': 1,
      'heartbeat OK ok': 1,
      'heartbeat SUSPENDED refused': 1,
    });
    expect(r.byKind).toEqual([
      { kind: 'activate', total: 3, success: 1, failure: 2 },
      { kind: 'deactivate', total: 2, success: 1, failure: 1 },
      { kind: 'heartbeat', total: 3, success: 1, failure: 2 },
    ]);
  });

  it('an unknown key is no usage row: it has no license, so no account (the enumeration guard counts it)', async () => {
    const before = await analytics('');
    for (const path of ['/api/v1/activate', '/api/v1/deactivate', '/api/v1/heartbeat', '/api/v1/validate']) {
      const r = await t.call('POST', path, { key: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', machine_id: 'x' }, null);
      expect(r.status).toBe(404);
    }
    const after = await analytics('');
    expect(after.totals).toEqual(before.totals);
  });

  it('GraphQL usageAnalytics shows the same, by kind and by code', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'one' }, null);
    for (let i = 0; i < 4; i++) {
      await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: `more-${i}` }, null);
    }
    await t.app.deps.usage.flush();
    const gql = gqlClient(t);
    const r = await gql(
      `query($licenseId: ID) { usageAnalytics(licenseId: $licenseId) {
        totals { total success failure }
        byKind { kind total success failure }
        byCode { kind code success count }
      } }`,
      { licenseId: license.id },
    );
    const u = dataOf(r).usageAnalytics;
    expect(u.totals, r.trace).toEqual({ total: 5, success: 1, failure: 4 });
    expect(u.byKind).toEqual([{ kind: 'ACTIVATE', total: 5, success: 1, failure: 4 }]);
    expect(u.byCode).toEqual([
      { kind: 'ACTIVATE', code: 'ACTIVATION_LIMIT_REACHED', success: false, count: 4 },
      { kind: 'ACTIVATE', code: 'ACTIVATED', success: true, count: 1 },
    ]);
  });
});
