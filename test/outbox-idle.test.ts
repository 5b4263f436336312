// An idle outbox polls less (src/jobs/outbox.ts idleSkip): after empty claims with nothing in
// flight it skips poll ticks (0, 1, 3, then 7), so an idle webhook dispatcher claims every 2 s
// instead of four times a second; rows written on this instance (a commit with events) end the
// back-off, so their delivery still goes out at the next tick.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { idleSkip, Outbox, type OutboxChannel } from '../src/jobs/outbox';
import { makeApp } from './helpers/app';
import { startReceiver } from './helpers/webhook-receiver';

interface Row {
  id: string;
  attempts: number;
}

function channel(rows: Row[], claims: { n: number }, sent: string[]): OutboxChannel<Row, null> {
  return {
    name: 'test',
    maxInFlight: 10,
    pollIntervalMs: 60_000,
    leaseMs: 60_000,
    sendTimeoutMs: 10_000,
    maxAttempts: 3,
    backoffMs: () => 1000,
    claim: ({ limit }) => {
      claims.n++;
      return Promise.resolve(rows.splice(0, limit));
    },
    send: (row, ctx) => {
      sent.push(row.id);
      ctx.attempted();
      return Promise.resolve({ kind: 'done', extra: null });
    },
    write: () => Promise.resolve(),
  };
}

const base = { logger: pino({ level: 'silent' }), now: () => new Date() };

describe('idle outbox back-off', () => {
  it('skips 0, 1, 3 and then 7 ticks after empty claims in a row', () => {
    expect([0, 1, 2, 3, 4, 10].map(idleSkip)).toEqual([0, 1, 3, 7, 7, 7]);
  });

  it('claims on fewer ticks while idle, at every tick again once woken or once it finds rows', async () => {
    const rows: Row[] = [];
    const claims = { n: 0 };
    const sent: string[] = [];
    const outbox = new Outbox(base, channel(rows, claims, sent));
    const job = outbox.job('test');
    const tick = async (n: number) => {
      for (let i = 0; i < n; i++) await job.run();
    };
    // Ticks 0, 1, 3, 7, 15, 23 claim: 6 claims in 24 ticks (every tick claimed before).
    await tick(24);
    expect(claims.n).toBe(6);

    // A row written by another instance (or a retry coming due) is found within 8 ticks.
    rows.push({ id: 'late', attempts: 0 });
    await tick(8);
    expect(sent).toEqual(['late']);

    // Rows written here wake it: the very next tick claims, where it would have skipped.
    await tick(4); // idle again
    expect((outbox as unknown as { skipTicks: number }).skipTicks).toBeGreaterThan(0);
    outbox.wake();
    rows.push({ id: 'woken', attempts: 0 });
    await tick(1);
    expect(sent).toEqual(['late', 'woken']);
    await outbox.stop(0);
  });

  it('a committed event is delivered at the next tick while the dispatcher is idle', async () => {
    const rx = await startReceiver();
    const t = await makeApp({ webhookAllowPrivate: true, webhookDispatchIntervalMs: 20 }, { jobs: true });
    try {
      expect(
        (await t.call('POST', '/api/v1/webhooks', { url: rx.url, events: ['license.suspended'] })).status,
      ).toBe(201);
      const product = await t.call('POST', '/api/v1/products', { name: 'Idle' });
      const license = await t.call('POST', '/api/v1/licenses', {
        product_id: product.body.product.id,
        type: 'perpetual',
      });
      const state = t.app.webhooks as unknown as { skipTicks: number };
      // Let the dispatcher go idle: it skips ticks once its claims find nothing.
      await rx.waitFor(() => state.skipTicks > 0, 10_000, 'the dispatcher backing off');
      const r = await t.call('POST', `/api/v1/licenses/${license.body.license.id}/suspend`);
      expect(r.status).toBe(200);
      // The commit woke it: nothing is skipped before the next claim.
      expect(state.skipTicks).toBe(0);
      await rx.waitFor(() => rx.received.length === 1, 10_000, 'the delivery');
      expect(rx.received[0]!.headers['x-to-event']).toBe('license.suspended');
    } finally {
      await t.close();
      await rx.close();
    }
  });
});
