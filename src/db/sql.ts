// A minimal raw-SQL runner over either driver, for the migrator and the few statements that
// Prisma cannot express. Prisma itself runs through the matching driver adapter.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface SqlRunner {
  kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs fn on one connection inside BEGIN/COMMIT. */
  transaction<T>(fn: (tx: Pick<SqlRunner, 'query' | 'exec'>) => Promise<T>): Promise<T>;
  /** Runs fn while holding a session-level advisory lock (PostgreSQL); PGlite has one connection. */
  withAdvisoryLock<T>(lockId: number, fn: () => Promise<T>): Promise<T>;
}

export function pgliteRunner(db: PGlite): SqlRunner {
  const runner: SqlRunner = {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query(sql, params as unknown[])).rows as T[];
    },
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(fn) {
      return db.transaction((tx) =>
        fn({
          query: async <T>(sql: string, params?: unknown[]) =>
            (await tx.query(sql, params as unknown[])).rows as T[],
          exec: async (sql: string) => {
            await tx.exec(sql);
          },
        }),
      );
    },
    withAdvisoryLock: (_id, fn) => fn(),
  };
  return runner;
}

/** `lockConnection` is how to open the connection that holds an advisory lock: its own, outside the
 * pool, because what runs under the lock queries through the pool. Holding a pooled connection
 * instead deadlocked a one-connection pool (DATABASE_URL `connection_limit=1`) at start. */
export function pgRunner(pool: pg.Pool, lockConnection: pg.ClientConfig): SqlRunner {
  return {
    kind: 'postgres',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
          exec: async (sql: string) => {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(lockId, fn) {
      const client = new pg.Client(lockConnection);
      // A dropped lock connection must not crash the process (its query rejects instead).
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [lockId]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [lockId]);
        }
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
