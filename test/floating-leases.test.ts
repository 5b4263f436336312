// Floating seats are leases: heartbeats keep them, the reaper frees the lapsed ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapExpiredLeases } from '../src/licensing/leases.service';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  // The scheduler runs for real here, with a 1 s reaper.
  t = await makeApp({ reaperIntervalMs: 1000 }, { jobs: true });
});
afterAll(() => t.close());

const post = (path: string, body: object) => t.call('POST', path, body, null);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('floating seats', () => {
  it('2 seats, 10 s lease: the third machine waits until the first stops heartbeating, then takes its seat', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 2,
      lease_duration: 10,
    });
    const key = license.key;
    const a = await post('/api/v1/activate', { key, machine_id: 'A' });
    expect(a.status).toBe(201);
    const leaseA = new Date(a.body.activation.leaseExpiresAt).getTime();
    expect(Math.abs(leaseA - (Date.now() + 10_000))).toBeLessThan(3000);
    expect((await post('/api/v1/activate', { key, machine_id: 'B' })).status).toBe(201);
    const c = await post('/api/v1/activate', { key, machine_id: 'C' });
    expect(c.status).toBe(409);
    expect(c.body.code).toBe('ACTIVATION_LIMIT_REACHED');

    // B keeps heartbeating; A goes silent. C retries until it gets a seat.
    const started = Date.now();
    let cStatus = 409;
    while (Date.now() - started < 16_000) {
      const hb = await post('/api/v1/heartbeat', { key, machine_id: 'B' });
      expect(hb.status).toBe(200);
      cStatus = (await post('/api/v1/activate', { key, machine_id: 'C' })).status;
      if (cStatus === 201) break;
      await sleep(1000);
    }
    const waited = Date.now() - started;
    expect(cStatus).toBe(201);
    // One lease period (10 s) + the reaper's slack (2 s) + its interval (1 s), with room for a slow machine.
    expect(waited).toBeLessThan(16_000);

    // A's heartbeat now gets a clear code and does not silently take a seat back.
    const lateA = await post('/api/v1/heartbeat', { key, machine_id: 'A' });
    expect(lateA.status).toBe(404);
    expect(lateA.body.code).toBe('NOT_ACTIVATED');
    const count = await t.app.deps.prisma.activation.count({ where: { licenseId: license.id } });
    expect(count).toBe(2);

    await t.app.deps.usage.flush();
    const events = await t.call('GET', `/api/v1/events?license_id=${license.id}&type=license.deactivated`);
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data).toMatchObject({
      reason: 'lease_expired',
      deviceId: 'A',
      licenseId: license.id,
    });
  }, 30_000);

  it('a lapsed but not yet reaped lease answers LEASE_EXPIRED to heartbeat and validate', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 1,
      lease_duration: 10,
    });
    await post('/api/v1/activate', { key: license.key, machine_id: 'X' });
    const realNow = t.app.deps.now;
    t.app.deps.now = () => new Date(Date.now() + 10_500); // inside the reaper's slack
    try {
      t.app.deps.licenseCache.clear();
      const hb = await post('/api/v1/heartbeat', { key: license.key, machine_id: 'X' });
      expect(hb.status).toBe(409);
      expect(hb.body.code).toBe('LEASE_EXPIRED');
      const v = await post('/api/v1/validate', { key: license.key, machine_id: 'X' });
      expect(v.body).toMatchObject({ valid: false, code: 'LEASE_EXPIRED' });
    } finally {
      t.app.deps.now = realNow;
    }
  });

  it('validation with machine_id renews the lease', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 1,
      lease_duration: 60,
    });
    const a = await post('/api/v1/activate', { key: license.key, machine_id: 'V' });
    const first = new Date(a.body.activation.leaseExpiresAt).getTime();
    await sleep(50);
    expect((await post('/api/v1/validate', { key: license.key, machine_id: 'V' })).body.valid).toBe(true);
    await t.app.deps.usage.flush();
    const row = await t.app.deps.prisma.activation.findFirstOrThrow({ where: { licenseId: license.id } });
    expect(row.leaseExpiresAt!.getTime()).toBeGreaterThan(first);
  });

  it('node-locked licenses are untouched by the reaper', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await post('/api/v1/activate', { key: license.key, machine_id: 'desk' });
    const realNow = t.app.deps.now;
    t.app.deps.now = () => new Date(Date.now() + 365 * 86400_000);
    try {
      await reapExpiredLeases(t.app.deps);
    } finally {
      t.app.deps.now = realNow;
    }
    expect(await t.app.deps.prisma.activation.count({ where: { licenseId: license.id } })).toBe(1);
    expect((await post('/api/v1/heartbeat', { key: license.key, machine_id: 'desk' })).status).toBe(200);
  });
});
