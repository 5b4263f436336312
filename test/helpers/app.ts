// Test app factory: a real app on in-memory PGlite, or on a fresh PostgreSQL database per app when
// DATABASE_URL is set (so the suite runs unchanged against both).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type App, type BuildOptions, buildApp } from '../../src/app';
import { type Config, testConfig } from '../../src/config';
import { JIT_FALLBACK } from '../../src/http/graphql/yoga';

export interface TestApp {
  app: App;
  liveKey: string;
  testKey: string;
  accountId: string;
  /** JSON request through app.fetch. `key` null sends no Authorization header. */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

async function freshPgDatabase(
  baseUrl: string,
  empty = false,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `to_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  // A copy of the migrated template the global setup made (test/helpers/database-image.ts).
  const template = empty ? '' : inject('pgTemplate');
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

let image: Blob | undefined;
/** The migrated PGlite image of the global setup, read once per test file. */
function pgliteImage(): Blob | undefined {
  const file = inject('pgliteImage');
  if (!file) return undefined;
  image ??= new Blob([readFileSync(file)]);
  return image;
}

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
export const usingRedis = () => Boolean(process.env.REDIS_URL);

/** A test app. With `share`, a second instance on the same PostgreSQL database as `share` (same
 * account and keys; the database is dropped by `share`, not by this one), or, on PGlite, the same
 * data directory reopened after `share.app.stop()` (pass `dataDir` on disk to the first app). */
export async function makeApp(
  overrides: Partial<Config> = {},
  {
    empty = false,
    ...opts
  }: BuildOptions & { /** a new, unmigrated database (not the image) */ empty?: boolean } = {},
  share?: TestApp,
): Promise<TestApp> {
  let drop = async () => {};
  const cfg: Partial<Config> = { ...overrides };
  if (share) {
    const shared = share.app.deps.config;
    if (shared.databaseUrl) cfg.databaseUrl = shared.databaseUrl;
    // PGlite on disk can be reopened once `share` has been stopped (one process at a time).
    else if (!shared.dataDir.startsWith('memory://')) cfg.dataDir = shared.dataDir;
    else throw new Error('sharing a database needs PostgreSQL (DATABASE_URL) or PGlite on disk');
  } else if (process.env.DATABASE_URL && cfg.databaseUrl === undefined) {
    const db = await freshPgDatabase(process.env.DATABASE_URL, empty);
    cfg.databaseUrl = db.url;
    drop = db.drop;
  }
  if (process.env.REDIS_URL && cfg.redisUrl === undefined) cfg.redisUrl = process.env.REDIS_URL;
  // Instances that share a database must share the master key that seals its secrets.
  cfg.secretKey ??= 'test-master-key-shared-by-test-instances';
  // Each test app counts its own rate limits, even when they share one Redis.
  const base = testConfig();
  cfg.rateLimit = {
    ...base.rateLimit,
    prefix: `to_rl_test_${randomBytes(4).toString('hex')}`,
    ...cfg.rateLimit,
  };
  const config = testConfig(cfg);
  const fromImage = !empty && !config.databaseUrl && config.dataDir.startsWith('memory://');
  const app = await buildApp(config, {
    jobs: false,
    ...(fromImage ? { pgliteImage: pgliteImage() } : {}),
    ...opts,
  });
  // Every GraphQL document the suite sends must compile with graphql-jit (a fallback is slower, and
  // would otherwise go unnoticed): close() fails the test file if one did not.
  const jitFallbacks: unknown[] = [];
  const warn = app.deps.logger.warn.bind(app.deps.logger);
  app.deps.logger.warn = ((obj: unknown, msg?: string, ...rest: unknown[]) => {
    if (msg === JIT_FALLBACK) jitFallbacks.push(obj);
    return (warn as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof app.deps.logger.warn;
  const b = app.bootstrap
    ? { liveKey: app.bootstrap.liveKey, testKey: app.bootstrap.testKey, accountId: app.bootstrap.account.id }
    : share;
  if (!b) throw new Error('expected a bootstrapped account on a fresh database');
  return {
    app,
    liveKey: b.liveKey,
    testKey: b.testKey,
    accountId: b.accountId,
    async call(method, path, body, key = b.liveKey, headers = {}) {
      const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
      if (key) h.authorization = `Bearer ${key}`;
      const res = await app.fetch(
        new Request(`http://test.local${path}`, {
          method,
          headers: h,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON; keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await app.stop();
      await drop();
      if (jitFallbacks.length > 0) {
        throw new Error(`GraphQL documents fell back from graphql-jit: ${JSON.stringify(jitFallbacks)}`);
      }
    },
  };
}

/** Creates a product and a license through the REST API and returns both. */
export async function productAndLicense(t: TestApp, license: Record<string, unknown> = {}, key?: string) {
  const p = await t.call('POST', '/api/v1/products', { name: 'Test Product' }, key);
  if (p.status !== 201) throw new Error(`product create failed: ${JSON.stringify(p.body)}`);
  const l = await t.call(
    'POST',
    '/api/v1/licenses',
    { product_id: p.body.product.id, type: 'perpetual', ...license },
    key,
  );
  if (l.status !== 201) throw new Error(`license create failed: ${JSON.stringify(l.body)}`);
  return { product: p.body.product, license: l.body.license };
}
