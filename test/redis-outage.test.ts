// Redis is a dependency the server survives: with a redis-server the test starts, kills and starts
// again, activations keep working, the process stays up, /ready says what is degraded, and once
// Redis is back every instance recovers by itself and cross-instance events flow again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { TestRedis } from './helpers/redis-server';
import { childEnv, listeningPort, spawnBuilt } from './helpers/server-process';
import type { WireEvent } from '../src/events/pubsub';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a Redis outage, two instances in this process', { timeout: 120_000 }, () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  const seenOnB: WireEvent[] = [];
  beforeAll(async () => {
    redis = await TestRedis.start();
    a = await makeApp({ redisUrl: redis.url });
    b = await makeApp({ redisUrl: redis.url });
    await Promise.all([a.app.deps.pubsub.ready(), b.app.deps.pubsub.ready()]);
    b.app.deps.pubsub.onEvent((e) => seenOnB.push(e));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.kill();
  });

  const ready = (t: TestApp) => t.call('GET', '/api/v1/ready', undefined, null);

  it('activates during the outage, says degraded, recovers and delivers across instances again', async () => {
    expect((await ready(a)).body).toEqual({ status: 'ready', database: expect.any(String), degraded: [] });
    const { license } = await productAndLicense(a, { max_activations: 10 });
    await until('license.created reaches the other instance', () =>
      seenOnB.some((e) => e.type === 'license.created' && e.licenseId === license.id),
    );

    await redis.kill();
    // The activation that used to crash the process (an unhandled publish rejection).
    const during = await a.call(
      'POST',
      '/api/v1/activate',
      { key: license.key, machine_id: 'during-outage' },
      null,
    );
    expect(during.status).toBe(201);
    expect(during.headers.get('x-ratelimit-limit')).toBe('1000'); // the in-memory limiter answered
    const degraded = await until('/ready says degraded', async () => {
      const r = await ready(a);
      return r.body.status === 'degraded' ? r : undefined;
    });
    expect(degraded.status).toBe(200);
    expect(degraded.body).toEqual({ status: 'degraded', database: expect.any(String), degraded: ['redis'] });
    // More work while Redis is away: validations, a second activation, a GraphQL read.
    for (let i = 0; i < 5; i++) {
      expect((await a.call('POST', '/api/v1/validate', { key: license.key }, null)).status).toBe(200);
    }
    expect(
      (await a.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'm2' }, null)).status,
    ).toBe(201);

    await redis.up();
    for (const t of [a, b]) {
      await until('/ready is ready again', async () =>
        (await ready(t)).body.status === 'ready' ? true : undefined,
      );
    }
    // Resubscribed: an activation on A reaches B's subscribers again.
    const after = await a.call(
      'POST',
      '/api/v1/activate',
      { key: license.key, machine_id: 'after-outage' },
      null,
    );
    expect(after.status).toBe(201);
    await until('license.activated after the restart reaches the other instance', () =>
      seenOnB.some((e) => e.type === 'license.activated' && JSON.stringify(e.data).includes('after-outage')),
    );
  });
});

describe('the server process', { timeout: 150_000 }, () => {
  it('starts with Redis unreachable (one log line), serves, recovers, and survives a Redis crash', async () => {
    const redis = await TestRedis.start();
    await redis.kill(); // the port is free: nothing listens there yet
    const server = spawnBuilt(
      'src/dist/main.js',
      childEnv({ PORT: '0', DATA_DIR: 'memory://', REDIS_URL: redis.url, TO_OWNER_PASSWORD: undefined }),
    );
    try {
      const port = await listeningPort(server);
      const key = (await server.waitFor(/live API key\s+(to_live_\w+)/))[1]!;
      const base = `http://127.0.0.1:${port}`;
      const get = async (path: string) => {
        const r = await fetch(base + path);
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      expect(await get('/api/v1/ready')).toEqual({
        status: 200,
        body: { status: 'degraded', database: 'pglite', degraded: ['redis'] },
      });
      const logs = server.stdout() + server.stderr();
      const redisLines = logs.split('\n').filter((l) => /redis/i.test(l));
      expect(redisLines, logs).toHaveLength(1);
      expect(JSON.parse(redisLines[0]!).msg).toMatch(
        new RegExp(
          `^Redis at redis://127\\.0\\.0\\.1:${redis.port} is unreachable \\(ECONNREFUSED\\); retrying`,
        ),
      );
      expect(logs).not.toMatch(/\n\s+at .+:\d+:\d+/);

      const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const post = async (path: string, body: unknown, headers: Record<string, string> = auth) => {
        const r = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as Record<string, any> };
      };
      const product = await post('/api/v1/products', { name: 'Outage' });
      expect(product.status).toBe(201);
      const lic = await post('/api/v1/licenses', {
        product_id: product.body.product.id,
        type: 'perpetual',
        max_activations: 10,
      });
      expect(lic.status).toBe(201);
      const licKey = lic.body.license.key as string;
      const anon = { 'content-type': 'application/json' };
      expect((await post('/api/v1/activate', { key: licKey, machine_id: 'a' }, anon)).status).toBe(201);

      await redis.up();
      await until('ready once Redis is up', async () =>
        (await get('/api/v1/ready')).body.status === 'ready' ? true : undefined,
      );
      expect(server.stdout()).toMatch(/is reachable again/);

      await redis.kill();
      expect((await post('/api/v1/activate', { key: licKey, machine_id: 'b' }, anon)).status).toBe(201);
      await until('degraded again', async () =>
        (await get('/api/v1/ready')).body.status === 'degraded' ? true : undefined,
      );
      expect((await post('/api/v1/activate', { key: licKey, machine_id: 'c' }, anon)).status).toBe(201);
      await new Promise((r) => setTimeout(r, 3_000)); // ioredis gives up on queued commands meanwhile
      expect(server.child.exitCode).toBeNull(); // still up
      expect((await get('/api/v1/health')).status).toBe(200);
      expect(await server.kill()).toBe(0);
    } finally {
      await server.kill('SIGKILL');
      await redis.kill();
    }
  });
});
