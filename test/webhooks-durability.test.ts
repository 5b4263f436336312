// Deliveries are rows: they survive a restart, a crashed instance's claims are taken over when its
// lease runs out, and several instances on one PostgreSQL send each attempt once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config';
import { type EventInput, recordEvents } from '../src/events/events.service';
import { makeApp, productAndLicense, usingPostgres } from './helpers/app';
import { type Receiver, startReceiver } from './helpers/webhook-receiver';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A receiver that processes each X-TO-Delivery-ID once, as the docs tell receivers to. */
function dedupingReceiver(rx: Receiver) {
  const processed = new Map<string, number>();
  rx.respond = (r) => {
    processed.set(r.deliveryId, (processed.get(r.deliveryId) ?? 0) + 1);
    return 200;
  };
  return processed;
}

const fast: Partial<Config> = {
  webhookAllowPrivate: true,
  webhookBackoffScale: 0.0001,
  webhookDispatchIntervalMs: 20,
};

describe('durability', () => {
  it('delivers what was pending when the app stopped, once, after a restart on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'to-webhooks-durable-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const rx = await startReceiver(() => 503); // the receiver is "down" at first
    cleanups.push(() => rx.close());

    // PGlite on disk (or a fresh PostgreSQL database when DATABASE_URL is set); no jobs.
    const first = await makeApp({ ...fast, dataDir, secretKey: 'durability-test-master-key-0001' });
    cleanups.push(() => first.close());
    const created = await first.call('POST', '/api/v1/webhooks', {
      url: rx.url,
      events: ['license.activated'],
    });
    expect(created.status).toBe(201);
    const { license } = await productAndLicense(first, { max_activations: 5 });
    const activate = (m: string) =>
      first.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: m });
    expect((await activate('before-outage')).status).toBe(201);
    expect(await first.app.webhooks.dispatchOnce()).toBe(1); // attempt 1: 503
    expect((await activate('never-attempted')).status).toBe(201);
    await first.app.stop();

    const processed = dedupingReceiver(rx); // back up
    const second = await makeApp(
      { ...fast, secretKey: 'durability-test-master-key-0001' },
      { jobs: true },
      first,
    );
    cleanups.push(() => second.close());
    const ids = (await second.app.deps.prisma.webhookDelivery.findMany({ select: { id: true } })).map(
      (d) => d.id,
    );
    expect(ids).toHaveLength(2);
    await rx.waitFor(() => ids.every((id) => processed.has(id)), 10_000, 'both deliveries');
    await rx.waitFor(async () => (await second.app.webhooks.queueDepth()) === 0, 5_000, 'an empty queue');
    await new Promise((r) => setTimeout(r, 200)); // nothing more arrives
    expect([...processed.values()]).toEqual([1, 1]);
    const rows = await second.app.deps.prisma.webhookDelivery.findMany({ orderBy: { createdAt: 'asc' } });
    expect(rows.map((d) => [d.status, d.attempts])).toEqual([
      ['delivered', 2],
      ['delivered', 1],
    ]);
  });

  it('takes over a claim whose lease ran out, and leaves a live claim alone', async () => {
    const t = await makeApp({ ...fast });
    cleanups.push(() => t.close());
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const created = await t.call('POST', '/api/v1/webhooks', { url: rx.url });
    for (let i = 0; i < 2; i++) await t.call('POST', `/api/v1/webhooks/${created.body.webhook.id}/test`);
    const [dead, live] = await t.app.deps.prisma.webhookDelivery.findMany({ orderBy: { id: 'asc' } });
    const now = Date.now();
    await t.app.deps.prisma.webhookDelivery.update({
      where: { id: dead!.id },
      data: { lockedBy: 'crashed-instance:1', lockedUntil: new Date(now - 1000) },
    });
    await t.app.deps.prisma.webhookDelivery.update({
      where: { id: live!.id },
      data: { lockedBy: 'other-instance:1', lockedUntil: new Date(now + 60_000) },
    });
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    expect(rx.received.map((r) => r.deliveryId)).toEqual([dead!.id]);
    const after = await t.app.deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: live!.id } });
    expect(after).toMatchObject({ status: 'pending', attempts: 0, lockedBy: 'other-instance:1' });
  });
});

describe('shutdown', () => {
  it('hands back a delivery whose request is cut off by stop, without counting an attempt', async () => {
    const t = await makeApp({ ...fast }, { jobs: true });
    cleanups.push(() => t.close());
    const rx = await startReceiver(() => 'hang');
    cleanups.push(() => rx.close());
    const created = await t.call('POST', '/api/v1/webhooks', { url: rx.url });
    await t.call('POST', `/api/v1/webhooks/${created.body.webhook.id}/test`);
    await rx.waitFor(() => rx.received.length === 1, 5_000, 'the request');
    const started = Date.now();
    await t.app.webhooks.stop(100);
    expect(Date.now() - started).toBeLessThan(3_000);
    const [d] = await t.app.deps.prisma.webhookDelivery.findMany();
    expect(d).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null });
  });
});

describe.skipIf(!usingPostgres())('several instances on one PostgreSQL', () => {
  it('sends each attempt of 200 deliveries exactly once', async () => {
    const rx = await startReceiver((r) => (r.seen === 1 ? 500 : 200)); // every delivery needs 2 attempts
    cleanups.push(() => rx.close());
    const a = await makeApp({ ...fast, webhookMaxPerEndpoint: 8 }, { jobs: true });
    cleanups.push(() => a.close());
    const b = await makeApp({ ...fast, webhookMaxPerEndpoint: 8 }, { jobs: true }, a);
    cleanups.push(() => b.close());
    expect((await a.call('POST', '/api/v1/webhooks', { url: rx.url })).status).toBe(201);

    const tenant = { accountId: a.accountId, environment: 'live' as const };
    const inputs: EventInput[] = Array.from({ length: 200 }, (_, i) => ({
      type: 'license.activated',
      tenant,
      data: { n: i },
    }));
    // Half through each instance, in a few transactions; each wakes its own dispatcher, as a
    // commit() that records events does (src/db/commit.ts).
    for (let i = 0; i < 200; i += 50) {
      const app = i % 100 === 0 ? a : b;
      await app.app.deps.prisma.$transaction((tx) => recordEvents(tx, inputs.slice(i, i + 50)));
      app.app.deps.kicks.webhook();
    }
    await rx.waitFor(
      async () => (await a.app.deps.prisma.webhookDelivery.count({ where: { status: 'delivered' } })) === 200,
      30_000,
      '200 delivered',
    );
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up now

    // Attempt 1 of each delivery is answered 500 and attempt 2 with 200, so a duplicated attempt
    // would show up as a third request for that delivery id.
    const perId = new Map<string, number>();
    for (const r of rx.received) perId.set(r.deliveryId, (perId.get(r.deliveryId) ?? 0) + 1);
    expect(perId.size).toBe(200);
    expect([...perId.values()].every((n) => n === 2)).toBe(true);
    const rows = await a.app.deps.prisma.webhookDelivery.findMany();
    expect(rows.every((d) => d.status === 'delivered' && d.attempts === 2)).toBe(true);
    const sa = a.app.webhooks.stats;
    const sb = b.app.webhooks.stats;
    expect(sa.attempts + sb.attempts).toBe(400);
    expect(sa.attempts).toBeGreaterThan(0);
    expect(sb.attempts).toBeGreaterThan(0);
  });
});
