// The webhooks benchmark: how many deliveries per second one instance's dispatcher sends to a local
// receiver that answers at once, next to the raw undici request rate to the same receiver.
//
// The receiver is the bare node:http server of server.ts (`baseline` mode: it parses the JSON body
// and answers 200) in its own process. The app runs in this process with its jobs off: N pending
// deliveries are written through recordEvents (the outbox), then the dispatcher is scheduled and
// timed until its N-th delivery is recorded as delivered. Each figure is taken after a warm-up.
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { buildApp } from '../../src/app';
import { maintainEmbedded } from '../../src/db/maintenance';
import { type Config, testConfig } from '../../src/config';
import { type EventInput, recordEvents } from '../../src/events/events.service';
import { eventPayload } from '../../src/events/events.views';
import { systemCaller } from '../../src/lib/principal';
import { Scheduler } from '../../src/jobs/scheduler';
import { newId } from '../../src/lib/ids';
import { deliveryHeaders } from '../../src/webhooks/signing';
import { createWebhook } from '../../src/webhooks/webhooks.service';
import { type BenchOptions, freshPgDatabase, machineFacts, startServer, tempDir } from './lib';

export interface Figure {
  name: string;
  perSec: number;
  count: number;
  seconds: number;
  concurrency: number;
  errors: number;
  /** CPU time (user + system) of this process per item over the timed part, in µs: steadier than
   * the rate on a busy machine. For the dispatcher rows it is the app's own cost (the receiver runs
   * in another process); for the raw rows, the client's. */
  cpuUs?: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Sends before each timed part: enough for undici's and the dispatcher's code to be optimised (with
 * 200, raw undici ran at a quarter of its warm rate, which flattered the dispatcher's ratio). */
const WARMUP = 2000;

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

/** A payload shaped like a real license.activated body. */
function samplePayload(): string {
  return JSON.stringify(
    eventPayload({
      id: newId('evt'),
      type: 'license.activated',
      createdAt: new Date(),
      data: {
        licenseId: newId('lic'),
        machineId: newId('mach'),
        productId: newId('prod'),
        deviceId: 'bench-device',
        label: null,
        platform: null,
      },
    }),
  );
}

/** Raw undici: `count` signed POSTs of one payload, `concurrency` at a time, one pooled Agent. */
async function undiciRate(url: string, count: number, concurrency: number): Promise<Figure> {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const payload = samplePayload();
  const { origin, pathname } = new URL(url);
  const run = async (n: number) => {
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const d = { id: newId('del'), eventType: 'license.activated', payload };
        const headers = deliveryHeaders(d, 'whsec_bench', Math.floor(Date.now() / 1000));
        const res = await agent.request({ origin, path: pathname, method: 'POST', headers, body: payload });
        await res.body.text();
        if (res.statusCode !== 200) errors++;
      }
    };
    const started = performance.now();
    const cpu = cpuNow();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { seconds: (performance.now() - started) / 1000, errors, cpuUs: (cpuNow() - cpu) / n };
  };
  try {
    await run(WARMUP);
    const { seconds, errors, cpuUs } = await run(count);
    return {
      cpuUs,
      name: `undici raw, ${concurrency} in flight`,
      perSec: count / seconds,
      count,
      seconds,
      concurrency,
      errors,
    };
  } finally {
    await agent.close();
  }
}

/** The dispatcher of one in-process app, on PGlite (dataDir) or PostgreSQL (databaseUrl). */
async function dispatcherRate(
  name: string,
  db: Pick<Config, 'dataDir' | 'databaseUrl'>,
  receiverUrl: string,
  count: number,
  perEndpoint: number,
): Promise<Figure> {
  const config = testConfig({
    ...db,
    logLevel: 'warn',
    webhookAllowPrivate: true,
    webhookMaxPerEndpoint: perEndpoint,
    webhookMaxInFlight: Math.max(100, perEndpoint),
  });
  const app = await buildApp(config, { jobs: false });
  const scheduler = new Scheduler(app.deps.logger);
  try {
    if (!app.bootstrap) throw new Error('expected a fresh database');
    const tenant = { accountId: app.bootstrap.account.id, environment: 'live' as const };
    await createWebhook(app.deps, systemCaller(tenant), { url: receiverUrl, events: ['license.activated'] });
    const fill = async (n: number) => {
      for (let done = 0; done < n; done += 250) {
        const inputs: EventInput[] = Array.from({ length: Math.min(250, n - done) }, (_, i) => ({
          type: 'license.activated',
          tenant,
          licenseId: newId('lic'),
          productId: newId('prod'),
          machineId: newId('mach'),
          data: { deviceId: `bench-${done + i}`, label: null, platform: null },
        }));
        await app.deps.prisma.$transaction((tx) => recordEvents(tx, inputs));
      }
    };
    // Warm-up, batch by batch.
    await fill(WARMUP);
    while ((await app.webhooks.dispatchOnce()) > 0);

    await fill(count);
    if ((await app.webhooks.queueDepth()) !== count) throw new Error('expected the fill to be pending');
    // What the server's db-maintenance job does within a minute of such a fill (PGlite only).
    if (app.deps.database.kind === 'pglite') {
      const m = await maintainEmbedded(app.deps);
      console.log(
        `  db maintenance after the fill: analysed ${m.analysed.join(', ') || 'nothing'} in ${m.ms} ms`,
      );
    }
    const before = app.webhooks.stats.delivered;
    const started = performance.now();
    const cpu = cpuNow();
    scheduler.add(app.webhooks.job());
    const deadline = Date.now() + 600_000;
    while (app.webhooks.stats.delivered - before < count) {
      if (Date.now() > deadline) throw new Error('dispatcher did not finish within 10 minutes');
      await new Promise((r) => setTimeout(r, 2));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuUs = (cpuNow() - cpu) / count;
    // For a CPU profile of this process (node --cpu-prof): the window to give prof-top.ts.
    const end = process.uptime();
    console.log(
      `  timed part: --from=${(end - seconds).toFixed(1)} --to=${end.toFixed(1)} (s of this process)`,
    );
    await scheduler.stop();
    const delivered = await app.deps.prisma.webhookDelivery.count({ where: { status: 'delivered' } });
    const s = app.webhooks.stats;
    return {
      name,
      perSec: count / seconds,
      cpuUs,
      count,
      seconds,
      concurrency: perEndpoint,
      errors: s.attempts - s.delivered + (delivered === count + WARMUP ? 0 : 1),
    };
  } finally {
    await scheduler.stop();
    await app.stop();
  }
}

export function printTable(rows: Figure[]) {
  const head = ['target', 'per second', 'CPU µs each', 'count', 'seconds', 'in flight', 'errors'];
  const body = rows.map((r) => [
    r.name,
    Math.round(r.perSec).toLocaleString('en-US'),
    r.cpuUs === undefined ? '-' : String(Math.round(r.cpuUs)),
    String(r.count),
    r.seconds.toFixed(2),
    String(r.concurrency),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log([fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n'));
}

export async function webhooksBench(opts: BenchOptions): Promise<void> {
  const count = positiveInt('BENCH_WEBHOOK_N', 10000);
  const defaultCap = testConfig().webhookMaxPerEndpoint;
  const caps = [defaultCap, 50];
  const facts = machineFacts();
  console.log('webhooks benchmark');
  console.log(
    `  machine: node ${facts.node}, ${facts.platform}, ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.memGiB} GiB, ` +
      `load average ${facts.loadAvg1m} at start`,
  );
  console.log(
    `  ${count} deliveries (BENCH_WEBHOOK_N) to one endpoint after ${WARMUP} warm-up ones; the receiver (node:http, ` +
      `own process) answers 200 at once; the app runs here with logLevel warn`,
  );
  console.log(
    `  in flight per endpoint: ${caps.join(' and ')} (the default TO_WEBHOOK_MAX_PER_ENDPOINT is ${defaultCap})`,
  );
  console.log('');

  const rows: Figure[] = [];
  const receiver = await startServer('baseline', opts);
  const url = `${receiver.url}/hooks/to`;
  try {
    for (const c of caps) rows.push(await undiciRate(url, count, c));
    const dir = tempDir('to-bench-webhooks-');
    try {
      for (const c of caps) {
        const dataDir = `${dir.path}/${c}`;
        console.log(`- dispatcher (pglite on disk), ${c} in flight …`);
        rows.push(await dispatcherRate(`dispatcher (pglite), ${c} in flight`, { dataDir }, url, count, c));
      }
    } finally {
      await dir.remove();
    }
    const databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) {
      for (const c of caps) {
        const db = await freshPgDatabase(databaseUrl);
        try {
          console.log(`- dispatcher (postgres), ${c} in flight …`);
          rows.push(
            await dispatcherRate(
              `dispatcher (postgres), ${c} in flight`,
              { dataDir: 'memory://', databaseUrl: db.url },
              url,
              count,
              c,
            ),
          );
        } finally {
          await db.drop();
        }
      }
    } else {
      console.log('- dispatcher (postgres): skipped, DATABASE_URL not set');
    }
  } finally {
    await receiver.stop();
  }
  console.log('');
  printTable(rows);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'webhooks',
      ...facts,
      deliveries: count,
      results: rows.map((r) => ({
        ...r,
        perSec: Math.round(r.perSec),
        seconds: Math.round(r.seconds * 1000) / 1000,
      })),
    }),
  );
}
