// `npm run soak`: three instances on a fresh PostgreSQL database and a Redis of the soak's own,
// behind a round-robin proxy, under a mixed load for SOAK_SECONDS (default 180; `--seconds N`),
// with one fault per phase: kill -9 an instance and restart it, restart Redis, take the webhook
// receiver down, and restart an instance with a one-connection pool. Then a clean stop of every
// instance and the invariants (soak-report.ts); exits 1 when one breaks.
import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import rebuildIfStale from '../helpers/builds';
import { freePort } from '../helpers/redis-server';
import { freshPgDatabase, onCleanup, runCleanups } from './lib';
import { api } from './seed';
import { commitsBySource } from './soak-pg-log';
import { Instance, SoakReceiver, SoakRedis, startProxy } from './soak-cluster';
import { type SoakLicense, SoakLoad } from './soak-load';
import { readMemory } from './soak-memory';
import {
  checkAndReport,
  type Counters,
  type FaultLog,
  redisCommandStats,
  redisCommands,
  pgCounters,
} from './soak-report';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seconds(): number {
  const i = process.argv.indexOf('--seconds');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.SOAK_SECONDS;
  const n = Number(raw ?? 180);
  if (!Number.isFinite(n) || n < 30) throw new Error(`SOAK_SECONDS must be a number ≥ 30, got ${raw}`);
  return n;
}

const LICENSES = Number(process.env.SOAK_LICENSES ?? 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const PG_BASE = process.env.SOAK_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** The PostgreSQL server's log, read after a SOAK_PG_LOG=1 run (Debian's, by default). */
const PG_LOG_FILE = process.env.SOAK_PG_LOG_FILE ?? '/var/log/postgresql/postgresql-15-main.log';

async function seed(base: string, apiKey: string, receiver: SoakReceiver): Promise<SoakLicense[]> {
  const { webhook, secret } = await api(base, apiKey, 'POST', '/api/v1/webhooks', {
    url: await receiver.url,
    events: ['license.activated', 'license.deactivated', 'license.updated'],
  });
  receiver.secret = secret;
  void webhook;
  const { product } = await api(base, apiKey, 'POST', '/api/v1/products', { name: 'Soak' });
  const out: SoakLicense[] = [];
  let next = 0;
  const worker = async () => {
    while (next < LICENSES) {
      const i = next++;
      const floating = i % 5 === 0;
      const maxActivations = floating ? 2 : 1 + (i % 3);
      const { license } = await api(base, apiKey, 'POST', '/api/v1/licenses', {
        product_id: product.id,
        type: floating ? 'floating' : 'perpetual',
        max_activations: maxActivations,
        ...(floating ? { lease_duration: 30 } : {}),
      });
      out.push({ id: license.id, key: license.key, floating, maxActivations });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

async function main() {
  const total = seconds();
  const started = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), 'to-soak-'));
  console.log(`soak: ${total} s, ${LICENSES} licenses, ${CONCURRENCY} workers; logs in ${logDir}`);

  rebuildIfStale(); // src/dist, which the instances run, when a source is newer
  const redis = new SoakRedis(await freePort());
  await redis.up();
  onCleanup(() => redis.kill());
  const db = await freshPgDatabase(PG_BASE);
  if (process.env.SOAK_PG_LOG === '1') await logStatements(db, logDir);
  const receiver = new SoakReceiver();
  await receiver.up();
  onCleanup(() => receiver.down());

  const env = { databaseUrl: db.url, redisUrl: redis.url, logDir };
  const instances = [
    new Instance('a', await freePort(), env),
    new Instance('b', await freePort(), env),
    new Instance('c', await freePort(), env),
  ];
  onCleanup(async () => {
    for (const i of instances) await i.kill9();
  });
  // The first one migrates and bootstraps the empty database; the others start on it.
  const head = await instances[0]!.start();
  const apiKey = /live API key\s+(\S+)/.exec(head)?.[1];
  if (!apiKey) throw new Error(`no bootstrap key in the first instance's output:\n${head}`);
  await Promise.all(instances.slice(1).map((i) => i.start()));
  const proxy = await startProxy(instances);
  onCleanup(() => proxy.close());
  console.log(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s; seeding`);
  const licenses = await seed(proxy.url, apiKey, receiver);

  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const counters: Counters = { pg: [], redis: [] };
  if (process.env.SOAK_PG_LOG === '1')
    console.log(
      `soak: the checking connection is pid ${(await admin.query('SELECT pg_backend_pid() AS p')).rows[0].p}`,
    );
  const sample = async (label: string) => {
    counters.pg.push({ label, at: Date.now(), ...(await pgCounters(admin, db.name)) });
    if (process.env.SOAK_PG_LOG === '1') console.log(`soak: sample ${label} at ${new Date().toISOString()}`);
    counters.redis.push({ label, at: Date.now(), commands: await redisCommands(redis.port) });
  };

  const load = new SoakLoad(proxy.url, apiKey, licenses, CONCURRENCY);
  const faults: FaultLog = {};
  const phaseMs = (f: number) => Math.max(5000, Math.round(total * 1000 * f));
  const receiverDownMs = Math.min(30_000, Math.max(5000, Math.round((total * 1000) / 6)));
  const holdUntil = async (t0: number, ms: number) => sleep(Math.max(0, t0 + ms - Date.now()));

  load.start();
  await sleep(2000);
  // Instance a is never restarted: its heap is snapshotted here (in the warm-up, whose pause the
  // measured phases do not see) and at the end of the load.
  const memStart = await readMemory(instances, instances[0]!, logDir, 'start');
  await sample('start');
  load.newPhase('baseline');
  let t0 = Date.now();
  await holdUntil(t0, phaseMs(0.15));

  load.newPhase('kill -9 b');
  t0 = Date.now();
  faults.killedAt = Date.now();
  faults.killed = 'b';
  await instances[1]!.kill9();
  await sleep(1000);
  await instances[1]!.start();
  faults.restartedAt = Date.now();
  await holdUntil(t0, phaseMs(0.2));

  load.newPhase('redis restart');
  t0 = Date.now();
  await sample('before redis restart');
  await redis.kill('SIGKILL');
  faults.redisDownAt = Date.now();
  await sleep(3000);
  await redis.up();
  faults.redisUpAt = Date.now();
  counters.redis.push({ label: 'redis restarted', at: Date.now(), commands: 0, reset: true });
  await holdUntil(t0, phaseMs(0.15));

  load.newPhase('webhooks down');
  t0 = Date.now();
  await receiver.down();
  faults.receiverDownAt = Date.now();
  await sleep(receiverDownMs);
  await receiver.up();
  faults.receiverUpAt = Date.now();
  await holdUntil(t0, Math.max(phaseMs(0.2), receiverDownMs + 2000));

  load.newPhase('pool squeeze c');
  t0 = Date.now();
  await instances[2]!.stop();
  await instances[2]!.start({ connection_limit: '1' });
  faults.squeezedAt = Date.now();
  await holdUntil(t0, phaseMs(0.2));
  await instances[2]!.stop();
  await instances[2]!.start();
  faults.unsqueezedAt = Date.now();

  load.newPhase('recovery');
  await sleep(phaseMs(0.1));
  await sample('end of load');
  counters.redisStats = await redisCommandStats(redis.port);
  await load.stop();
  const memEnd = await readMemory(instances, instances[0]!, logDir, 'end');

  // Webhooks drain while the instances still run; then the clean stop that must lose no usage.
  const drainStart = Date.now();
  const drained = await drainWebhooks(admin, 90_000);
  const drainMs = Date.now() - drainStart;
  const exitCodes = [];
  for (const i of instances) exitCodes.push(await i.stop());
  const ok = await checkAndReport({
    admin,
    load,
    receiver,
    instances,
    faults,
    resent: proxy.resent(),
    counters,
    memory: {
      start: memStart.readings,
      end: memEnd.readings,
      snapshots: [memStart.snapshot, memEnd.snapshot],
      watched: instances[0]!.name,
    },
    drained,
    drainMs,
    exitCodes,
    licenses,
  });
  await admin.end();
  if (process.env.SOAK_PG_LOG === '1') {
    const from = new Date(counters.pg[0]!.at).toISOString();
    const to = new Date(counters.pg[counters.pg.length - 1]!.at).toISOString();
    const args = [PG_LOG_FILE, db.name, join(logDir, 'pg-pids.tsv'), from, to];
    console.log(
      `\nPostgreSQL commits by source in the same window (npx tsx test/bench/soak-pg-log.ts ${args.join(' ')})`,
    );
    if (existsSync(PG_LOG_FILE)) commitsBySource(...(args as [string, string, string, string, string]));
    else console.log(`(no server log at ${PG_LOG_FILE}: set SOAK_PG_LOG_FILE)`);
  }
  console.log(`soak finished in ${((Date.now() - started) / 1000).toFixed(0)} s; logs in ${logDir}`);
  await runCleanups();
  process.exit(ok ? 0 : 1);
}

/** SOAK_PG_LOG=1: the server logs every statement on the soak's database (its log, with the
 * cluster's log_line_prefix; the pid tells the connections apart), to count commits by source.
 * Set on the database, so it applies to its connections only and goes with it when dropped. */
async function logStatements(db: { name: string; url: string }, logDir: string) {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query(`ALTER DATABASE ${db.name} SET log_statement = 'all'`);
  } finally {
    await c.end();
  }
  // Which instance each backend pid serves (its application_name), polled from a connection to
  // the base database, so the polling adds no commits to the soak's.
  const pids = new Map<number, string>();
  const poller = new pg.Client({ connectionString: PG_BASE });
  await poller.connect();
  const file = join(logDir, 'pg-pids.tsv');
  const timer = setInterval(() => {
    poller
      .query(`SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname = $1`, [db.name])
      .then((r) => {
        for (const { pid, app } of r.rows)
          if (!pids.has(pid)) {
            pids.set(pid, app);
            appendFileSync(file, `${pid}\t${app}\n`);
          }
      })
      .catch(() => {});
  }, 200);
  onCleanup(async () => {
    clearInterval(timer);
    await poller.end();
  });
  console.log(`soak: logging every statement on ${db.name} (SOAK_PG_LOG=1); backend pids in ${file}`);
}

/** Waits until no delivery is pending (bounded); true when none is. */
async function drainWebhooks(admin: pg.Client, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await admin.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status = 'pending'`);
    if (r.rows[0].n === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

main().catch(async (err) => {
  console.error(err);
  await runCleanups();
  process.exit(2);
});
