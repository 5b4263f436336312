// The PostgreSQL pool's size comes from DATABASE_URL's `connection_limit` (Prisma's documented
// parameter). The soak found it ignored: the pool was always 20, whatever the URL said. With one
// connection, the key routes still answer, and the seat limit still holds.
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { testConfig } from '../src/config';
import { poolOptions } from '../src/db/client';
import { StartupError } from '../src/startup-error';
import { makeApp, type TestApp, usingPostgres } from './helpers/app';

describe('DATABASE_URL pool parameters', () => {
  it('connection_limit and pool_timeout set the pool and leave the URL the driver sees', () => {
    const o = poolOptions(
      'postgresql://u:p@db.example:5432/to?connection_limit=3&pool_timeout=2.5&sslmode=disable',
    );
    expect(o.max).toBe(3);
    expect(o.connectionTimeoutMillis).toBe(2500);
    expect(o.connectionString).toBe('postgresql://u:p@db.example:5432/to?sslmode=disable');
    expect(poolOptions('postgresql://db.example/to').max).toBe(20);
    // Unset: a query waits 10 s for a connection, then the request is a 503 (not a hang).
    expect(poolOptions('postgresql://db.example/to').connectionTimeoutMillis).toBe(10_000);
  });

  it('refuses a limit that is not a whole number of at least 1, saying which parameter', () => {
    for (const bad of ['0', 'ten', '1.5']) {
      expect(() => poolOptions(`postgresql://db.example/to?connection_limit=${bad}`)).toThrow(StartupError);
      expect(() => poolOptions(`postgresql://db.example/to?connection_limit=${bad}`)).toThrow(
        /connection_limit/,
      );
    }
    expect(() => poolOptions('postgresql://db.example/to?pool_timeout=-1')).toThrow(/pool_timeout/);
  });
});

describe.runIf(usingPostgres())('a one-connection pool on PostgreSQL', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('serves concurrent activations and validations on one connection; the limit holds', async () => {
    t = await makeApp();
    const url = new URL(t.app.deps.config.databaseUrl!);
    url.searchParams.set('connection_limit', '1');
    const squeezed = await buildApp(
      testConfig({ databaseUrl: url.toString(), secretKey: t.app.deps.config.secretKey, bootstrap: false }),
      { jobs: false },
    );
    try {
      const { body: p } = await t.call('POST', '/api/v1/products', { name: 'Pool' });
      const { body: l } = await t.call('POST', '/api/v1/licenses', {
        product_id: p.product.id,
        type: 'perpetual',
        max_activations: 3,
      });
      const post = (path: string, body: unknown) =>
        squeezed.fetch(
          new Request(`http://test.local${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        );
      const key = l.license.key;
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) =>
          post('/api/v1/activate', { license_key: key, machine_id: `m${i}` }),
        ),
        ...Array.from({ length: 10 }, () => post('/api/v1/validate', { license_key: key })),
      ]);
      const statuses = answers.map((r) => r.status);
      expect(statuses.slice(0, 10).filter((s) => s === 201)).toHaveLength(3);
      expect(statuses.slice(0, 10).filter((s) => s === 409)).toHaveLength(7);
      expect(statuses.slice(10)).toEqual(Array(10).fill(200));
      // Five concurrent queries through the pool all run on the one backend.
      const pids = await Promise.all(
        Array.from({ length: 5 }, () =>
          squeezed.deps.database.sql.query<{ pid: number }>(
            'SELECT pg_backend_pid() AS pid, pg_sleep(0.05)',
            [],
          ),
        ),
      );
      expect(new Set(pids.map((r) => r[0]!.pid)).size).toBe(1);
      const { body: after } = await t.call('GET', `/api/v1/licenses/${l.license.id}`);
      expect(after.license.activations).toBe(3);
    } finally {
      await squeezed.stop();
    }
  }, 60_000);
});
