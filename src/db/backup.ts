// Backups of the embedded database: a .tar.gz of the PGlite data directory. Taken while the server
// runs by the server itself (POST /api/v1/admin/backup, which `npm run cli -- backup` calls when
// the DATA_DIR lock says a server holds the folder), or by the CLI directly on a stopped folder.
// Restored only into a folder no server runs on: an empty or new one, never over a database.
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup-error';
import type { Database } from './client';
import { LOCK_FILE, lockDataDir } from './data-dir-lock';
import { createPGlite } from './pglite';

/** The snapshot of an open PGlite database, gzipped tar bytes. */
export async function backupBytes(database: Database): Promise<Uint8Array> {
  if (!database.dump) {
    throw new Error('backups here are of the embedded database (PGlite); for PostgreSQL use pg_dump');
  }
  return new Uint8Array(await (await database.dump()).arrayBuffer());
}

/** Unpacks a backup into `dir`, which must be empty or absent, and checks that it opens as a
 * migrated database. Returns the number of migrations it holds. */
export async function restoreDataDir(file: string, dir: string): Promise<number> {
  if (dir.startsWith('memory://')) throw new Error('DATA_DIR is in memory: restore into a folder');
  mkdirSync(dir, { recursive: true });
  const present = readdirSync(dir);
  if (present.includes(LOCK_FILE)) lockDataDir(dir)(); // refuses while a server runs there
  if (present.filter((f) => f !== LOCK_FILE).length > 0) {
    throw new StartupError(
      `DATA_DIR ${dir} is not empty`,
      'Restore into a new folder (set DATA_DIR to it), then start the server there',
    );
  }
  const bytes = readFileSync(file);
  const blob = new Blob([bytes], { type: 'application/x-gzip' });
  const lite = await createPGlite(dir, { loadDataDir: blob });
  // The snapshot carries the lock file of the server that wrote it: not ours.
  const stale = path.join(dir, LOCK_FILE);
  if (existsSync(stale)) unlinkSync(stale);
  const unlock = lockDataDir(dir);
  try {
    const [row] = (
      await lite.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
      )
    ).rows;
    return row?.n ?? 0;
  } finally {
    await lite.close();
    unlock();
  }
}
