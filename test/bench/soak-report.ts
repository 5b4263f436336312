// The soak's checks and its table: the invariants read from the database and the receiver after a
// clean stop, 5xx by phase and cause, RSS per instance, throughput and p99 per phase, and the
// capacity model's prediction beside what PostgreSQL and Redis counted.
import { createConnection } from 'node:net';
import type pg from 'pg';
import type { Instance, SoakReceiver } from './soak-cluster';
import { type PhaseStats, KEY_OPS, percentile, type SoakLicense, type SoakLoad } from './soak-load';
import { type MemoryReport, printMemory } from './soak-memory';
import { predict } from './soak-model';

export interface FaultLog {
  killed?: string;
  killedAt?: number;
  restartedAt?: number;
  redisDownAt?: number;
  redisUpAt?: number;
  receiverDownAt?: number;
  receiverUpAt?: number;
  squeezedAt?: number;
  unsqueezedAt?: number;
}

export interface PgSample {
  label: string;
  at: number;
  commits: number;
  rowsWritten: number;
}
export interface RedisSample {
  label: string;
  at: number;
  commands: number;
  /** The counter restarted from zero here (Redis was restarted). */
  reset?: boolean;
}
export interface Counters {
  pg: PgSample[];
  redis: RedisSample[];
  /** Redis calls per command since its restart, at the end of the load. */
  redisStats?: string;
}

export async function pgCounters(admin: pg.Client, db: string) {
  const r = await admin.query(
    `SELECT xact_commit::bigint AS c, (tup_inserted + tup_updated + tup_deleted)::bigint AS w
       FROM pg_stat_database WHERE datname = $1`,
    [db],
  );
  return { commits: Number(r.rows[0].c), rowsWritten: Number(r.rows[0].w) };
}

/** One INFO section over a raw connection (RESP bulk string). */
function redisInfo(port: number, section: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection(port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      const m = /^\$(\d+)\r\n/.exec(buf);
      if (m && Buffer.byteLength(buf) >= m[0].length + Number(m[1])) {
        s.destroy();
        resolve(buf.slice(m[0].length));
      }
    });
    s.on('error', reject);
    s.write(`INFO ${section}\r\n`);
  });
}

/** INFO stats total_commands_processed. */
export async function redisCommands(port: number): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redisInfo(port, 'stats'))?.[1] ?? NaN);
}

/** Calls per command since Redis (re)started, most first: "evalsha 1234, publish 56". */
export async function redisCommandStats(port: number): Promise<string> {
  const info = await redisInfo(port, 'commandstats');
  return [...info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)]
    .sort((a, b) => Number(b[2]) - Number(a[2]))
    .slice(0, 8)
    .map((m) => `${m[1]} ${m[2]}`)
    .join(', ');
}

export interface ReportInput {
  admin: pg.Client;
  load: SoakLoad;
  receiver: SoakReceiver;
  instances: Instance[];
  faults: FaultLog;
  /** Requests the proxy sent again after a reset kept-alive socket (soak-cluster.ts startProxy). */
  resent: number;
  counters: Counters;
  memory: MemoryReport;
  drained: boolean;
  drainMs: number;
  exitCodes: (number | null)[];
  licenses: SoakLicense[];
}

const SUBSCRIBED = ['license.activated', 'license.deactivated', 'license.updated'];

/** Which 5xx (and unanswered requests, status 0) a phase's fault explains. */
function explains(phase: string, status: number): string | null {
  if (phase.startsWith('kill -9') && (status === 502 || status === 0)) return 'instance killed mid-request';
  if (phase.startsWith('pool squeeze') && (status === 502 || status === 0))
    return 'instance restarted (clean stop)';
  if (phase.startsWith('pool squeeze') && status >= 500) return 'one-connection pool';
  return null;
}

export async function checkAndReport(r: ReportInput): Promise<boolean> {
  const { admin, load, receiver, faults } = r;
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const q = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params)).rows;

  // 1–2. Seats: never over the limit; the stored count is the number of rows.
  const seats = await q(`
    SELECT l.id, l."maxActivations" AS max, l."activationCount" AS count, COALESCE(a.n, 0)::int AS rows
      FROM "License" l LEFT JOIN (SELECT "licenseId", count(*) AS n FROM "Activation" GROUP BY 1) a
        ON a."licenseId" = l.id`);
  const over = seats.filter((s) => s.rows > s.max || s.count > s.max);
  const drift = seats.filter((s) => s.count !== s.rows);
  const activations = seats.reduce((n, s) => n + s.rows, 0);
  check('no license over its limit', over.length === 0, `${over.length} of ${seats.length} over`);
  check(
    'activationCount = activation rows',
    drift.length === 0,
    drift.length === 0
      ? `${seats.length} licenses, ${activations} activations`
      : `${drift.length} differ, e.g. ${JSON.stringify(drift.slice(0, 3))}`,
  );

  // 3. Webhooks: each committed event of a subscribed type has one delivery, delivered, and the
  // receiver answered it 2xx; no delivery id succeeded twice (except a send cut by the kill -9).
  const evs = await q(
    `SELECT e.id, e.type, d.id AS did, d.status FROM "Event" e LEFT JOIN "WebhookDelivery" d ON d."eventId" = e.id
      WHERE e.type = ANY($1)`,
    [SUBSCRIBED],
  );
  const byEvent = new Map<string, { did: string | null; status: string | null }[]>();
  for (const e of evs) byEvent.set(e.id, [...(byEvent.get(e.id) ?? []), { did: e.did, status: e.status }]);
  let missing = 0;
  let undelivered = 0;
  let unseen = 0;
  for (const ds of byEvent.values()) {
    if (ds.length !== 1 || !ds[0]!.did) missing++;
    else if (ds[0]!.status !== 'delivered') undelivered++;
    else if (!receiver.successes.has(ds[0]!.did)) unseen++;
  }
  const strays = await q(
    `SELECT count(*)::int AS n FROM "WebhookDelivery" d JOIN "Event" e ON e.id = d."eventId" WHERE NOT (e.type = ANY($1))`,
    [SUBSCRIBED],
  );
  check(
    'every subscribed event delivered',
    missing + undelivered + unseen === 0 && strays[0].n === 0 && r.drained,
    `${byEvent.size} events; ${missing} without a delivery, ${undelivered} not delivered, ${unseen} never seen ` +
      `by the receiver, ${strays[0].n} for unsubscribed types; drained in ${(r.drainMs / 1000).toFixed(1)} s` +
      (r.drained ? '' : ' (NOT drained)'),
  );
  let dupes = 0;
  let dupesByKill = 0;
  for (const [id, n] of receiver.successes) {
    if (n < 2) continue;
    const first = receiver.firstSuccessAt.get(id) ?? 0;
    // A send the killed instance made but never recorded is retried: at-least-once.
    if (faults.killedAt && first <= faults.killedAt && first > faults.killedAt - 10_000) dupesByKill += n - 1;
    else dupes += n - 1;
  }
  check(
    'at most one success per delivery id',
    dupes === 0 && receiver.badSignatures === 0,
    `${receiver.successes.size} ids, ${receiver.requests} requests; ${dupes} double successes` +
      `, ${dupesByKill} resent after the kill -9; ${receiver.badSignatures} bad signatures`,
  );

  // 4. Usage: after the clean stop, every answered key-route request is a counted usage row. The
  // kill -9 may lose what the killed instance had not flushed (its last second or two).
  const usage = await q(`SELECT kind, sum(count)::int AS n FROM "UsageRecord" GROUP BY kind`);
  const stored = new Map(usage.map((u) => [u.kind as string, u.n as number]));
  let expected = 0;
  let got = 0;
  const perKind: string[] = [];
  for (const op of KEY_OPS) {
    const e = load.usageByKind.get(op) ?? 0;
    const g = stored.get(op) ?? 0;
    expected += e;
    got += g;
    perKind.push(`${op} ${g}/${e}`);
  }
  const mayLose =
    faults.killed && faults.killedAt
      ? load.answeredBetween(faults.killed, faults.killedAt - 2000, faults.killedAt)
      : 0;
  const cleanExit = r.exitCodes.every((c) => c === 0);
  check(
    'no usage lost across a clean stop',
    got >= expected - mayLose && got <= expected + load.unanswered + r.resent && cleanExit,
    `${got} stored of ${expected} answered (${perKind.join(', ')}); the kill -9 may lose ≤ ${mayLose}, ` +
      `≤ ${load.unanswered} unanswered may count, ≤ ${r.resent} resent by the proxy may count twice; ` +
      `exit codes ${r.exitCodes.join(',')}`,
  );

  // 5. 5xx by phase and cause.
  const errors: string[] = [];
  let unexplained = 0;
  for (const p of load.phases) {
    for (const [k, n] of p.byStatus) {
      const status = Number(k.split(' ')[1]);
      if (status !== 0 && status < 500) continue;
      const why = explains(p.name, status);
      if (!why) unexplained += n;
      errors.push(`${p.name}: ${k} ×${n} (${why ?? 'UNEXPLAINED'})`);
    }
  }
  check('no 5xx the faults do not explain', unexplained === 0, errors.length ? errors.join('; ') : 'none');

  printTable(
    'Invariants',
    ['check', 'result', 'detail'],
    checks.map((c) => [c.name, c.ok ? 'ok' : 'FAIL', c.detail]),
  );
  printPhases(load.phases);
  printMemory(r.memory, r.instances, printTable);
  await printModel(r);
  return checks.every((c) => c.ok);
}

function printPhases(phases: PhaseStats[]) {
  const rows = phases
    .filter((p) => p.latencies.length > 0)
    .map((p) => {
      const secs = Math.max(0.001, (p.endedAt - p.startedAt) / 1000);
      const statuses = [...p.byStatus.entries()].reduce(
        (m, [k, n]) => m.set(k.split(' ')[1]!, (m.get(k.split(' ')[1]!) ?? 0) + n),
        new Map<string, number>(),
      );
      return [
        p.name,
        secs.toFixed(0),
        String(p.latencies.length),
        (p.latencies.length / secs).toFixed(0),
        percentile(p.latencies, 50).toFixed(1),
        percentile(p.latencies, 99).toFixed(1),
        [...statuses.entries()]
          .sort()
          .map(([s, n]) => `${s}:${n}`)
          .join(' '),
      ];
    });
  printTable('Phases', ['phase', 's', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'statuses'], rows);
}

async function printModel(r: ReportInput) {
  const { counters, load, admin } = r;
  const first = counters.pg[0]!;
  const last = counters.pg[counters.pg.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  // The answers inside the measured window: every phase after the warm-up.
  const answers = new Map<string, number>();
  for (const p of load.phases.slice(1))
    for (const [k, n] of p.byStatus) answers.set(k, (answers.get(k) ?? 0) + n);
  const since = new Date(first.at).toISOString();
  const until = new Date(last.at).toISOString();
  const one = async (sql: string) => Number((await admin.query(sql, [since, until])).rows[0].n);
  const deliveries = await one(
    `SELECT count(*) AS n FROM "WebhookDelivery" WHERE "createdAt" BETWEEN $1 AND $2`,
  );
  const failedEvents = await one(
    `SELECT count(*) AS n FROM "Event" WHERE type = 'validation.failed' AND "createdAt" BETWEEN $1 AND $2`,
  );
  const reaped = await one(
    `SELECT count(*) AS n FROM "Event" WHERE type = 'license.deactivated' AND data->>'reason' = 'lease_expired'
        AND "createdAt" BETWEEN $1 AND $2`,
  );
  const p = predict({
    answers,
    seconds,
    instances: r.instances.length,
    // Every start after each instance's first is a restart inside the window.
    starts: r.instances.reduce((n, i) => n + i.starts - 1, 0),
    licenses: r.licenses.length,
    cacheTtlMs: 5000, // TO_LICENSE_CACHE_TTL_MS's default; the soak does not set it
    deliveries,
    validationFailedEvents: failedEvents,
    reaped,
  });
  let redisMeasured = 0;
  for (let i = 1; i < counters.redis.length; i++) {
    const s = counters.redis[i]!;
    if (!s.reset) redisMeasured += s.commands - counters.redis[i - 1]!.commands;
  }
  // The segment lost with the restarted Redis (from the sample before it to the kill) is not counted.
  const restart = counters.redis.findIndex((s) => s.reset);
  const lostMs = restart > 0 ? (r.faults.redisDownAt ?? 0) - counters.redis[restart - 1]!.at : 0;
  const redisSeconds =
    seconds - Math.max(0, lostMs) / 1000 - ((r.faults.redisUpAt ?? 0) - (r.faults.redisDownAt ?? 0)) / 1000;
  const rate = (n: number, s: number) => (n / s).toFixed(0);
  printTable(
    `Capacity model at the soak's scale (${seconds.toFixed(0)} s measured, ${r.instances.length} instances)`,
    ['quantity', 'predicted /s', 'measured /s', 'measured / predicted'],
    [
      [
        'PostgreSQL commits',
        rate(p.pgCommits, seconds),
        rate(last.commits - first.commits, seconds),
        ((last.commits - first.commits) / p.pgCommits).toFixed(2),
      ],
      ['PostgreSQL rows written', '-', rate(last.rowsWritten - first.rowsWritten, seconds), '-'],
      [
        'Redis commands',
        rate(p.redisCommands, seconds),
        rate(redisMeasured, redisSeconds),
        (redisMeasured / redisSeconds / (p.redisCommands / seconds)).toFixed(2),
      ],
      ['webhook deliveries', '-', rate(deliveries, seconds), '-'],
    ],
  );
  const perSecond = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / seconds).toFixed(1)}`)
      .join(', ');
  console.log(
    `PostgreSQL commits predicted by source (/s): ${perSecond(p.pgBySource)}; ` +
      `validate cache misses ${(p.missShare * 100).toFixed(0)} %`,
  );
  console.log(`Answers in the window (/s): ${perSecond(answers)}`);
  if (counters.redisStats) console.log(`Redis calls by command since its restart: ${counters.redisStats}`);
  if (p.unmodelled > 0) console.log(`(${p.unmodelled} answers of kinds the model does not price)`);
}

function printTable(title: string, head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
