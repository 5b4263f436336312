// A burst of messages on the instance's pub/sub (src/events/pubsub.ts): a commit of thousands of
// events (a lease reaper batch, an expiry sweep), or as many arriving from Redis at once, reaches
// every listener, in order, and never throws where it was published. The pub/sub library used
// before (@graphql-yoga/subscription's repeaters) threw RepeaterOverflowError past 1,024 messages
// published in one synchronous loop: thrown in a commit's after-commit step, that was a 500 for a
// request whose writes had committed; thrown in the Redis subscriber's message handler, a crash.
import { describe, expect, it } from 'vitest';
import { EventPubSub, type WireEvent } from '../src/events/pubsub';
import type { Event } from '../prisma/generated/client/client';
import { makeApp, usingRedis } from './helpers/app';

const event = (i: number, accountId = 'acc_1'): Event =>
  ({
    id: `evt_${i}`,
    type: 'license.deactivated',
    accountId,
    environment: 'live',
    licenseId: `lic_${i}`,
    productId: null,
    machineId: null,
    data: { i },
    createdAt: new Date(0),
  }) as unknown as Event;

describe('pub/sub bursts', () => {
  it('delivers 5,000 events published in one loop to every listener, in order', async () => {
    const pubsub = new EventPubSub();
    const a: string[] = [];
    const b: string[] = [];
    pubsub.onEvent((e: WireEvent) => a.push(e.id));
    pubsub.onEvent((e: WireEvent) => b.push(e.id));
    const all = Array.from({ length: 5000 }, (_, i) => event(i));
    expect(() => pubsub.publishEvents(all)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    const ids = all.map((e) => e.id);
    expect(a).toEqual(ids);
    expect(b).toEqual(ids);
    await pubsub.close();
  });

  it('a listener that throws does not stop the others', async () => {
    const pubsub = new EventPubSub();
    const got: string[] = [];
    pubsub.onEvent(() => {
      throw new Error('boom');
    });
    pubsub.onEvent((e) => got.push(e.id));
    pubsub.publishEvents([event(1), event(2)]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['evt_1', 'evt_2']);
    await pubsub.close();
  });

  it.runIf(usingRedis())('another instance receives a burst of 3,000 from Redis, and lives on', async () => {
    const a = await makeApp();
    const b = await makeApp({}, {}, a);
    try {
      await Promise.all([a.app.deps.pubsub.ready(), b.app.deps.pubsub.ready()]);
      const got: string[] = [];
      // Other test files share this Redis: only this test's made-up account counts.
      const account = `acc_burst_${Date.now()}_${process.pid}`;
      b.app.deps.pubsub.onEvent((e) => {
        if (e.accountId === account) got.push(e.id);
      });
      const all = Array.from({ length: 3000 }, (_, i) => event(i, account));
      a.app.deps.pubsub.publishEvents(all);
      const deadline = Date.now() + 20_000;
      while (got.length < all.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual(all.map((e) => e.id));
      // b still serves.
      expect((await b.call('GET', '/api/v1/ready', undefined, null)).status).toBe(200);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
