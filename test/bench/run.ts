// Benchmark runner: `npm run bench -- <name> [<name>…]`. Prints figures; asserts nothing.
// Add a benchmark by adding an entry to BENCHMARKS (loaded lazily, so each stays independent).
import { type BenchOptions, optionsFromEnv, runCleanups } from './lib';

interface Benchmark {
  describe: string;
  run: (opts: BenchOptions) => Promise<void>;
}

const BENCHMARKS: Record<string, Benchmark> = {
  validate: {
    describe:
      'POST /api/v1/validate (PGlite on disk; PostgreSQL when DATABASE_URL is set) and GraphQL validateLicense vs a bare node:http baseline',
    run: async (opts) => (await import('./validate')).validateBench(opts),
  },
  meter: {
    describe:
      'REST validate vs validate with consume:1 (maxUses null: one conditional UPDATE per call) vs a bare node:http baseline, one run',
    run: async (opts) => (await import('./meter')).meterBench(opts),
  },
  overheads: {
    describe:
      'REST validate with everything on vs usage recording off vs rate limiter off vs limiter in Redis (REDIS_URL), one run',
    run: async (opts) => (await import('./overheads')).overheadsBench(opts),
  },
  audit: {
    describe:
      'PATCH /api/v1/licenses/:id (a real change each request) with TO_AUDIT_LOG on vs off (PGlite on disk; PostgreSQL too when DATABASE_URL is set), vs a bare node:http baseline, one run',
    run: async (opts) => (await import('./audit')).auditBench(opts),
  },
  subscriptions: {
    describe:
      'BENCH_SUBSCRIBERS (2000) graphql-ws subscribers and a burst of BENCH_EVENTS (50) events: events/s and publish→receipt p50/p99, vs a bare ws broadcast',
    run: async (opts) => (await import('./subscriptions')).subscriptionsBench(opts),
  },
  tokens: {
    describe:
      'offline token sign (node:crypto Ed25519) and verify (jose + JWKS) cost per token, vs a bare HMAC',
    run: async (opts) => (await import('./tokens')).tokensBench(opts),
  },
  reaper: {
    describe: 'lease reaper cost with BENCH_LEASES (1000,10000) live leases and with as many expired ones',
    run: async (opts) => (await import('./reaper')).reaperBench(opts),
  },
  dashboard: {
    describe:
      'the Overview in headless Chromium on BENCH_LICENSES (10000) seeded licenses: navigation to drawn with data, first and later loads; its GraphQL request alone; bundle sizes',
    run: async (opts) => (await import('./dashboard')).dashboardBench(opts),
  },
  emails: {
    describe:
      'emails/s through the outbox to a local SMTP server (PGlite on disk; PostgreSQL when DATABASE_URL is set) vs raw nodemailer to it',
    run: async (opts) => (await import('./emails')).emailsBench(opts),
  },
  stripe: {
    describe:
      'signed Stripe events/s through the receiver (checkout, invoice.paid, replays) vs a bare node:http server answering the same bodies',
    run: async (opts) => (await import('./stripe')).stripeBench(opts),
  },
  startup: {
    describe:
      'npm start (src/dist/main.js): ms until /api/v1/ready answers and idle RSS, PGlite new and existing folder, PostgreSQL (DATABASE_URL), vs bare node:http',
    run: async (opts) => (await import('./startup')).startupBench(opts),
  },
  webhooks: {
    describe:
      'webhook deliveries/s of one dispatcher to a local receiver (PGlite on disk; PostgreSQL when DATABASE_URL is set) vs raw undici requests/s to it',
    run: async (opts) => (await import('./webhooks')).webhooksBench(opts),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((n) => n.length));
  return [
    'usage: npm run bench -- <name> [<name>…]',
    '',
    'benchmarks:',
    ...Object.entries(BENCHMARKS).map(([name, b]) => `  ${name.padEnd(width)}  ${b.describe}`),
    '',
    'environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 50), BENCH_WARMUP (s, default 2),',
    '             BENCH_CPU_PROF=1|<dir> (--cpu-prof the server children), DATABASE_URL (adds PostgreSQL),',
    '             BENCH_WEBHOOK_N (deliveries per webhooks run, default 2000), BENCH_EMAIL_N (2000),',
    '             BENCH_STRIPE_N (events of each kind, 1000)',
  ].join('\n');
}

const names = process.argv.slice(2).filter((a) => a !== '--');
const unknown = names.filter((n) => !Object.hasOwn(BENCHMARKS, n));
if (names.length === 0 || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown benchmark: ${unknown.join(', ')}\n`);
  console.error(usage());
  process.exit(names.length === 0 ? 1 : 2);
}

const opts = optionsFromEnv();
let failed = false;
try {
  for (const name of names) await BENCHMARKS[name]!.run(opts);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await runCleanups();
}
process.exit(failed ? 1 : 0);
