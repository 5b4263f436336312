// The project's own migrator (Prisma's `migrate deploy` cannot run here; see README). Applies
// prisma/migrations/*/migration.sql in order, one transaction per migration, and records each in
// `_prisma_migrations` in Prisma's own shape so the stock tool would accept the history.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlRunner } from './sql';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');
const LOCK_ID = 727_274_001;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, 'migration.sql')))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  total: number;
}

export async function migrate(
  db: SqlRunner,
  log: (msg: string) => void = () => {},
  migrations = readMigrations(),
): Promise<MigrateResult> {
  return db.withAdvisoryLock(LOCK_ID, async () => {
    await db.exec(CREATE_TABLE);
    const rows = await db.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const pending = migrations.filter((m) => !done.has(m.name));
    for (const m of migrations) {
      const sum = done.get(m.name);
      if (sum && sum !== m.checksum) {
        throw new Error(`migration ${m.name} was changed after it was applied (checksum mismatch)`);
      }
    }
    const applied: string[] = [];
    for (const [i, m] of pending.entries()) {
      log(`applying migration ${i + 1}/${pending.length}: ${m.name}`);
      const started = Date.now();
      await db.transaction(async (tx) => {
        await tx.exec(m.sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, now(), 1)`,
          [randomUUID(), m.checksum, m.name, new Date(started)],
        );
      });
      log(`applied ${m.name} in ${Date.now() - started} ms`);
      applied.push(m.name);
    }
    return { applied, total: migrations.length };
  });
}

/** True when every checked-in migration has been applied (used by /ready). */
export async function migrationsApplied(db: SqlRunner, migrations = readMigrations()): Promise<boolean> {
  try {
    const rows = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return (rows[0]?.n ?? 0) >= migrations.length;
  } catch {
    return false;
  }
}
