// Rate limits: per API key by plan, per IP on public routes, and against key enumeration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp, usingPostgres, usingRedis } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ trustProxy: 1 });
});
afterAll(() => t.close());

const setPlan = (plan: 'builder' | 'enterprise') =>
  t.app.deps.prisma.account
    .update({ where: { id: t.accountId }, data: { plan } })
    .then(() => t.app.deps.apiKeyCache.clear());

describe('plan limits', () => {
  it('builder: 10 requests a minute, the 11th gets the exact 429', async () => {
    await setPlan('builder');
    try {
      const created = await t.call('POST', '/api/v1/api-keys', { name: 'fresh' });
      const key = created.body.secret; // a key with an untouched counter
      const remaining: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await t.call('GET', '/api/v1/products', undefined, key);
        expect(r.status).toBe(200);
        expect(r.headers.get('x-ratelimit-limit')).toBe('10');
        remaining.push(Number(r.headers.get('x-ratelimit-remaining')));
        const reset = Number(r.headers.get('x-ratelimit-reset'));
        expect(reset).toBeGreaterThan(Date.now() / 1000);
        expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
      }
      expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const over = await t.call('GET', '/api/v1/products', undefined, key);
      expect(over.status).toBe(429);
      expect(over.body).toEqual({
        error: 'Rate limit exceeded',
        code: 'RATE_LIMITED',
        help: '/docs#errors',
        retryAfter: expect.any(Number),
      });
      expect(over.body.retryAfter).toBeGreaterThanOrEqual(1);
      // Sliding window over 1 s buckets: a request is forgotten 60–61 s after it was made.
      expect(over.body.retryAfter).toBeLessThanOrEqual(61);
      expect(over.headers.get('retry-after')).toBe(String(over.body.retryAfter));
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(over.headers.get('x-ratelimit-limit')).toBe('10');
      // GraphQL counts against the same limit.
      const gql = await t.call('POST', '/graphql', { query: '{ __typename }' }, key);
      expect(gql.status).toBe(429);
    } finally {
      await setPlan('enterprise');
    }
  });

  it('enterprise keys get 50,000', async () => {
    const r = await t.call('GET', '/api/v1/products');
    expect(r.headers.get('x-ratelimit-limit')).toBe('50000');
  });
});

describe('public limits', () => {
  it('limits anonymous calls per client IP (X-Forwarded-For from a trusted proxy)', async () => {
    const a = await t.call('GET', '/api/v1/health', undefined, null, { 'x-forwarded-for': '203.0.113.7' });
    const b = await t.call('GET', '/api/v1/health', undefined, null, { 'x-forwarded-for': '203.0.113.7' });
    const other = await t.call('GET', '/api/v1/health', undefined, null, {
      'x-forwarded-for': '198.51.100.1',
    });
    expect(a.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(
      Number(a.headers.get('x-ratelimit-remaining')) - 1,
    );
    expect(other.headers.get('x-ratelimit-remaining')).toBe('999');
  });

  it('20 validations of random unknown keys from one IP get 429 before the 20th', async () => {
    const ip = { 'x-forwarded-for': '192.0.2.55' };
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `RAND-${String(i).padStart(4, '0')}-ZZZZ-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
      statuses.push((await t.call('POST', '/api/v1/validate', { key }, null, ip)).status);
    }
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(0);
    expect(first429).toBeLessThan(19);
    expect(statuses.slice(0, first429).every((s) => s === 404)).toBe(true);
    // Another IP is unaffected, and a known key from another IP still validates.
    const { license } = await productAndLicense(t);
    const ok = await t.call('POST', '/api/v1/validate', { key: license.key }, null, {
      'x-forwarded-for': '192.0.2.56',
    });
    expect(ok.status).toBe(200);
    // The blocked IP is refused even for a real key, until the window passes.
    const blocked = await t.call('POST', '/api/v1/validate', { key: license.key }, null, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
  });
});

describe.runIf(usingRedis())('with Redis', () => {
  it.runIf(usingPostgres())('two instances on one database share one count', async () => {
    const rateLimit = {
      enabled: true,
      ipPerMinute: 1000,
      failedLookupsPerMinute: 10,
      prefix: `to_rl_shared_${Date.now()}`,
    };
    const a = await makeApp({ rateLimit });
    const b = await makeApp({ rateLimit }, {}, a);
    try {
      await a.app.deps.prisma.account.update({ where: { id: a.accountId }, data: { plan: 'builder' } });
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const via = i % 2 === 0 ? a : b;
        const r = await via.call('GET', '/api/v1/products', undefined, a.liveKey);
        seen.push(Number(r.headers.get('x-ratelimit-remaining')));
      }
      expect(seen).toEqual([9, 8, 7, 6, 5, 4]);
      expect(a.app.deps.limits.backend).toBe('redis');
      expect(b.app.deps.limits.backend).toBe('redis');
    } finally {
      await b.app.stop();
      await a.close();
    }
  });
});
