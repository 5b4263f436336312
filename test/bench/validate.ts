// The validate benchmark: a bare node:http baseline, REST POST /api/v1/validate on the embedded
// default (on-disk PGlite) and on PostgreSQL (when DATABASE_URL is set), and the GraphQL
// validateLicense mutation. Each server runs in a child process; autocannon runs here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BenchOptions,
  type Figures,
  freshPgDatabase,
  load,
  machineFacts,
  probe,
  type Row,
  startServer,
  type Target,
  tempDir,
} from './lib';
import { summary, table, withRatios } from './report';

const VALID = (body: string) => body.includes('"valid":true');

/** The GraphQL validate mutation (a list, so that a schema change can add a shape beside it). */
const GRAPHQL_VALIDATE: {
  label: string;
  query: string;
  variables: (key: string) => Record<string, unknown>;
}[] = [
  {
    label: 'validateLicense(input:{key}) … on LicenseValidation',
    query: `mutation($input:ValidateLicenseInput!){ validateLicense(input:$input){ __typename ... on LicenseValidation { valid code } } }`,
    variables: (key) => ({ input: { key } }),
  },
];

export function restTarget(name: string, url: string, licenseKey: string, serverPid?: number): Target {
  return {
    name,
    url: `${url}/api/v1/validate`,
    body: JSON.stringify({ license_key: licenseKey }),
    verifyBody: VALID,
    serverPid,
  };
}

/** Checks one REST validate answer: 200 and valid:true. */
export async function checkRest(t: Target): Promise<string | null> {
  const r = await probe(t);
  if (r.status !== 200 || r.json?.valid !== true) return `HTTP ${r.status} ${r.text.slice(0, 200)}`;
  console.log(`  ${t.name}: probe OK (200, valid:true, ${r.bytes} B body)`);
  return null;
}

/** Checks one GraphQL answer: 200, no errors, a result with valid:true. */
async function checkGraphql(t: Target): Promise<string | null> {
  let r: Awaited<ReturnType<typeof probe>>;
  try {
    r = await probe(t);
  } catch (err) {
    return (err as Error).message;
  }
  if (r.status !== 200) return `HTTP ${r.status}${r.text ? ` ${r.text.slice(0, 160)}` : ''}`;
  const errors = r.json?.errors as { message?: string }[] | undefined;
  if (errors?.length)
    return errors
      .map((e) => e.message)
      .join('; ')
      .slice(0, 200);
  const result = r.json?.data?.validateLicense;
  if (!result) return `no data.validateLicense in ${r.text.slice(0, 160)}`;
  if (result.valid !== true) return `unexpected result ${JSON.stringify(result).slice(0, 160)}`;
  return null;
}

/** The first GraphQL validate shape the server accepts, or why none is usable. */
async function graphqlTarget(
  name: string,
  url: string,
  key: string,
  serverPid?: number,
): Promise<Target | { unavailable: string }> {
  let first: string | null = null;
  for (const shape of GRAPHQL_VALIDATE) {
    const t: Target = {
      name,
      url: `${url}/graphql`,
      body: JSON.stringify({ query: shape.query, variables: shape.variables(key) }),
      verifyBody: VALID,
      serverPid,
    };
    const reason = await checkGraphql(t);
    if (!reason) {
      console.log(`  ${name}: probe OK (200, valid:true) with ${shape.label}`);
      return t;
    }
    first ??= reason;
    console.log(`  ${name}: ${shape.label} not usable: ${reason}`);
  }
  return { unavailable: first ?? 'no query shapes' };
}

/** The log level the app runs at in withAppServer: production's (LOG_LEVEL's default). */
export const APP_LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'info';

/** The app on a database, logging at APP_LOG_LEVEL to a file as in production: start it, run `each`
 * against it, stop it, and say how many log lines it wrote. */
export async function withAppServer(
  opts: BenchOptions,
  env: Record<string, string>,
  each: (url: string, licenseKey: string, pid: number) => Promise<void>,
) {
  const logs = tempDir('to-bench-logs-');
  const file = join(logs.path, 'server.log');
  try {
    const server = await startServer('app', opts, { BENCH_LOG_LEVEL: APP_LOG_LEVEL, ...env }, file);
    try {
      await each(server.url, String(server.info.licenseKey), server.pid);
    } finally {
      await server.stop();
    }
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    const requests = lines.filter((l) => l.includes('"msg":"request"')).length;
    console.log(
      `  server log (level ${APP_LOG_LEVEL}, stdout to a file): ${lines.length} lines, ` +
        `${requests} of them request lines, ${Math.round(text.length / 1024)} KiB`,
    );
  } finally {
    await logs.remove();
  }
}

function report(f: Figures) {
  const codes = Object.entries(f.statusCodes)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  console.log(
    `  ${f.name}: ${Math.round(f.reqPerSec)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms; ` +
      `${f.responses} responses {${codes}}, non-2xx ${f.non2xx}, errors ${f.errors}, mismatches ${f.mismatches}, ` +
      `~${f.bytesPerResponse} B/response on the wire`,
  );
}

export async function validateBench(opts: BenchOptions): Promise<void> {
  const facts = machineFacts();
  console.log('validate benchmark');
  console.log(
    `  machine: node ${facts.node}, ${facts.platform}, ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.memGiB} GiB, ` +
      `load average ${facts.loadAvg1m} at start`,
  );
  console.log(
    `  load: autocannon, ${opts.connections} connections, ${opts.duration} s per target after a ${opts.warmup} s warm-up ` +
      `(BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP)`,
  );
  console.log(
    '  servers: each in its own child process (test/bench/server.ts built to JavaScript, on plain node); load from this process',
  );
  console.log(
    `  app: logLevel ${APP_LOG_LEVEL} (production's; stdout to a file), background jobs on, default caches; rate limiter on (in memory) ` +
      'with the per-IP budget raised to 1e9/min, as all the load comes from 127.0.0.1',
  );
  if (opts.cpuProfDir) console.log(`  cpu profiles of the server children: ${opts.cpuProfDir}`);
  console.log('');

  const rows: Row[] = [];
  const run = async (t: Target) => {
    console.log(`- ${t.name} …`);
    const f = await load(t, opts);
    report(f);
    rows.push(f);
    return f;
  };

  // 1. baseline
  {
    const server = await startServer('baseline', opts);
    try {
      const t = restTarget('baseline (node:http)', server.url, 'XXXX-XXXX-XXXX-XXXX', server.pid);
      const bad = await checkRest(t);
      if (bad) throw new Error(`baseline probe failed: ${bad}`);
      await run(t);
    } finally {
      await server.stop();
    }
  }

  // 2. REST on PGlite (on disk) and 4. GraphQL on the same server
  const dir = tempDir('to-bench-pglite-');
  try {
    await withAppServer(opts, { BENCH_DATA_DIR: dir.path }, async (url, key, pid) => {
      const rest = restTarget('rest validate (pglite)', url, key, pid);
      const bad = await checkRest(rest);
      if (bad) throw new Error(`REST probe failed: ${bad}`);
      await run(rest);

      const gql = await graphqlTarget('graphql validate (pglite)', url, key, pid);
      if ('unavailable' in gql) {
        console.log(`- graphql: unavailable (${gql.unavailable})`);
        rows.push({ name: 'graphql validate (pglite)', unavailable: gql.unavailable });
      } else {
        await run(gql);
      }
    });
  } finally {
    await dir.remove();
  }

  // 3. REST on PostgreSQL
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const db = await freshPgDatabase(databaseUrl);
    console.log(`- postgres: fresh database ${db.name}`);
    try {
      await withAppServer(opts, { BENCH_DATABASE_URL: db.url }, async (url, key, pid) => {
        const rest = restTarget('rest validate (postgres)', url, key, pid);
        const bad = await checkRest(rest);
        if (bad) throw new Error(`REST probe failed: ${bad}`);
        await run(rest);
      });
    } finally {
      await db.drop();
    }
  } else {
    rows.push({ name: 'rest validate (postgres)', unavailable: 'DATABASE_URL not set' });
  }

  const final = withRatios(rows, 'baseline (node:http)');
  console.log('');
  console.log(table(final));
  console.log('');
  for (const r of final) {
    if ('unavailable' in r || !r.name.startsWith('rest')) continue;
    const all200 = r.non2xx === 0 && r.errors === 0 && r.mismatches === 0;
    console.log(
      `${r.name}: ${all200 ? 'all' : 'NOT all'} ${r.responses} responses during the load were 200 with valid:true ` +
        `(non-2xx ${r.non2xx}, errors ${r.errors}, body mismatches ${r.mismatches})`,
    );
  }
  console.log('');
  console.log(JSON.stringify(summary('validate', opts, final, { logLevel: APP_LOG_LEVEL })));
}
