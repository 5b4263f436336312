// PostgreSQL's autovacuum for the embedded database. PGlite runs PostgreSQL in single-user mode,
// where the autovacuum launcher never starts: without this job no table is ever vacuumed or
// analysed. Dead row versions then pile up in every table that is updated (deliveries, leases,
// licenses), the planner works without statistics (the webhook claim read every pending row and
// sorted them, 23-38 ms a claim with 20,000 pending, where an index scan takes 1 ms), and
// transaction ids are never frozen, so a busy folder would run into wraparound about 2^31 writing
// transactions in, after months: PostgreSQL's stop (refusing writes) applies under a postmaster
// only; single-user mode just warns, and old rows would turn invisible.
//
// The job applies autovacuum's own rules (its default thresholds) to pg_stat_user_tables: VACUUM a
// table whose dead rows or inserts since its last vacuum pass the threshold, ANALYZE one whose
// changes since its last analyse do, and VACUUM the whole database (the catalogs too) once its
// oldest unfrozen transaction id is older than autovacuum_freeze_max_age. On PostgreSQL
// (DATABASE_URL) the server's own autovacuum does this and the job is not registered.
//
// PGlite runs on the server's thread, so a VACUUM holds up requests that need the database while it
// runs (validation answers from the license cache meanwhile): 130-380 ms for a table of a million
// rows, less for smaller ones (README, Architecture).
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';

/** autovacuum's defaults (autovacuum_vacuum_threshold and _scale_factor, the insert and analyse ones). */
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
const INSERT_BASE = 1000;
const INSERT_SCALE = 0.2;
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;
/** autovacuum_naptime's default. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

interface TableStats {
  table: string;
  live: number;
  dead: number;
  inserted: number;
  modified: number;
}

export interface MaintenanceRun {
  vacuumed: string[];
  analysed: string[];
  /** The whole database was vacuumed to freeze old transaction ids. */
  froze: boolean;
  ms: number;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** One pass of the rules above; what it did. */
export async function maintainEmbedded(deps: Pick<Deps, 'database' | 'logger'>): Promise<MaintenanceRun> {
  const sql = deps.database.sql;
  const started = performance.now();
  // Counters reach pg_stat_* when a backend reports them (at most once a second, lazily in
  // single-user mode); ask for it now so that this pass sees what was written until now.
  await sql.query('SELECT pg_stat_force_next_flush()');
  const [freeze] = await sql.query<{ old: boolean }>(
    `SELECT age(datfrozenxid) > current_setting('autovacuum_freeze_max_age')::int AS old
     FROM pg_database WHERE datname = current_database()`,
  );
  const stats = await sql.query<TableStats>(
    `SELECT relname AS "table", n_live_tup::float8 AS live, n_dead_tup::float8 AS dead,
       n_ins_since_vacuum::float8 AS inserted, n_mod_since_analyze::float8 AS modified
     FROM pg_stat_user_tables WHERE schemaname = 'public'`,
  );
  const run: MaintenanceRun = { vacuumed: [], analysed: [], froze: false, ms: 0 };
  if (freeze?.old) {
    await sql.exec('VACUUM (FREEZE, ANALYZE)');
    run.froze = true;
  } else {
    for (const t of stats) {
      const vacuum =
        t.dead > VACUUM_BASE + VACUUM_SCALE * t.live || t.inserted > INSERT_BASE + INSERT_SCALE * t.live;
      const analyse = t.modified > ANALYZE_BASE + ANALYZE_SCALE * t.live;
      if (vacuum) {
        await sql.exec(`VACUUM ${analyse ? '(ANALYZE) ' : ''}${quoted(t.table)}`);
        run.vacuumed.push(t.table);
      } else if (analyse) {
        await sql.exec(`ANALYZE ${quoted(t.table)}`);
      }
      if (analyse) run.analysed.push(t.table);
    }
  }
  run.ms = Math.round(performance.now() - started);
  if (run.froze || run.vacuumed.length || run.analysed.length) {
    // A pass that held the thread for long is worth a line at the default level.
    const level = run.ms >= 250 ? 'info' : 'debug';
    deps.logger[level]({ component: 'db-maintenance', ...run }, 'embedded database vacuumed and analysed');
  }
  return run;
}

export const embeddedMaintenanceJob = (deps: Deps): Job => ({
  name: 'db-maintenance',
  intervalMs: MAINTENANCE_INTERVAL_MS,
  run: () => maintainEmbedded(deps),
});
