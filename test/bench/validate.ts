// The validate benchmark: a bare node:http baseline, REST POST /api/v1/validate on the embedded
// default (on-disk PGlite) and on PostgreSQL (when DATABASE_URL is set), and the GraphQL
// validateLicense mutation. Each server runs in a child process; autocannon runs here.
import {
  type BenchOptions,
  type Figures,
  freshPgDatabase,
  load,
  machineFacts,
  probe,
  type Row,
  startServer,
  summary,
  table,
  type Target,
  tempDir,
  withRatios,
} from './lib';

const VALID = (body: string) => body.includes('"valid":true');

const GRAPHQL_VALIDATE = `mutation($key:String!){ validateLicense(key:$key){ __typename ... on ValidationResult { valid code } } }`;

function restTarget(name: string, url: string, licenseKey: string): Target {
  return {
    name,
    url: `${url}/api/v1/validate`,
    body: JSON.stringify({ license_key: licenseKey }),
    verifyBody: VALID,
  };
}

/** Checks one REST validate answer: 200 and valid:true. */
async function checkRest(t: Target): Promise<string | null> {
  const r = await probe(t);
  if (r.status !== 200 || r.json?.valid !== true) return `HTTP ${r.status} ${r.text.slice(0, 200)}`;
  console.log(`  ${t.name}: probe OK (200, valid:true, ${r.bytes} B body)`);
  return null;
}

/** Checks one GraphQL answer: 200, no errors, a ValidationResult with valid:true. */
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
  if (result.__typename !== 'ValidationResult' || result.valid !== true) {
    return `unexpected result ${JSON.stringify(result).slice(0, 160)}`;
  }
  console.log(`  ${t.name}: probe OK (200, ${result.__typename}, valid:true, ${r.bytes} B body)`);
  return null;
}

/** The app on a database: start it, run `each` against it, stop it. */
async function withAppServer(
  opts: BenchOptions,
  env: Record<string, string>,
  each: (url: string, licenseKey: string) => Promise<void>,
) {
  const server = await startServer('app', opts, env);
  try {
    await each(server.url, String(server.info.licenseKey));
  } finally {
    await server.stop();
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
    `  machine: node ${facts.node}, ${facts.platform}, ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.memGiB} GiB`,
  );
  console.log(
    `  load: autocannon, ${opts.connections} connections, ${opts.duration} s per target after a ${opts.warmup} s warm-up ` +
      `(BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP)`,
  );
  console.log(
    '  servers: each in its own child process (node --import tsx test/bench/server.ts); load from this process',
  );
  console.log('  app: logLevel warn (request logs off), background jobs on, default caches');
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
      const t = restTarget('baseline (node:http)', server.url, 'XXXX-XXXX-XXXX-XXXX');
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
    await withAppServer(opts, { BENCH_DATA_DIR: dir.path }, async (url, key) => {
      const rest = restTarget('rest validate (pglite)', url, key);
      const bad = await checkRest(rest);
      if (bad) throw new Error(`REST probe failed: ${bad}`);
      await run(rest);

      const gql: Target = {
        name: 'graphql validate (pglite)',
        url: `${url}/graphql`,
        body: JSON.stringify({ query: GRAPHQL_VALIDATE, variables: { key } }),
        verifyBody: VALID,
      };
      const reason = await checkGraphql(gql);
      if (reason) {
        console.log(`- graphql: unavailable (${reason})`);
        rows.push({ name: gql.name, unavailable: reason });
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
      await withAppServer(opts, { BENCH_DATABASE_URL: db.url }, async (url, key) => {
        const rest = restTarget('rest validate (postgres)', url, key);
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
  console.log(JSON.stringify(summary('validate', opts, final, { logLevel: 'warn' })));
}
