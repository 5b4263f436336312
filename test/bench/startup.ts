// The startup benchmark: how long `npm start` (node src/dist/main.js, the build postinstall makes)
// takes until GET /api/v1/ready answers 200, and how much memory it holds once idle, beside a bare
// node:http server started the same way in the same run.
//
//   ready      wall time from spawn to the first 200 of /api/v1/ready (polled every 10 ms), and
//              the CPU time (user + system) the process had used by then: the steadier figure
//              on a shared machine, as it does not count time spent waiting for a core.
//   idle RSS   VmRSS after BENCH_IDLE (5) s without requests once ready.
//
// Rows: PGlite on a new folder (first start: initdb, migrations, bootstrap), then the same folder
// again BENCH_RUNS (3) times; PostgreSQL (DATABASE_URL, a fresh database) new and existing; the bare
// server. BENCH_STARTUP_TSX=1 adds the old way (`tsx src/main.ts`) on the existing folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type BenchOptions, freshPgDatabase, machineFacts, onCleanup, ROOT, tempDir } from './lib';

interface Sample {
  readyMs: number;
  cpuMs: number;
  rssMiB: number;
}

const TICKS = 100; // USER_HZ on Linux

function procStat(pid: number): { cpuMs: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuMs: ((Number(stat[11]) + Number(stat[12])) * 1000) / TICKS, rssMiB: rssKb / 1024 };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const BARE = `require('node:http').createServer((req, res) => { res.writeHead(200, {'content-type':'application/json'}); res.end('{"status":"ready"}'); }).listen(Number(process.env.PORT), '127.0.0.1');`;

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Starts `args` with node, waits for /api/v1/ready, idles, samples, stops. */
async function sample(args: string[], env: Record<string, string>, idleS: number): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  // Only the rows that name a database get one: an inherited DATABASE_URL (the PostgreSQL rows'
  // base URL) must not turn a PGlite row into a start on someone else's database.
  const { DATABASE_URL: _inherited, REDIS_URL: _redis, ...parentEnv } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...parentEnv,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const cleanup = onCleanup(() => stop(child));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    let readyMs = 0;
    let cpuMs = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr.slice(0, 500)}`);
      if (performance.now() - started > 120_000) throw new Error('not ready after 120 s');
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        readyMs = performance.now() - started;
        cpuMs = procStat(child.pid!).cpuMs;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, idleS * 1000));
    return { readyMs, cpuMs, rssMiB: procStat(child.pid!).rssMiB };
  } finally {
    await cleanup();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[], digits = 0) =>
  xs.length === 1
    ? xs[0]!.toFixed(digits)
    : `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

export async function startupBench(opts: BenchOptions): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const idleS = Number(process.env.BENCH_IDLE ?? 5);
  const facts = machineFacts();
  const main = join(ROOT, 'src/dist/main.js');
  console.log('startup benchmark');
  console.log(
    `  machine: node ${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAvg1m} at start; ` +
      `${runs} runs per row (BENCH_RUNS), idle ${idleS} s before RSS (BENCH_IDLE)`,
  );
  console.log('  app: node src/dist/main.js (npm start), NODE_ENV=production, LOG_LEVEL=info\n');
  void opts;

  const rows: { name: string; samples: Sample[] }[] = [];
  const row = async (name: string, n: number, one: () => Promise<Sample>) => {
    const samples: Sample[] = [];
    for (let i = 0; i < n; i++) samples.push(await one());
    const s = samples.at(-1)!;
    console.log(
      `- ${name}: ready ${s.readyMs.toFixed(0)} ms, cpu ${s.cpuMs.toFixed(0)} ms, rss ${s.rssMiB.toFixed(0)} MiB`,
    );
    rows.push({ name, samples });
  };

  await row('bare node:http', runs, () => sample(['-e', BARE], {}, idleS));

  const dir = tempDir('to-bench-startup-');
  try {
    const dataDir = join(dir.path, 'data');
    await row('pglite, new folder', 1, () => sample([main], { DATA_DIR: dataDir }, idleS));
    await row('pglite, existing folder', runs, () => sample([main], { DATA_DIR: dataDir }, idleS));
    if (process.env.BENCH_STARTUP_TSX === '1') {
      await row('pglite, existing folder, tsx src/main.ts', 1, () =>
        sample(['--import', 'tsx', join(ROOT, 'src/main.ts')], { DATA_DIR: dataDir }, idleS),
      );
    }
  } finally {
    await dir.remove();
  }

  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const db = await freshPgDatabase(databaseUrl);
    try {
      await row('postgres, new database', 1, () => sample([main], { DATABASE_URL: db.url }, idleS));
      await row('postgres, existing database', runs, () => sample([main], { DATABASE_URL: db.url }, idleS));
    } finally {
      await db.drop();
    }
  } else console.log('- postgres: skipped (DATABASE_URL not set)');

  console.log('\n| start | ready ms | CPU ms to ready | idle RSS MiB |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const pick = (k: keyof Sample) => r.samples.map((s) => s[k]);
    console.log(`| ${r.name} | ${fmt(pick('readyMs'))} | ${fmt(pick('cpuMs'))} | ${fmt(pick('rssMiB'))} |`);
  }
  console.log('\n(median, with the range over the runs in brackets)');
}
