// What `consume: 1` and an `entitlements` check cost on validate: plain REST validate vs validate
// with consume:1 (maxUses null, so it never refuses: every call is one autocommitted conditional
// UPDATE … RETURNING) vs validate asking for the 3 entitlements the license's product grants (all
// there, so valid: the check runs on the cached license's entitlementCodes) against the same app
// server, and a bare node:http baseline, in one run.
import {
  type BenchOptions,
  freshPgDatabase,
  load,
  machineFacts,
  type Row,
  startServer,
  tempDir,
} from './lib';
import { summary, table, withRatios } from './report';
import { api } from './seed';
import { checkRest, restTarget } from './validate';

const ENTITLEMENTS = ['export', 'sso', 'api.access'];

/** Creates ENTITLEMENTS and attaches them to the license's product through the REST API. */
async function grantEntitlements(url: string, apiKey: string, licenseId: string): Promise<void> {
  const call = (method: string, path: string, body?: unknown) => api(url, apiKey, method, path, body);
  for (const code of ENTITLEMENTS) await call('POST', '/api/v1/entitlements', { code });
  const { license } = await call('GET', `/api/v1/licenses/${licenseId}`);
  await call('POST', `/api/v1/products/${license.productId}/entitlements`, { codes: ENTITLEMENTS });
  const after = await call('GET', `/api/v1/licenses/${licenseId}`);
  if (after.license.entitlements.length !== ENTITLEMENTS.length)
    throw new Error(`license entitlements: ${JSON.stringify(after.license.entitlements)}`);
}

export async function meterBench(opts: BenchOptions): Promise<void> {
  const facts = machineFacts();
  console.log(
    `meter benchmark (REST validate on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite on disk'})`,
  );
  console.log(
    `  machine: node ${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAvg1m}; ` +
      `${opts.connections} connections, ${opts.duration} s per target`,
  );
  const rows: Row[] = [];
  const baseline = await startServer('baseline', opts);
  try {
    rows.push(
      await load(restTarget('baseline (node:http)', baseline.url, 'XXXX-XXXX-XXXX-XXXX', baseline.pid), opts),
    );
  } finally {
    await baseline.stop();
  }
  // PGlite on disk, or a fresh PostgreSQL database when DATABASE_URL is set.
  const dir = tempDir('to-bench-meter-');
  const pgDb = process.env.DATABASE_URL ? await freshPgDatabase(process.env.DATABASE_URL) : null;
  const env: Record<string, string> = pgDb ? { BENCH_DATABASE_URL: pgDb.url } : { BENCH_DATA_DIR: dir.path };
  try {
    const server = await startServer('app', opts, env);
    try {
      const { url, pid } = server;
      const key = String(server.info.licenseKey);
      await grantEntitlements(url, String(server.info.apiKey), String(server.info.licenseId));
      const plain = restTarget('rest validate', url, key, pid);
      const consume = {
        ...restTarget('rest validate, consume:1', url, key, pid),
        body: JSON.stringify({ license_key: key, consume: 1 }),
      };
      const entitled = {
        ...restTarget(`rest validate, entitlements:[${ENTITLEMENTS.length}]`, url, key, pid),
        body: JSON.stringify({ license_key: key, entitlements: ENTITLEMENTS }),
      };
      for (const t of [plain, consume, entitled]) {
        const bad = await checkRest(t);
        if (bad) throw new Error(`${t.name}: probe failed: ${bad}`);
      }
      // Plain, consume, entitlements, plain again: the two plain runs show the noise (and that
      // uses growing does not slow plain validates).
      for (const t of [plain, consume, entitled, { ...plain, name: 'rest validate again' }]) {
        console.log(`- ${t.name} …`);
        rows.push(await load(t, opts));
      }
    } finally {
      await server.stop();
    }
  } finally {
    await dir.remove();
    await pgDb?.drop();
  }
  const final = withRatios(rows, 'baseline (node:http)');
  console.log('');
  console.log(table(final));
  console.log(JSON.stringify(summary('meter', opts, final)));
}
