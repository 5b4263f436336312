// The sliding window: no subject exceeds its limit in any 60-second span, in memory and in Redis,
// across instances; a burst at the end of one minute plus a burst at the start of the next is
// refused (a fixed window let both through). And sign-in attempts are counted before the password
// check, so concurrency cannot get past the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits } from '../src/lib/rate-limit';
import { RedisLink } from '../src/lib/redis';
import { makeApp, type TestApp } from './helpers/app';
import { TestRedis } from './helpers/redis-server';

/** A minute boundary, in ms (the fixed window's reset point). */
const T0 = 1_800_000_000_000;
const S0 = T0 / 1000;

function limiter(redis: RedisLink | null, prefix: string, clock: { now: number }) {
  return new RateLimits({
    enabled: true,
    redis: redis?.client() ?? null,
    prefix,
    ipPerMinute: 10,
    failedLookupsPerMinute: 10,
    clock: () => clock.now,
  });
}

async function whenReady(link: RedisLink) {
  for (let i = 0; i < 100 && link.degraded; i++) await new Promise((r) => setTimeout(r, 50));
  expect(link.degraded).toBe(false);
}

describe('the sliding window', () => {
  let redis: TestRedis;
  const links: RedisLink[] = [];
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()));
    await redis.kill();
  });
  const link = () => {
    const l = new RedisLink(redis.url);
    links.push(l);
    return l;
  };

  for (const store of ['memory', 'redis, two instances'] as const) {
    it(`${store}: 10 at 59.5 s, then 10 at 60.5 s are refused until the first 10 are 61 s old`, async () => {
      const clock = { now: T0 };
      const prefix = `win_${store.length}_${Date.now()}`;
      let a: RateLimits;
      let b: RateLimits;
      if (store === 'memory') {
        a = b = limiter(null, prefix, clock);
      } else {
        const [la, lb] = [link(), link()];
        a = limiter(la, prefix, clock);
        b = limiter(lb, prefix, clock);
        await Promise.all([whenReady(la), whenReady(lb)]);
        expect(a.backend).toBe('redis');
      }
      const burst = async (n: number) => {
        const states = [];
        for (let i = 0; i < n; i++) states.push(await (i % 2 ? b : a).forIp('198.51.100.9'));
        return states;
      };
      clock.now = T0 + 59_500;
      const first = await burst(10);
      expect(first.map((s) => s.allowed)).toEqual(Array(10).fill(true));
      expect(first.map((s) => s.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      // Reset: when the oldest counted request leaves the window (second 59 + 61).
      expect(first.map((s) => s.reset)).toEqual(Array(10).fill(S0 + 120));

      clock.now = T0 + 60_500; // a new fixed minute: a fixed window would let 10 more through here
      const second = await burst(10);
      expect(second.map((s) => s.allowed)).toEqual(Array(10).fill(false));
      expect(second[0]).toEqual({ limit: 10, remaining: 0, reset: S0 + 120, retryAfter: 60, allowed: false });

      clock.now = T0 + 119_999; // 60.5 s after the burst: still inside every 60-second span
      expect((await a.forIp('198.51.100.9')).allowed).toBe(false);
      clock.now = T0 + 120_000; // what Retry-After promised
      const third = await burst(10);
      expect(third.map((s) => s.allowed)).toEqual(Array(10).fill(true));
      expect((await b.forIp('198.51.100.9')).allowed).toBe(false);
    });

    it(`${store}: 3,000 requests at random times over 5 minutes: no 60-second span holds more than 10`, async () => {
      const clock = { now: T0 };
      const prefix = `rand_${store.length}_${Date.now()}`;
      const [a, b] =
        store === 'memory'
          ? [limiter(null, prefix, clock), null]
          : await (async () => {
              const [la, lb] = [link(), link()];
              const x = limiter(la, prefix, clock);
              const y = limiter(lb, prefix, clock);
              await Promise.all([whenReady(la), whenReady(lb)]);
              return [x, y];
            })();
      const times = Array.from({ length: 3000 }, () => T0 + Math.floor(Math.random() * 300_000)).sort(
        (x, y) => x - y,
      );
      const allowed: number[] = [];
      let i = 0;
      for (const t of times) {
        clock.now = t;
        const l = b && i++ % 2 ? b : a;
        if ((await l.forIp('203.0.113.99')).allowed) allowed.push(t);
      }
      let worst = 0;
      for (let s = 0; s < allowed.length; s++) {
        let e = s;
        while (e < allowed.length && allowed[e]! < allowed[s]! + 60_000) e++;
        worst = Math.max(worst, e - s);
      }
      expect(worst).toBeLessThanOrEqual(10);
      expect(allowed.length).toBeGreaterThanOrEqual(40); // 5 minutes at ~10 per 61 s
    });
  }
});

describe('over HTTP', () => {
  let t: TestApp;
  const OWNER = { email: 'owner@window.test', password: 'owner-password-1' };
  beforeAll(async () => {
    t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, trustProxy: 1 });
  });
  afterAll(() => t.close());

  it('builder plan: the boundary burst gets 429 with a truthful Retry-After and X-RateLimit-Reset', async () => {
    await t.app.deps.prisma.account.update({ where: { id: t.accountId }, data: { plan: 'builder' } });
    t.app.deps.apiKeyCache.clear();
    const clock = { now: T0 + 59_500 };
    t.app.deps.limits.clock = () => clock.now;
    try {
      const key = (await t.call('POST', '/api/v1/api-keys', { name: 'window' })).body.secret;
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await t.call('GET', '/api/v1/products', undefined, key);
        statuses.push(r.status);
        expect(r.headers.get('x-ratelimit-reset')).toBe(String(S0 + 120));
      }
      clock.now = T0 + 60_500;
      for (let i = 0; i < 10; i++) {
        const r = await t.call('GET', '/api/v1/products', undefined, key);
        statuses.push(r.status);
        expect(r.headers.get('retry-after')).toBe('60');
        expect(r.headers.get('x-ratelimit-reset')).toBe(String(S0 + 120));
        expect(r.body).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 });
      }
      expect(statuses).toEqual([...Array(10).fill(200), ...Array(10).fill(429)]);
      clock.now = T0 + 120_000;
      expect((await t.call('GET', '/api/v1/products', undefined, key)).status).toBe(200);
    } finally {
      t.app.deps.limits.clock = Date.now;
      await t.app.deps.prisma.account.update({ where: { id: t.accountId }, data: { plan: 'enterprise' } });
      t.app.deps.apiKeyCache.clear();
    }
  });

  const login = (body: object, ip: string) =>
    t.call('POST', '/api/v1/auth/login', body, null, { 'x-forwarded-for': ip });
  const tally = (statuses: number[]) =>
    statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

  it('100 concurrent wrong passwords for one email: 5 × 401, then 429s', async () => {
    const rs = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        login({ email: OWNER.email, password: `wrong-${i}` }, '192.0.2.101'),
      ),
    );
    expect(tally(rs.map((r) => r.status))).toEqual({ 401: 5, 429: 95 });
    // The right password is refused too for this email until the window passes.
    expect((await login(OWNER, '192.0.2.102')).status).toBe(429);
  });

  it('60 concurrent logins for 60 emails from one IP respect the 20-per-IP limit', async () => {
    const rs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        login({ email: `user${i}@window.test`, password: 'x'.repeat(10) }, '192.0.2.103'),
      ),
    );
    expect(tally(rs.map((r) => r.status))).toEqual({ 401: 20, 429: 40 });
    expect(rs.find((r) => r.status === 429)!.body.code).toBe('RATE_LIMITED');
  });

  it('successful sign-ins are given back: 12 in a row from one IP all succeed', async () => {
    const u = { email: 'second@window.test', password: 'second-password-1' };
    const created = await t.call('POST', '/api/v1/users', { ...u, role: 'developer' });
    expect(created.status).toBe(201);
    for (let i = 0; i < 12; i++) expect((await login(u, '192.0.2.104')).status).toBe(200);
  });
});
