// What the audit log costs a write: PATCH /api/v1/licenses/:id with a different metadata value on
// every request (so each one is a real change with an entry), on the app with TO_AUDIT_LOG on and
// off, against the same bare node:http baseline, in one run. PGlite on disk; PostgreSQL as well when
// DATABASE_URL is set. After each "on" load, the log's count for the license is checked against the
// 200s the load got: one entry per change.
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

const BODY = JSON.stringify({ metadata: { run: '[<id>]' } });

function patchTarget(name: string, url: string, apiKey: string, licenseId: string, pid: number): Target {
  return {
    name,
    url: `${url}/api/v1/licenses/${licenseId}`,
    method: 'PATCH',
    body: BODY,
    idReplacement: true,
    headers: { authorization: `Bearer ${apiKey}` },
    verifyBody: (b) => b.startsWith('{"license":'),
    serverPid: pid,
  };
}

async function auditCount(url: string, apiKey: string, licenseId: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/audit-log?target=${licenseId}&action=license.updated&limit=1`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const json = (await res.json()) as { pagination: { total: number } };
  return json.pagination.total;
}

const VARIANTS: { label: string; env: Record<string, string> }[] = [
  { label: 'audit on', env: {} },
  { label: 'audit off', env: { BENCH_AUDIT: 'off' } },
];

export async function auditBench(opts: BenchOptions): Promise<void> {
  const facts = machineFacts();
  console.log('audit benchmark (PATCH /api/v1/licenses/:id, a metadata change per request)');
  console.log(
    `  machine: node ${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAvg1m}; ` +
      `${opts.connections} connections, ${opts.duration} s per target after a ${opts.warmup} s warm-up`,
  );
  const rows: Row[] = [];
  const baseline = await startServer('baseline', opts);
  try {
    const t: Target = { ...patchTarget('baseline (node:http)', baseline.url, 'x', 'lic_x', baseline.pid) };
    t.verifyBody = undefined;
    console.log('- baseline (node:http) …');
    rows.push(await load(t, opts));
  } finally {
    await baseline.stop();
  }
  const databases: {
    kind: string;
    env: () => Promise<{ env: Record<string, string>; done: () => Promise<void> }>;
  }[] = [
    {
      kind: 'pglite',
      env: () => {
        const dir = tempDir('to-bench-audit-');
        return Promise.resolve({ env: { BENCH_DATA_DIR: dir.path }, done: dir.remove });
      },
    },
  ];
  const pg = process.env.DATABASE_URL;
  if (pg) {
    databases.push({
      kind: 'postgres',
      env: async () => {
        const db = await freshPgDatabase(pg);
        return { env: { BENCH_DATABASE_URL: db.url }, done: db.drop };
      },
    });
  }
  const checks: string[] = [];
  for (const db of databases) {
    for (const v of VARIANTS) {
      const name = `license PATCH, ${v.label} (${db.kind})`;
      const { env, done } = await db.env();
      const server = await startServer('app', opts, { ...env, ...v.env });
      try {
        const key = String(server.info.apiKey);
        const id = String(server.info.licenseId);
        const t = patchTarget(name, server.url, key, id, server.pid);
        const first = await probe({ ...t, body: JSON.stringify({ metadata: { run: 'probe' } }) });
        if (first.status !== 200) throw new Error(`${name}: probe failed: ${first.status} ${first.text}`);
        const before = await auditCount(server.url, key, id);
        console.log(`- ${name} …`);
        const f = await load(t, opts);
        rows.push(f);
        const logged = (await auditCount(server.url, key, id)) - before;
        const ok = f.statusCodes['200'] ?? 0;
        // The warm-up's changes are logged too: count what the measured load and its warm-up wrote.
        checks.push(
          `${name}: ${logged} license.updated entries written during warm-up + load; ${ok} 200s in the measured load` +
            (v.env.BENCH_AUDIT === 'off' ? ' (audit off: expected 0 entries)' : ''),
        );
      } finally {
        await server.stop();
        await done();
      }
    }
  }
  const final = withRatios(rows, 'baseline (node:http)');
  console.log('');
  console.log(table(final));
  console.log('');
  for (const c of checks) console.log(`  ${c}`);
  for (const db of databases) {
    const on = final.find((r): r is Figures => r.name === `license PATCH, audit on (${db.kind})`);
    const off = final.find((r): r is Figures => r.name === `license PATCH, audit off (${db.kind})`);
    if (!on || !off || 'unavailable' in on || 'unavailable' in off) continue;
    const pct = ((on.reqPerSec - off.reqPerSec) / off.reqPerSec) * 100;
    const cpu =
      on.serverCpuUs !== null && off.serverCpuUs !== null
        ? `; server CPU ${on.serverCpuUs} vs ${off.serverCpuUs} µs/request`
        : '';
    console.log(
      `  ${db.kind}: audit on/off = ${(on.reqPerSec / off.reqPerSec).toFixed(3)} ` +
        `(${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% req/s; p99 ${on.p99Ms} vs ${off.p99Ms} ms${cpu})`,
    );
  }
  console.log('');
  console.log(JSON.stringify(summary('audit', opts, final)));
}
