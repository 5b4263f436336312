// The soak's cluster: a redis-server of its own, server instances (src/dist/main.js children on one
// PostgreSQL database and that Redis), a round-robin proxy in front of them and a webhook receiver
// that verifies signatures. Everything here can be killed and started again by the fault phases.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../helpers/redis-server';
import { ROOT } from './lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A redis-server on its own port (never the shared 6379), killed and restarted by a fault. */
export class SoakRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async up(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout!.removeAllListeners('data');
          child.stdout!.resume();
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
    });
  }
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await exited;
    this.child = null;
  }
}

export interface InstanceEnv {
  databaseUrl: string;
  redisUrl: string;
  logDir: string;
}

/** One server instance on a fixed port (the proxy keeps pointing at it across restarts). */
export class Instance {
  child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** stdout of the current run (only the start is kept: the bootstrap block and the ready line). */
  private head = '';
  starts = 0;
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: InstanceEnv,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts and resolves once it listens; `urlParams` are added to its DATABASE_URL. */
  async start(urlParams: Record<string, string> = {}): Promise<string> {
    const url = new URL(this.env.databaseUrl);
    for (const [k, v] of Object.entries(urlParams)) url.searchParams.set(k, v);
    this.starts++;
    // Names its connections in pg_stat_activity and in the server log (b.2: b's second start).
    url.searchParams.set('application_name', `${this.name}.${this.starts}`);
    const log = createWriteStream(join(this.env.logDir, `${this.name}.${this.starts}.log`));
    // The built server (src/dist, what `npm start` runs); SIGUSR2 writes a heap snapshot to the log folder.
    const flags = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${this.env.logDir}`];
    const child = spawn(process.execPath, [...flags, 'src/dist/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        DATABASE_URL: url.toString(),
        REDIS_URL: this.env.redisUrl,
        LOG_LEVEL: 'warn',
        TO_SECRET_KEY: 'soak-master-key-0123456789abcdef',
        TO_JWT_SECRET: 'soak-jwt-secret-0123456789abcdef0123456789',
        TO_RATE_LIMIT_IP_PER_MIN: '100000000',
        TO_RATE_LIMIT_FAILED_LOOKUPS_PER_MIN: '100000000',
        TO_WEBHOOK_ALLOW_PRIVATE: 'true',
        TO_WEBHOOK_BACKOFF_SCALE: '0.05',
        TO_WEBHOOK_TIMEOUT_MS: '5000',
        TO_REAPER_INTERVAL_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.head = '';
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.stdout!.on('data', (d: Buffer) => {
      if (this.head.length < 64_000) this.head += d.toString();
    });
    // LOG_LEVEL=warn hides the ready line: poll the health route instead.
    const deadline = Date.now() + 120_000;
    while (!(await this.healthy())) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited at start (see ${String(log.path)})`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not start (see ${String(log.path)})`);
      await sleep(100);
    }
    return this.head;
  }

  private async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/health`);
      return res.ok;
    } catch {
      return false;
    }
  }

  /** kill -9: a crash, nothing flushed. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the clean stop (usage flushed); resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.child?.exitCode ?? null;
    const c = this.child!;
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    return c.exitCode;
  }

  /** Resident set size in MB, from /proc. */
  rssMb(): number | null {
    if (!this.running) return null;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : null;
    } catch {
      return null;
    }
  }
}

/** Round-robin proxy (node:http); tells the client which backend answered in `x-soak-backend`.
 * A backend that refuses the connection is skipped for that request (as a load balancer would);
 * when every backend refuses, or one drops the connection mid-request, the client gets 502.
 * `resent` counts the requests sent again after a reset kept-alive socket: such a request may
 * have been handled by the first backend too (its answer lost), so it may count twice. */
export async function startProxy(
  backends: Instance[],
): Promise<{ url: string; resent: () => number; close(): Promise<void> }> {
  let resent = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Each try goes to the backend after the one before (not the shared counter's next, which
      // other requests move on: a retry could land on the refusing backend again).
      const tryBackend = (at: number, left: number) => {
        const b = backends[at % backends.length]!;
        const up = httpRequest(
          { host: '127.0.0.1', port: b.port, path: req.url, method: req.method, headers: req.headers, agent },
          (r) => {
            res.writeHead(r.statusCode ?? 502, { ...r.headers, 'x-soak-backend': b.name });
            r.pipe(res);
          },
        );
        up.on('error', (err: NodeJS.ErrnoException) => {
          if (res.headersSent) return res.destroy();
          if (err.code === 'ECONNREFUSED' && left > 1) return tryBackend(at + 1, left - 1);
          // A kept-alive socket the backend closed as idle just as it was reused: the request never
          // reached it, so it is sent again (what Node's docs advise, and what load balancers do).
          // (EPIPE when the write itself met the closed socket.)
          const closedIdle = err.code === 'ECONNRESET' || err.code === 'EPIPE';
          if (up.reusedSocket && closedIdle && b.running && left > 0) {
            resent++;
            const when = new Date().toISOString();
            console.log(`proxy resent at ${when}: ${req.method} ${req.url} after ${b.name} ${err.code}`);
            return tryBackend(at + 1, left - 1);
          }
          // Every 502 is named in the soak's output, to tell a fault's from an unexplained one.
          const when = new Date().toISOString();
          console.log(`proxy 502 at ${when}: ${b.name} ${err.code ?? err.message} reused=${up.reusedSocket}`);
          res.writeHead(502, { 'content-type': 'application/json', 'x-soak-backend': b.name });
          res.end(JSON.stringify({ error: `proxy: ${err.code ?? err.message}`, code: 'BAD_GATEWAY' }));
        });
        up.end(body);
      };
      tryBackend(next++, backends.length);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    resent: () => resent,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}

/** The webhook receiver: verifies every signature, records every delivery id and how many 2xx it
 * answered per id. `down()` closes its port (connections refused) until `up()`. */
export class SoakReceiver {
  private server: Server | null = null;
  secret = '';
  readonly port: Promise<number> = freePort();
  /** delivery id → number of requests answered 2xx. */
  readonly successes = new Map<string, number>();
  /** delivery id → event id (from the body). */
  readonly eventOf = new Map<string, string>();
  badSignatures = 0;
  requests = 0;
  /** Time of each first success (ms), to tell a retry after a crash from a double send. */
  readonly firstSuccessAt = new Map<string, number>();

  get url() {
    return this.port.then((p) => `http://127.0.0.1:${p}/hooks/soak`);
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const raw = Buffer.concat(chunks).toString('utf8');
        const ts = String(req.headers['x-to-timestamp'] ?? '');
        const sig = String(req.headers['x-to-signature'] ?? '');
        const id = String(req.headers['x-to-delivery-id'] ?? '');
        const expected = createHmac('sha256', this.secret).update(`${ts}.${raw}`).digest('hex');
        const ok = sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
        if (!ok || !id) {
          this.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        this.successes.set(id, (this.successes.get(id) ?? 0) + 1);
        if (!this.firstSuccessAt.has(id)) this.firstSuccessAt.set(id, Date.now());
        try {
          this.eventOf.set(id, String((JSON.parse(raw) as { id: string }).id));
        } catch {
          // counted as a success all the same; the event check will miss it
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    const port = await this.port;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
}
