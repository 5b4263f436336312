// The activation limit holds under concurrency, on PGlite and (with DATABASE_URL) on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp, usingPostgres } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe(`concurrent activations (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('50 concurrent activations of distinct devices against maxActivations 5 give exactly 5 successes', async () => {
    const { license } = await productAndLicense(t, { max_activations: 5 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: `device-${i}` }, null),
      ),
    );
    const statuses = results.map((r) => r.status);
    const others = results.filter((r) => r.status !== 201 && r.status !== 409).map((r) => [r.status, r.body]);
    expect(others, JSON.stringify(others)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(45);
    for (const r of results.filter((r) => r.status === 409))
      expect(r.body.code).toBe('ACTIVATION_LIMIT_REACHED');

    const stored = await t.app.deps.prisma.activation.count({ where: { licenseId: license.id } });
    const lic = await t.app.deps.prisma.license.findUniqueOrThrow({ where: { id: license.id } });
    expect(stored).toBe(5);
    expect(lic.activationCount).toBe(5);
  });

  it('the same new device activated 10 times at once makes one activation', async () => {
    const { license } = await productAndLicense(t, { max_activations: 3 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'same-device' }, null),
      ),
    );
    expect(results.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.activation.id)).size).toBe(1);
    const lic = await t.app.deps.prisma.license.findUniqueOrThrow({ where: { id: license.id } });
    expect(lic.activationCount).toBe(1);
  });

  it('concurrent deactivations and activations keep the count equal to the rows', async () => {
    const { license } = await productAndLicense(t, { max_activations: 4 });
    for (let i = 0; i < 4; i++) {
      await t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: `old-${i}` }, null);
    }
    await Promise.all([
      ...Array.from({ length: 4 }, (_, i) =>
        t.call('POST', '/api/v1/deactivate', { license_key: license.key, machine_id: `old-${i}` }, null),
      ),
      ...Array.from({ length: 8 }, (_, i) =>
        t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: `new-${i}` }, null),
      ),
    ]);
    const rows = await t.app.deps.prisma.activation.count({ where: { licenseId: license.id } });
    const lic = await t.app.deps.prisma.license.findUniqueOrThrow({ where: { id: license.id } });
    expect(lic.activationCount).toBe(rows);
    expect(rows).toBeLessThanOrEqual(4);
  });
});
