// Opens the database chosen by the config: PostgreSQL when DATABASE_URL is set, PGlite otherwise.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../prisma/generated/client/client';
import type { Config } from '../config';
import { lockDataDir } from './data-dir-lock';
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

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  let count = 0;
  if (config.databaseUrl) {
    // One pool for Prisma and the raw runner; we own it, so closing it closes every connection.
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 20,
      // A database that does not answer is an outage (503), not a request that hangs forever.
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection dropped by the server must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const prisma = new PrismaClient({
      adapter: new PrismaPg(pool),
      log: [{ emit: 'event', level: 'query' }],
    });
    onQuery(prisma, () => void count++);
    return {
      prisma,
      sql: pgRunner(pool),
      kind: 'postgres',
      queryCount: () => count,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const dir = config.dataDir;
  let unlock = () => {};
  let lite: PGlite;
  if (dir.startsWith('memory://')) lite = await PGlite.create(dir);
  else {
    // One process per PGlite folder (see data-dir-lock.ts). PGlite only initialises an empty folder,
    // so a new one is created first and locked at once, before anything is written to it.
    mkdirSync(dir, { recursive: true });
    const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
    if (!fresh) unlock = lockDataDir(dir);
    try {
      lite = await PGlite.create(dir);
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
