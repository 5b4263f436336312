// Shared benchmark machinery: options from the environment, the server child process, the load run
// (autocannon, in this process) and fresh PostgreSQL databases. The figures table is in report.ts.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_SOURCE = fileURLToPath(new URL('./server.ts', import.meta.url));
/** Where serverBuild() puts the bundle: one folder below src/, at the depth of the built server's own
 * files (src/dist), so paths the app computes from import.meta.url resolve; git-ignored (src/dist.*). */
const SERVER_BUILT = join(ROOT, 'src', 'dist.bench', 'server.js');

let serverBuilt: Promise<string> | undefined;
/**
 * The bench server as JavaScript, bundled once per run with the server's own build settings
 * (src/tools/build-server.mjs: esbuild, node_modules external). The server children run what
 * `npm start` runs, compiled code on plain node, not TypeScript through tsx's loader, whose
 * compile hooks and `__name` wrappers showed up in their profiles.
 */
function serverBuild(): Promise<string> {
  serverBuilt ??= import('esbuild').then(async ({ build }) => {
    await build({
      entryPoints: [SERVER_SOURCE],
      outfile: SERVER_BUILT,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    return SERVER_BUILT;
  });
  return serverBuilt;
}

export interface BenchOptions {
  /** Measured seconds per target. */
  duration: number;
  connections: number;
  /** Warm-up seconds per target (figures discarded). */
  warmup: number;
  /** Directory for `--cpu-prof` output of the server children, when profiling. */
  cpuProfDir?: string;
}

function envNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(
      `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

export function optionsFromEnv(): BenchOptions {
  const prof = process.env.BENCH_CPU_PROF;
  return {
    duration: envNumber('BENCH_DURATION', 10, false),
    connections: envNumber('BENCH_CONNECTIONS', 50, true),
    warmup: envNumber('BENCH_WARMUP', 2, false),
    cpuProfDir: prof
      ? prof === '1' || prof === 'true'
        ? mkdtempSync(join(tmpdir(), 'to-bench-prof-'))
        : prof
      : undefined,
  };
}

export function machineFacts() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    /** 1-minute load average when the facts were taken: other work on the machine skews the figures. */
    loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

// ---------------------------------------------------------------------------------------------
// Cleanup on Ctrl-C: children are killed and temporary databases/directories removed.

const cleanups = new Set<() => Promise<void> | void>();

/** Registers a cleanup; returns a function that runs it once and unregisters it. */
export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    cleanups.delete(run);
    await fn();
  };
  cleanups.add(run);
  return run;
}

/** Unregisters a cleanup returned by onCleanup without running it. */
export function dropCleanup(run: () => Promise<void>): void {
  cleanups.delete(run);
}

export async function runCleanups(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

let interrupted = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// The server under test runs in its own process so autocannon does not share its event loop.

export interface ServerInfo {
  port: number;
  /** Anything else the server reported on its ready line (license key, database kind…). */
  [k: string]: unknown;
}

export interface ServerChild {
  info: ServerInfo;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `test/bench/server.ts <mode>`, built (serverBuild), with node and waits for its ready line
 * (`{"bench":"ready",...}` on stdout). Other stdout lines (server logs) are passed to stderr, or,
 * with `logFile`, the child's stdout is that file (as a log collector would take it, without this
 * process, which also runs the load, reading every line) and the ready line comes on fd 3.
 */
export async function startServer(
  mode: string,
  opts: BenchOptions,
  env: Record<string, string> = {},
  logFile?: string,
): Promise<ServerChild> {
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const logFd = logFile ? openSync(logFile, 'a') : null;
  const server = await serverBuild();
  const child = spawn(process.execPath, [...nodeArgs, server, mode], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(logFd !== null ? { BENCH_READY_FD: '3' } : {}) },
    stdio: logFd !== null ? ['ignore', logFd, 'inherit', 'pipe'] : ['ignore', 'pipe', 'inherit'],
  });
  if (logFd !== null) closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = onCleanup(() => stopChild(child, exited));

  const info = await new Promise<ServerInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server '${mode}' not ready after 120 s`)), 120_000);
    const lines = createInterface({
      input: (logFd !== null ? child.stdio[3] : child.stdout) as NodeJS.ReadableStream,
    });
    let ready = false;
    lines.on('line', (line) => {
      if (!ready && line.startsWith('{"bench":"ready"')) {
        ready = true;
        clearTimeout(timer);
        resolve(JSON.parse(line) as ServerInfo);
      } else {
        process.stderr.write(`  [${mode}] ${line}\n`);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`server '${mode}' exited with code ${code} before it was ready`));
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { info, url: `http://127.0.0.1:${info.port}`, pid: child.pid!, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Load

export interface Target {
  /** Row label. */
  name: string;
  url: string;
  /** POST unless given. */
  method?: 'POST' | 'PATCH';
  body: string;
  /** `[<id>]` in the body becomes a fresh id per request (each request a real change). */
  idReplacement?: boolean;
  headers?: Record<string, string>;
  /** Checked on every response during the load; false counts as a mismatch. Keep it cheap. */
  verifyBody?: (body: string) => boolean;
  /** The server process behind `url`, whose CPU time per response is reported (Linux). */
  serverPid?: number;
}

export interface Figures {
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  responses: number;
  statusCodes: Record<string, number>;
  bytesPerResponse: number;
  /** Server CPU time (user + system) per response during the measured load, in µs; null where
   * /proc is not available. Steadier than req/s on a busy machine, as it does not depend on how
   * much CPU the load generator took. */
  serverCpuUs: number | null;
  /** req/s relative to the baseline row (1 for the baseline itself). */
  ratio?: number;
}

export interface Unavailable {
  name: string;
  unavailable: string;
}

export type Row = Figures | Unavailable;

let clockTicks: number | null = null;

/** CPU seconds (user + system) a process has used so far, from /proc; null elsewhere. */
function cpuSeconds(pid: number): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

function autocannonRun(target: Target, connections: number, duration: number): Promise<Result> {
  const instance = autocannon({
    url: target.url,
    method: target.method ?? 'POST',
    idReplacement: target.idReplacement ?? false,
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    verifyBody: target.verifyBody,
  });
  const stopLoad = onCleanup(() => instance.stop());
  return Promise.resolve(instance).finally(() => dropCleanup(stopLoad));
}

export async function load(target: Target, opts: BenchOptions): Promise<Figures> {
  // The warm-up is its own run so that the server's CPU time is read around the measured one only.
  if (opts.warmup > 0) await autocannonRun(target, opts.connections, opts.warmup);
  const cpuBefore = target.serverPid ? cpuSeconds(target.serverPid) : null;
  const result: Result = await autocannonRun(target, opts.connections, opts.duration);
  const cpuAfter = target.serverPid ? cpuSeconds(target.serverPid) : null;
  // Interrupted: the signal handler is cleaning up and will exit; report nothing from a cut-short run.
  if (interrupted) await new Promise<never>(() => {});
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]),
  );
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    name: target.name,
    reqPerSec: result.requests.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    responses,
    statusCodes,
    bytesPerResponse: responses ? Math.round(result.throughput.total / responses) : 0,
    serverCpuUs:
      cpuBefore !== null && cpuAfter !== null && responses > 0
        ? Math.round(((cpuAfter - cpuBefore) * 1e6) / responses)
        : null,
  };
}

/** One request before the load, to check the target answers what we expect. */
export async function probe(
  target: Target,
): Promise<{ status: number; text: string; json: any; bytes: number }> {
  const res = await fetch(target.url, {
    method: target.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, text, json, bytes: Buffer.byteLength(text) };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a fresh database per run, dropped afterwards.

export async function freshPgDatabase(
  baseUrl: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `to_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const drop = onCleanup(async () => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  return { name, url: url.toString(), drop };
}

/** A temporary directory removed at cleanup. */
export function tempDir(prefix: string): { path: string; remove: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = onCleanup(() => rmSync(path, { recursive: true, force: true }));
  return { path, remove };
}
