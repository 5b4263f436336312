// Opens the database chosen by the config: PostgreSQL when DATABASE_URL is set, PGlite otherwise.
// Each driver and its Prisma adapter is imported only when chosen, so a start loads one of them.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../../prisma/generated/client/client';
import type { Config } from '../config';
import { StartupError } from '../startup-error';
import { lockDataDir } from './data-dir-lock';
import { createPGlite } from './pglite';
import { pgliteRunner, pgRunner, type SqlRunner } from './sql';

const gzipAsync = promisify(gzip);

export { PrismaClient };
export type Db = PrismaClient;

/** Counts statements through Prisma's query event (the log option enables it). */
function onQuery(prisma: PrismaClient, fn: () => void) {
  (prisma as unknown as { $on(e: 'query', f: () => void): void }).$on('query', fn);
}

export interface Database {
  prisma: PrismaClient;
  sql: SqlRunner;
  kind: 'pglite' | 'postgres';
  /** Number of SQL statements Prisma has sent (for tests that bound query counts). */
  queryCount(): number;
  /** PGlite only: a consistent snapshot of the whole data directory as a .tar.gz (src/db/backup.ts). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

/** The pg pool's settings from DATABASE_URL. `connection_limit` and `pool_timeout` (seconds) are
 * Prisma's documented URL parameters; with the driver adapter the pool is ours, so they are read
 * here (node-postgres would ignore them) and taken off the URL the driver sees. */
export function poolOptions(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  const limit = url.searchParams.get('connection_limit');
  const timeout = url.searchParams.get('pool_timeout');
  url.searchParams.delete('connection_limit');
  url.searchParams.delete('pool_timeout');
  const max = limit === null ? 20 : Number(limit);
  if (!Number.isInteger(max) || max < 1) {
    throw new StartupError(
      `DATABASE_URL: connection_limit must be a whole number of at least 1, got ${JSON.stringify(limit)}`,
      'Set connection_limit=N (the pool size per instance; 20 when unset)',
    );
  }
  // Unset: 10 s, as long as commit() waits for a connection. A database that does not answer is an
  // outage (503), not a request that hangs forever.
  const seconds = timeout === null ? 10 : Number(timeout);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new StartupError(
      `DATABASE_URL: pool_timeout must be a number of seconds, got ${JSON.stringify(timeout)}`,
      'Set pool_timeout=S (how long a query waits for a free connection; 0 waits as long as it takes)',
    );
  }
  return { connectionString: url.toString(), max, connectionTimeoutMillis: Math.round(seconds * 1000) };
}

export interface OpenOptions {
  /** PGlite in memory only: start from this data directory (a `dump()` or PGlite `dumpDataDir()`
   * tarball) instead of an empty one, skipping initdb. The test suite starts every in-memory app
   * from one image it migrated once. */
  pgliteImage?: Blob;
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  opts: OpenOptions = {},
): Promise<Database> {
  let count = 0;
  if (config.databaseUrl) {
    const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
    // One pool for Prisma and the raw runner; we own it, so closing it closes every connection.
    const options = poolOptions(config.databaseUrl);
    const pool = new pg.Pool(options);
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const prisma = new PrismaClient({
      adapter: new PrismaPg(pool),
      log: [{ emit: 'event', level: 'query' }],
    });
    onQuery(prisma, () => void count++);
    return {
      prisma,
      sql: pgRunner(pool, { connectionString: options.connectionString }),
      kind: 'postgres',
      queryCount: () => count,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  const dir = config.dataDir;
  let unlock = () => {};
  let lite: PGlite;
  if (dir.startsWith('memory://')) lite = await createPGlite(dir, { loadDataDir: opts.pgliteImage });
  else {
    // One process per PGlite folder (see data-dir-lock.ts). PGlite only initialises an empty folder,
    // so a new one is created first and locked at once, before anything is written to it.
    mkdirSync(dir, { recursive: true });
    const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
    if (!fresh) unlock = lockDataDir(dir);
    try {
      lite = await createPGlite(dir);
    } catch (err) {
      unlock();
      throw err;
    }
    if (fresh) {
      try {
        unlock = lockDataDir(dir);
      } catch (err) {
        await lite.close().catch(() => {});
        throw err;
      }
    }
  }
  const prisma = new PrismaClient({
    // pglite-prisma-adapter bundles its own copy of the adapter types; they match at runtime.
    adapter: new PrismaPGlite(lite) as unknown as PrismaPg,
    log: [{ emit: 'event', level: 'query' }],
  });
  onQuery(prisma, () => void count++);
  return {
    prisma,
    sql: pgliteRunner(lite),
    kind: 'pglite',
    queryCount: () => count,
    async dump() {
      // The checkpoint writes every committed page to the files; the tar is then read from them in
      // one synchronous pass with no query in between (runExclusive), so it is a snapshot of one
      // instant that a PGlite started on it opens as a clean database. Queries wait for that pass
      // only: it is compressed afterwards, on libuv's thread pool.
      await lite.query('CHECKPOINT');
      const tar = await lite.runExclusive(() => lite.dumpDataDir('none'));
      const gz = await gzipAsync(new Uint8Array(await tar.arrayBuffer()));
      return new Blob([gz], { type: 'application/x-gzip' });
    },
    async close() {
      await prisma.$disconnect();
      await lite.close();
      unlock();
    },
  };
}
