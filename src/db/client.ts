// Opens the database chosen by the config: PostgreSQL when DATABASE_URL is set, PGlite otherwise.
// Each driver and its Prisma adapter is imported only when chosen, so a start loads one of them.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/client/client';
import type { Config } from '../config';
import { lockDataDir } from './data-dir-lock';
import { pgliteRunner, pgRunner, type SqlRunner } from './sql';

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
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  let count = 0;
  if (config.databaseUrl) {
    const [{ default: pg }, { PrismaPg }] = await Promise.all([import('pg'), import('@prisma/adapter-pg')]);
    // One pool for Prisma and the raw runner; we own it, so closing it closes every connection.
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
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
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
  ]);
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
    async close() {
      await prisma.$disconnect();
      await lite.close();
      unlock();
    },
  };
}
