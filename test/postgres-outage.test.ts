// A PostgreSQL restart is ridden out: the server process reaches its own fresh database through a
// TCP proxy that the test cuts (every connection destroyed, new ones refused) and restores. While
// it is cut, requests that need the database get 503 SERVICE_UNAVAILABLE with Retry-After, never a
// 500; /ready says `degraded: ["database"]`; the background jobs keep running with one log line for
// the whole outage; validations of cached licenses still answer and their usage rows are written
// once the database is back. Skipped when no PostgreSQL answers (DATABASE_URL or 127.0.0.1:5432).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type PgDatabase, PgProxy, pgReachable } from './helpers/pg';
import { childEnv, listeningPort, spawnBuilt, type Spawned } from './helpers/server-process';

const reachable = await pgReachable();

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!reachable)('a PostgreSQL outage, the server process', { timeout: 120_000 }, () => {
  let db: PgDatabase;
  let proxy: PgProxy;
  let server: Spawned;
  let base: string;
  let key: string;
  beforeAll(async () => {
    db = await createPgDatabase('to_pgout');
    proxy = await PgProxy.start(db.url);
    server = spawnBuilt(
      'src/dist/main.js',
      childEnv({
        PORT: '0',
        DATABASE_URL: db.via(proxy.port),
        TO_OWNER_PASSWORD: undefined,
        // Long enough that the license and the key stay cached through the outage.
        TO_LICENSE_CACHE_TTL_MS: '120000',
        TO_API_KEY_CACHE_TTL_MS: '120000',
      }),
    );
    base = `http://127.0.0.1:${await listeningPort(server)}`;
    key = (await server.waitFor(/live API key\s+(to_live_\w+)/))[1]!;
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await proxy?.close();
    await db?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const r = await fetch(base + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: `Bearer ${key}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, any> };
  };

  it('answers 503 with Retry-After while cut, stays up, logs once, recovers, loses no usage row', async () => {
    const product = await call('POST', '/api/v1/products', { name: 'Outage' });
    expect(product.status).toBe(201);
    const lic = await call('POST', '/api/v1/licenses', {
      product_id: product.body.product.id,
      type: 'perpetual',
    });
    expect(lic.status).toBe(201);
    const licKey = lic.body.license.key as string;
    expect((await call('POST', '/api/v1/validate', { key: licKey }, false)).status).toBe(200);
    expect((await call('GET', '/api/v1/ready', undefined, false)).body.status).toBe('ready');
    const logsBefore = server.stdout().length;

    await proxy.cut();

    // A write needs the database: 503, the stable code, Retry-After; never 500.
    const write = await call('POST', '/api/v1/products', { name: 'During' });
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', help: '/docs#errors', retryAfter: 5 });
    expect(write.headers.get('retry-after')).toBe('5');
    const read = await call('GET', '/api/v1/products');
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBe('5');
    const gql = await call('POST', '/graphql', { query: '{ products(first: 1) { totalCount } }' });
    expect(JSON.stringify(gql.body)).toContain('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(gql.body)).not.toContain('INTERNAL_ERROR');

    const ready = await call('GET', '/api/v1/ready', undefined, false);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'degraded', database: 'postgres', degraded: ['database'] });

    // The cached license still validates; its usage rows wait in memory.
    let validated = 1;
    for (let i = 0; i < 5; i++) {
      const v = await call('POST', '/api/v1/validate', { key: licKey }, false);
      expect(v.status).toBe(200);
      validated++;
    }
    // Several ticks of every job (usage flush every second, webhooks, reaper) meet the outage.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(server.child.exitCode).toBeNull();
    expect((await call('GET', '/api/v1/health', undefined, false)).status).toBe(200);

    await proxy.up();
    await until('ready again', async () =>
      (await call('GET', '/api/v1/ready', undefined, false)).body.status === 'ready' ? true : undefined,
    );
    expect((await call('POST', '/api/v1/products', { name: 'After' })).status).toBe(201);

    const lines = server
      .stdout()
      .slice(logsBefore)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    const outage = lines.filter((l) => /PostgreSQL is unreachable/.test(l.msg));
    expect(outage, JSON.stringify(lines)).toHaveLength(1);
    expect(lines.filter((l) => /PostgreSQL is reachable again/.test(l.msg))).toHaveLength(1);
    // No line per tick or per request: nothing else at error level.
    expect(
      lines.filter((l) => l.level >= 50 && l !== outage[0]),
      JSON.stringify(lines),
    ).toEqual([]);

    // The usage rows recorded during the outage were kept and written once it was over.
    const rows = await until('usage rows written', async () => {
      const [r] = await db.query<{ n: number }>(
        `SELECT coalesce(sum(count), 0)::int AS n FROM "UsageRecord" WHERE kind = 'validate' AND "licenseId" = $1`,
        [lic.body.license.id],
      );
      return r!.n >= validated ? r!.n : undefined;
    });
    expect(rows).toBe(validated);
    expect(server.child.exitCode).toBeNull();
  });
});
