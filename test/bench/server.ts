// The server under test, run as a child process by the benchmarks (built by lib.ts's serverBuild, then node server.js <mode>).
// Prints one ready line on stdout — {"bench":"ready","port":…,…} — then serves until SIGTERM/SIGINT.
//
//   baseline  a bare node:http server: reads the POST body, JSON.parse's it, answers a small JSON
//             object shaped and sized like a validate response.
//   app       the real app (buildApp) on 127.0.0.1, port 0. PGlite in BENCH_DATA_DIR, or PostgreSQL
//             when BENCH_DATABASE_URL is set. Creates a product and a perpetual license through the
//             REST API with the bootstrap live key, and reports the license key.
//             BENCH_AUDIT=off starts it with TO_AUDIT_LOG off.
//   smtp      an SMTP server (smtp-server) that accepts every message and discards it.
//   broadcast a bare `ws` server: POST /broadcast?events=N sends N messages, one event at a time,
//             to every connected client (the subscriptions benchmark's baseline), then answers 204.
import { writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app';
import { testConfig } from '../../src/config';
import { broadcast as broadcastTo } from './broadcast';
import { seedLicense } from './seed';

const mode = process.argv[2];

function ready(info: Record<string, unknown>) {
  const line = `${JSON.stringify({ bench: 'ready', ...info })}\n`;
  // With a log file for stdout (startServer's logFile), the ready line has a pipe of its own.
  if (process.env.BENCH_READY_FD) writeSync(Number(process.env.BENCH_READY_FD), line);
  else process.stdout.write(line);
}

function onStop(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      stop().then(
        () => process.exit(0), // a normal exit, so --cpu-prof writes its profile
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

async function baseline() {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let input: { license_key?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
        return;
      }
      const now = new Date().toISOString();
      const body = JSON.stringify({
        valid: true,
        code: 'VALID',
        license: {
          id: 'lic_9R9mySObFlJZUZ2cdnzB',
          key: input.license_key,
          productId: 'prod_CNt1bWfg9SnxzSjTWjp8',
          customerId: null,
          email: null,
          type: 'perpetual',
          status: 'active',
          activations: 0,
          maxActivations: 1,
          expiresAt: null,
          createdAt: now,
          updatedAt: now,
          lastValidatedAt: null,
          metadata: {},
          allowedDomains: [],
          plan: null,
        },
        validatedAt: now,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
  ready({ port: (server.address() as AddressInfo).port });
}

async function app() {
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
  const dataDir = process.env.BENCH_DATA_DIR;
  if (!databaseUrl && !dataDir) throw new Error('set BENCH_DATA_DIR (PGlite) or BENCH_DATABASE_URL');
  // withAppServer (validate, meter, overheads) runs it at production's level, LOG_LEVEL's default
  // `info`, with stdout to a file; other benchmarks keep `warn`, as their logs come through the pipe.
  const logLevel = process.env.BENCH_LOG_LEVEL || 'warn';
  const base = testConfig({ dataDir: dataDir ?? 'memory://', databaseUrl, logLevel, host: '127.0.0.1' });
  // All the load comes from one IP: keep the limiter on (its cost is part of the path) but with a
  // per-IP budget the benchmark cannot reach, so it measures validation rather than 429s.
  // BENCH_RATE_LIMIT=off|memory|redis and BENCH_USAGE=off let the overheads benchmark switch the
  // limiter and the usage recorder off to show what each costs.
  const limiter = process.env.BENCH_RATE_LIMIT ?? 'memory';
  const config = {
    ...base,
    redisUrl: limiter === 'redis' ? process.env.REDIS_URL : undefined,
    auditLog: process.env.BENCH_AUDIT !== 'off',
    rateLimit: { ...base.rateLimit, enabled: limiter !== 'off', ipPerMinute: 1_000_000_000 },
  };
  const built = await buildApp(config);
  if (process.env.BENCH_USAGE === 'off') built.deps.usage.record = () => {};
  onStop(() => built.stop());
  const { apiKey, licenseKey, licenseId } = await seedLicense(built);

  const port = await built.listen(0, '127.0.0.1');
  ready({
    port,
    licenseKey,
    licenseId,
    // A throw-away deployment's key, for benchmarks that call portal routes or subscribe.
    apiKey,
    database: built.deps.database.kind,
    logLevel,
    rateLimit: { ...config.rateLimit, backend: built.deps.limits.backend },
    usage: process.env.BENCH_USAGE === 'off' ? 'off' : 'on',
    auditLog: config.auditLog,
    dataDir: databaseUrl ? null : dataDir,
  });
}

async function smtp() {
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
  ready({ port: (server.server.address() as AddressInfo).port });
}

async function broadcast() {
  const { WebSocketServer } = await import('ws');
  const server = createServer((req, res) => {
    const events = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('events') ?? 0);
    req.resume();
    void (async () => {
      await broadcastTo(wss.clients, events);
      res.writeHead(204).end();
    })();
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onStop(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  ready({ port: (server.address() as AddressInfo).port });
}

if (mode === 'baseline') await baseline();
else if (mode === 'broadcast') await broadcast();
else if (mode === 'app') await app();
else if (mode === 'smtp') await smtp();
else {
  console.error(`usage: server.ts baseline|app|smtp|broadcast (got ${JSON.stringify(mode)})`);
  process.exit(2);
}
