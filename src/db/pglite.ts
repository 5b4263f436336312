// Opens the embedded database: the one place PGlite is started, by the server and CLI (client.ts)
// and by `restore` (backup.ts), so every start of a data folder sees the same database.
import type { PGlite } from '@electric-sql/pglite';

/** The database the app's tables live in. PGlite 0.3 (the first releases of this project) used
 * `template1` as its default database; 0.4 defaults to `postgres`, which in a folder written by
 * 0.3 is empty. Naming it keeps those folders, and backups of them, opening with their rows. */
const DATABASE = 'template1';

/** Starts PGlite on `dir` (a folder, or `memory://…`), or on a data-directory tarball. */
export async function createPGlite(dir: string, opts: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dir, {
    database: DATABASE,
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
}
