// Usage is recorded off the request path and adds up exactly in the analytics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('usage analytics', () => {
  it('N validations give totals of exactly N, split by code, with distinct devices', async () => {
    const { product, license } = await productAndLicense(t, { max_activations: 3 });
    const other = await productAndLicense(t);
    const N = 57;
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'dev-1' }, null);
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'dev-2' }, null);
    for (let i = 0; i < N; i++) {
      const machine = i % 3 === 0 ? 'dev-1' : i % 3 === 1 ? 'dev-2' : 'dev-unknown';
      await t.call('POST', '/api/v1/validate', { key: license.key, machine_id: machine }, null);
    }
    for (let i = 0; i < 5; i++) await t.call('POST', '/api/v1/validate', { key: other.license.key }, null);
    // Nothing is written on the request path: the rows appear with the batch.
    await t.app.deps.usage.flush();

    const q = `/api/v1/analytics/usage?interval=hour&kind=validate&license_id=${license.id}`;
    const r = await t.call('GET', q);
    expect(r.status).toBe(200);
    expect(r.body.totals).toEqual({ total: N, success: 38, failure: 19 });
    expect(r.body.series.reduce((n: number, s: { total: number }) => n + s.total, 0)).toBe(N);
    expect(r.body.series[0].bucket).toMatch(/T\d\d:00:00\.000Z$/);
    expect(r.body.byCode).toEqual(
      expect.arrayContaining([
        { kind: 'validate', code: 'VALID', success: true, count: 38 },
        { kind: 'validate', code: 'NOT_ACTIVATED', success: false, count: 19 },
      ]),
    );
    expect(r.body.activeDevices).toBe(3);

    const byProduct = await t.call('GET', `/api/v1/analytics/usage?kind=validate&product_id=${product.id}`);
    expect(byProduct.body.totals.total).toBe(N);
    const all = await t.call('GET', '/api/v1/analytics/usage?kind=validate');
    expect(all.body.totals.total).toBe(N + 5);
    const activations = await t.call('GET', `/api/v1/analytics/usage?kind=activate&license_id=${license.id}`);
    expect(activations.body.totals.total).toBe(2);

    // lastValidatedAt is touched in the same batch.
    const lic = await t.call('GET', `/api/v1/licenses/${license.id}`);
    expect(lic.body.license.lastValidatedAt).not.toBeNull();
  });

  it('rejects a bad range', async () => {
    const r = await t.call(
      'GET',
      '/api/v1/analytics/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_ERROR');
  });

  it('a clean stop flushes everything still in the batch', async () => {
    const s = await makeApp();
    const { license } = await productAndLicense(s);
    for (let i = 0; i < 25; i++) await s.call('POST', '/api/v1/validate', { key: license.key }, null);
    const prisma = s.app.deps.prisma;
    // The stop's last flush runs before the database closes: count what it wrote right after it.
    const flush = s.app.deps.usage.flush.bind(s.app.deps.usage);
    let flushes = 0;
    let counted: number | null = null;
    s.app.deps.usage.flush = async () => {
      await flush();
      flushes++;
      counted = (await prisma.usageRecord.aggregate({ where: { kind: 'validate' }, _sum: { count: true } }))
        ._sum.count;
    };
    const before = flushes;
    await s.close();
    expect(flushes, 'the stop flushed the batch').toBeGreaterThan(before);
    expect(counted).toBe(25);
  });
});
