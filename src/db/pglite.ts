// Opens the embedded database: the one place PGlite is started, by the server and CLI (client.ts)
// and by `restore` (backup.ts), so every start of a data folder sees the same database and settings.
import type { PGlite } from '@electric-sql/pglite';

/** The database the app's tables live in. PGlite 0.3 (the first releases of this project) used
 * `template1` as its default database; 0.4 defaults to `postgres`, which in a folder written by
 * 0.3 is empty. Naming it keeps those folders, and backups of them, opening with their rows. */
const DATABASE = 'template1';

/** PostgreSQL's buffer cache, which is the main cost of PGlite's memory. PGlite 0.3 forced 128MB on
 * its command line; 0.4 takes the folder's postgresql.conf, which says 128MB when 0.4's initdb wrote
 * it and 400kB when 0.3's did. Each MB of it costs 1.2-2 MiB of idle RSS (the pages are touched
 * at start; README, Benchmarks): 128MB put `npm start` near 350 MiB, against a 250 MB target, and
 * buys a single-connection license server little, since validation answers from the app's own
 * cache and pages missing here are read from the OS's file cache. On the command line, it
 * overrides whatever the folder's postgresql.conf says, so every folder runs with the same one. */
const PGLITE_SHARED_BUFFERS = '8MB';

/** Starts PGlite on `dir` (a folder, or `memory://…`), or on a data-directory tarball. */
export async function createPGlite(dir: string, opts: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dir, {
    database: DATABASE,
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
}
