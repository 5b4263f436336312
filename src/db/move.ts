// `db:move`: copies the embedded PGlite database (DATA_DIR) into a PostgreSQL database, for a
// vendor who outgrows one process. Offline by design: it takes the DATA_DIR lock, so it refuses
// to run while a server runs on that folder (a copy made under a live server would miss the writes
// that land after it, and the switch needs a restart anyway).
//
// The target is migrated first with the project's migrator, so its schema is exactly the one the
// server expects; it must hold no rows (or `replace`, which empties it; never an audit log that has
// entries: that is append-only). Tables are copied parents first (by their foreign keys), in batches
// ordered by primary key, every value as PostgreSQL's own text form cast back to the column's type
// (nothing is reinterpreted in JavaScript: timestamps, JSON, arrays, bigints and sealed secrets
// arrive byte for byte), all in ONE transaction on the target: a failed move leaves it as it was.
// Sequences get the source's values. Then every table is read back from the target and compared
// with the source: rows and a SHA-256 over every row's text, per table.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrate } from './migrate';
import { pgRunner, type SqlRunner } from './sql';

const BATCH = 1000;

export interface Column {
  name: string;
  type: string;
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey: string[];
  /** Tables this one points at (foreign keys), itself excluded. */
  parents: string[];
  identityAlways: boolean;
}

export interface TableResult {
  table: string;
  source: number;
  target: number;
  sourceHash: string;
  targetHash: string;
}

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The application's tables (public schema, without the migrator's own), with what the copy needs. */
export async function describeTables(query: Query): Promise<Table[]> {
  const tables = await query<{ name: string; always: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity = 'a') AS always
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname`,
  );
  const columns = await query<{ table: string; name: string; type: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
  );
  const keys = await query<{ table: string; name: string }>(
    `SELECT c.relname AS table, a.attname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND i.indisprimary
      ORDER BY c.relname, k.ord`,
  );
  const fks = await query<{ child: string; parent: string }>(
    `SELECT DISTINCT c.relname AS child, p.relname AS parent
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND k.contype = 'f' AND c.oid <> p.oid`,
  );
  return tables.map((t) => ({
    name: t.name,
    columns: columns.filter((c) => c.table === t.name).map(({ name, type }) => ({ name, type })),
    primaryKey: keys.filter((k) => k.table === t.name).map((k) => k.name),
    parents: fks.filter((f) => f.child === t.name).map((f) => f.parent),
    identityAlways: t.always,
  }));
}

/** Parents before children. */
export function copyOrder(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: Table[] = [];
  const visit = (t: Table, path: Set<string>) => {
    if (done.has(t.name)) return;
    if (path.has(t.name)) throw new Error(`foreign keys form a cycle through ${t.name}`);
    path.add(t.name);
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (parent) visit(parent, path);
    }
    path.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}

/** Reads a table in primary-key order, BATCH rows at a time, every value as text (null stays null). */
async function* readRows(query: Query, t: Table): AsyncGenerator<(string | null)[][]> {
  const key = t.primaryKey.length > 0 ? t.primaryKey : t.columns.map((c) => c.name);
  const keyIdx = key.map((k) => t.columns.findIndex((c) => c.name === k));
  const typeOf = (name: string) => t.columns.find((c) => c.name === name)!.type;
  const select = t.columns.map((c, i) => `${q(c.name)}::text AS c${i}`).join(', ');
  const order = key.map(q).join(', ');
  let after: (string | null)[] | null = null;
  for (;;) {
    const where: string = after
      ? `WHERE (${order}) > (${key.map((k, i) => `$${i + 1}::${typeOf(k)}`).join(', ')})`
      : '';
    const rows: Record<string, string | null>[] = await query(
      `SELECT ${select} FROM ${q(t.name)} ${where} ORDER BY ${order} LIMIT ${BATCH}`,
      after ?? [],
    );
    if (rows.length === 0) return;
    const values = rows.map((r) => t.columns.map((_, i) => r[`c${i}`] ?? null));
    yield values;
    if (rows.length < BATCH) return;
    after = keyIdx.map((i) => values[values.length - 1]![i]!);
  }
}

/** An order-free digest of a table: the XOR of every row's SHA-256 (rows are unique by their
 * primary key), so the two databases may sort text differently (collations) and still agree. */
class RowDigest {
  private readonly acc = Buffer.alloc(32);
  add(rows: (string | null)[][]): void {
    for (const r of rows) {
      const h = createHash('sha256')
        .update(r.map((v) => (v === null ? '\u0000' : v)).join('\u001f'))
        .digest();
      for (let i = 0; i < 32; i++) this.acc[i]! ^= h[i]!;
    }
  }
  hex(): string {
    return this.acc.toString('hex');
  }
}

/** Rows and a hash of their text, in primary-key order. */
export async function fingerprint(query: Query, t: Table): Promise<{ rows: number; hash: string }> {
  const digest = new RowDigest();
  let rows = 0;
  for await (const batch of readRows(query, t)) {
    digest.add(batch);
    rows += batch.length;
  }
  return { rows, hash: digest.hex() };
}

export interface MoveOptions {
  /** Empty a target that already holds rows (never one whose audit log has entries). */
  replace?: boolean;
  log?: (line: string) => void;
}

const count = async (query: Query, table: string) =>
  (await query<{ n: string }>(`SELECT count(*)::text AS n FROM ${q(table)}`))[0]!.n;

/** Copies every table of `source` (open and migrated) into the PostgreSQL database at `targetUrl`
 * and verifies the copy. Returns one result per table; the caller decides what a mismatch means. */
export async function moveDatabase(
  source: SqlRunner,
  targetUrl: string,
  opts: MoveOptions = {},
): Promise<TableResult[]> {
  const log = opts.log ?? (() => {});
  // Timestamps with a time zone print in the session's zone: both sides print in UTC.
  const pool = new pg.Pool({ connectionString: targetUrl, max: 2, options: '-c TimeZone=UTC' });
  pool.on('error', () => {});
  try {
    const target = pgRunner(pool);
    await migrate(target, (m) => log(`target: ${m}`));
    await source.exec(`SET TimeZone = 'UTC'`);
    const srcQuery: Query = (sql, params) => source.query(sql, params);
    const tgtQuery: Query = (sql, params) => target.query(sql, params);
    const tables = copyOrder(await describeTables(srcQuery));
    const targetTables = new Map((await describeTables(tgtQuery)).map((t) => [t.name, t]));
    for (const t of tables) {
      const other = targetTables.get(t.name);
      const same = other && JSON.stringify(other.columns) === JSON.stringify(t.columns);
      if (!same) throw new Error(`table ${t.name} differs between source and target after migrating both`);
    }
    const occupied: string[] = [];
    for (const t of tables) if ((await count(tgtQuery, t.name)) !== '0') occupied.push(t.name);
    if (occupied.length > 0 && !opts.replace) {
      throw new Error(
        `the target database is not empty (${occupied.slice(0, 5).join(', ')}${occupied.length > 5 ? ', …' : ''} hold rows). Use a new database, or pass --replace to empty it first`,
      );
    }
    if (occupied.includes('AuditEntry')) {
      throw new Error(
        'the target has audit entries, which are append-only: --replace cannot empty it; use a new database',
      );
    }

    const sums = new Map<string, { rows: number; hash: string }>();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (occupied.length > 0) {
        log(`emptying the target: ${occupied.join(', ')}`);
        await client.query(`TRUNCATE ${occupied.map(q).join(', ')} CASCADE`);
      }
      for (const t of tables) {
        const total = Number(await count(srcQuery, t.name));
        const cols = t.columns.map((c) => q(c.name)).join(', ');
        const unnest = t.columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
        const names = t.columns.map((_, i) => `c${i}`);
        const casts = t.columns.map((c, i) => `${names[i]}::${c.type}`).join(', ');
        const insert = `INSERT INTO ${q(t.name)} (${cols}) ${t.identityAlways ? 'OVERRIDING SYSTEM VALUE ' : ''}SELECT ${casts} FROM unnest(${unnest}) AS u(${names.join(', ')})`;
        const digest = new RowDigest();
        let done = 0;
        let shown = 0;
        for await (const batch of readRows(srcQuery, t)) {
          await client.query(
            insert,
            t.columns.map((_, i) => batch.map((r) => r[i])),
          );
          digest.add(batch);
          done += batch.length;
          if (done - shown >= 10_000) {
            log(`  ${t.name}: ${done}/${total}`);
            shown = done;
          }
        }
        sums.set(t.name, { rows: done, hash: digest.hex() });
        log(`copied ${t.name}: ${done} rows`);
      }
      const sequences = await srcQuery<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'S'`,
      );
      for (const { name } of sequences) {
        const [s] = await srcQuery<{ last_value: string; is_called: boolean }>(
          `SELECT last_value::text, is_called FROM ${q(name)}`,
        );
        await client.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [
          q(name),
          s!.last_value,
          s!.is_called,
        ]);
        log(`sequence ${name}: ${s!.last_value}${s!.is_called ? '' : ' (not yet used)'}`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }

    log('verifying: reading every table back from the target');
    const results: TableResult[] = [];
    for (const t of tables) {
      const src = sums.get(t.name)!;
      const tgt = await fingerprint(tgtQuery, t);
      results.push({
        table: t.name,
        source: src.rows,
        target: tgt.rows,
        sourceHash: src.hash,
        targetHash: tgt.hash,
      });
    }
    return results;
  } finally {
    await pool.end();
  }
}

/** The verification table, one line per table. */
export function verificationTable(results: TableResult[]): string[] {
  const w = Math.max(5, ...results.map((r) => r.table.length));
  const lines = [`${'table'.padEnd(w)}  ${'source'.padStart(9)}  ${'target'.padStart(9)}  contents`];
  for (const r of results) {
    const ok = r.source === r.target && r.sourceHash === r.targetHash;
    lines.push(
      `${r.table.padEnd(w)}  ${String(r.source).padStart(9)}  ${String(r.target).padStart(9)}  ${ok ? 'same' : r.source === r.target ? 'DIFFERENT' : 'MISSING ROWS'}`,
    );
  }
  return lines;
}

export const moveVerified = (results: TableResult[]) =>
  results.every((r) => r.source === r.target && r.sourceHash === r.targetHash);
