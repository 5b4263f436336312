// What `consume: 1` costs on validate: plain REST validate vs validate with consume:1 (maxUses null,
// so it never refuses: every call is one autocommitted conditional UPDATE … RETURNING) against the
// same app server, and a bare node:http baseline, in one run.
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
import { checkRest, restTarget, withAppServer } from './validate';

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
    await withAppServer(opts, env, async (url, key, pid) => {
      const plain = restTarget('rest validate', url, key, pid);
      const consume = {
        ...restTarget('rest validate, consume:1', url, key, pid),
        body: JSON.stringify({ license_key: key, consume: 1 }),
      };
      for (const t of [plain, consume]) {
        const bad = await checkRest(t);
        if (bad) throw new Error(`${t.name}: probe failed: ${bad}`);
      }
      // Plain, consume, plain again: the two plain runs show the noise (and that uses growing
      // does not slow plain validates).
      for (const t of [plain, consume, { ...plain, name: 'rest validate again' }]) {
        console.log(`- ${t.name} …`);
        rows.push(await load(t, opts));
      }
    });
  } finally {
    await dir.remove();
    await pgDb?.drop();
  }
  const final = withRatios(rows, 'baseline (node:http)');
  console.log('');
  console.log(table(final));
  console.log(JSON.stringify(summary('meter', opts, final)));
}
