// The emails benchmark: how many emails per second one instance's outbox sends to a local SMTP
// server, next to raw nodemailer (the same pooled transport, the same concurrency) to the same
// server in the same run. The SMTP server (smtp-server, discarding what it receives) runs in its
// own process; the app runs here with its jobs off: N emails are written to the outbox (queueEmail,
// rendered in the branding, in transactions of 250), then the dispatcher is scheduled and timed
// until its N-th email is recorded as sent.
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import { buildApp } from '../../src/app';
import { type Config, testConfig } from '../../src/config';
import { commit } from '../../src/db/commit';
import { queueEmail } from '../../src/email/email.service';
import { renderEmail } from '../../src/email/templates';
import { type Branding, DEFAULT_ACCENT, DEFAULT_PRIMARY } from '../../src/accounts/branding.service';
import { Scheduler } from '../../src/jobs/scheduler';
import { type BenchOptions, freshPgDatabase, machineFacts, startServer, tempDir } from './lib';
import { type Figure, positiveInt, printTable } from './webhooks';

const WARMUP = 100;

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const params = (i: number) => ({
  productName: 'Bench Studio',
  pageUrl: 'http://localhost:4000/my/acct_bench/',
  licenseKey: `BNCH-0000-0000-${String(i).padStart(4, '0')}`,
  licenseType: 'perpetual',
  expiresAt: null,
});

/** Raw nodemailer: `count` messages, `concurrency` at a time, one pooled transport. */
async function nodemailerRate(url: string, count: number, concurrency: number): Promise<Figure> {
  const transport = createTransport({ url, pool: true, maxConnections: concurrency });
  const b: Branding = {
    name: 'Bench',
    logoUrl: null,
    primaryColor: DEFAULT_PRIMARY,
    accentColor: DEFAULT_ACCENT,
    supportEmail: null,
    supportUrl: null,
  };
  const run = async (n: number) => {
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const m = renderEmail('license_key', b, params(i));
        try {
          await transport.sendMail({ from: 'bench@localhost', to: `buyer${i}@example.com`, ...m });
        } catch {
          errors++;
        }
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
      name: `nodemailer raw, ${concurrency} in flight`,
      perSec: count / seconds,
      count,
      seconds,
      concurrency,
      errors,
    };
  } finally {
    transport.close();
  }
}

async function outboxRate(
  name: string,
  db: Pick<Config, 'dataDir' | 'databaseUrl'>,
  smtpUrl: string,
  count: number,
  concurrency: number,
): Promise<Figure> {
  const config = testConfig({
    ...db,
    logLevel: 'warn',
    smtpUrl,
    emailMaxInFlight: concurrency,
    emailDispatchIntervalMs: 250,
  });
  const app = await buildApp(config, { jobs: false });
  const scheduler = new Scheduler(app.deps.logger);
  try {
    if (!app.bootstrap || !app.emails) throw new Error('expected a fresh database and SMTP');
    const tenant = { accountId: app.bootstrap.account.id, environment: 'live' as const };
    const fill = async (n: number) => {
      for (let done = 0; done < n; done += 250) {
        await commit(app.deps, async (tx, staged) => {
          for (let i = done; i < Math.min(done + 250, n); i++) {
            await queueEmail(app.deps, tx, staged, {
              tenant,
              to: `buyer${i}@example.com`,
              template: 'license_key',
              params: ({ pageUrl }) => ({ ...params(i), pageUrl }),
            });
          }
        });
      }
    };
    await fill(WARMUP);
    while ((await app.emails.dispatchOnce()) > 0);
    await fill(count);
    if ((await app.emails.queueDepth()) !== count) throw new Error('expected the fill to be queued');
    const before = app.emails.stats.delivered;
    const started = performance.now();
    const cpu = cpuNow();
    scheduler.add(app.emails.job());
    const deadline = Date.now() + 600_000;
    while (app.emails.stats.delivered - before < count) {
      if (Date.now() > deadline) throw new Error('the outbox did not finish within 10 minutes');
      await new Promise((r) => setTimeout(r, 2));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuUs = (cpuNow() - cpu) / count;
    await scheduler.stop();
    const sent = await app.deps.prisma.emailMessage.count({ where: { status: 'sent' } });
    const s = app.emails.stats;
    return {
      name,
      perSec: count / seconds,
      cpuUs,
      count,
      seconds,
      concurrency,
      errors: s.attempts - s.delivered + (sent === count + WARMUP ? 0 : 1),
    };
  } finally {
    await scheduler.stop();
    await app.stop();
  }
}

export async function emailsBench(opts: BenchOptions): Promise<void> {
  const count = positiveInt('BENCH_EMAIL_N', 2000);
  const defaultCap = testConfig().emailMaxInFlight;
  const caps = [defaultCap, 20];
  const facts = machineFacts();
  console.log('emails benchmark');
  console.log(
    `  machine: node ${facts.node}, ${facts.platform}, ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.memGiB} GiB, load average ${facts.loadAvg1m} at start`,
  );
  console.log(
    `  ${count} emails (BENCH_EMAIL_N) after ${WARMUP} warm-up ones; the SMTP server (smtp-server, own process) accepts and discards each; ` +
      `in flight: ${caps.join(' and ')} (TO_EMAIL_MAX_IN_FLIGHT defaults to ${defaultCap})`,
  );
  console.log('');
  const rows: Figure[] = [];
  const sink = await startServer('smtp', opts);
  const url = `smtp://127.0.0.1:${sink.info.port}`;
  try {
    for (const c of caps) rows.push(await nodemailerRate(url, count, c));
    const dir = tempDir('to-bench-emails-');
    try {
      for (const c of caps) {
        console.log(`- outbox (pglite on disk), ${c} in flight …`);
        rows.push(
          await outboxRate(`outbox (pglite), ${c} in flight`, { dataDir: `${dir.path}/${c}` }, url, count, c),
        );
      }
    } finally {
      await dir.remove();
    }
    const databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) {
      for (const c of caps) {
        const db = await freshPgDatabase(databaseUrl);
        try {
          console.log(`- outbox (postgres), ${c} in flight …`);
          rows.push(
            await outboxRate(
              `outbox (postgres), ${c} in flight`,
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
    } else console.log('- outbox (postgres): skipped, DATABASE_URL not set');
  } finally {
    await sink.stop();
  }
  console.log('');
  printTable(rows.map((r) => ({ ...r, name: r.name })));
  const base = new Map(
    rows.filter((r) => r.name.startsWith('nodemailer')).map((r) => [r.concurrency, r.perSec]),
  );
  console.log('');
  for (const r of rows.filter((r) => r.name.startsWith('outbox'))) {
    console.log(
      `  ${r.name}: ${(r.perSec / base.get(r.concurrency)!).toFixed(2)}× raw nodemailer at ${r.concurrency} in flight`,
    );
  }
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'emails',
      ...facts,
      emails: count,
      results: rows.map((r) => ({ ...r, perSec: Math.round(r.perSec) })),
    }),
  );
}
