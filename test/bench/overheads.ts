// What the validate path's extras cost: REST validate on PGlite with everything on, with usage
// recording off, with the rate limiter off, and with the limiter in Redis (when REDIS_URL is set),
// against the same bare node:http baseline, in one run.
import { type BenchOptions, type Figures, load, machineFacts, type Row, startServer, tempDir } from './lib';
import { summary, table, withRatios } from './report';
import { inProcessOverheads } from './inprocess';
import { checkRest, restTarget, withAppServer } from './validate';

const VARIANTS: { name: string; env: Record<string, string>; needs?: string }[] = [
  { name: 'rest validate, all on (limiter in memory, usage on)', env: {} },
  { name: 'rest validate, usage recording off', env: { BENCH_USAGE: 'off' } },
  { name: 'rest validate, rate limiter off', env: { BENCH_RATE_LIMIT: 'off' } },
  { name: 'rest validate, limiter in Redis', env: { BENCH_RATE_LIMIT: 'redis' }, needs: 'REDIS_URL' },
  // Measured again last: the first app run of a process can come out low (cold caches), and the
  // two "all on" figures together show how much the order matters.
  { name: 'rest validate, all on again', env: {} },
];

export async function overheadsBench(opts: BenchOptions): Promise<void> {
  const facts = machineFacts();
  console.log('overheads benchmark (REST validate on PGlite on disk)');
  console.log(
    `  machine: node ${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAvg1m}; ` +
      `${opts.connections} connections, ${opts.duration} s per target`,
  );
  const rows: Row[] = [];
  const baseline = await startServer('baseline', opts);
  try {
    const t = restTarget('baseline (node:http)', baseline.url, 'XXXX-XXXX-XXXX-XXXX', baseline.pid);
    rows.push(await load(t, opts));
  } finally {
    await baseline.stop();
  }
  for (const v of VARIANTS) {
    if (v.needs && !process.env[v.needs]) {
      rows.push({ name: v.name, unavailable: `${v.needs} not set` });
      continue;
    }
    const dir = tempDir('to-bench-overheads-');
    try {
      await withAppServer(opts, { BENCH_DATA_DIR: dir.path, ...v.env }, async (url, key, pid) => {
        const t = restTarget(v.name, url, key, pid);
        const bad = await checkRest(t);
        if (bad) throw new Error(`${v.name}: probe failed: ${bad}`);
        console.log(`- ${v.name} …`);
        rows.push(await load(t, opts));
      });
    } finally {
      await dir.remove();
    }
  }
  const final = withRatios(rows, 'baseline (node:http)');
  console.log('');
  console.log(table(final));
  // The reference is the mean of the two "all on" runs (their gap shows the run-to-run noise); each
  // switch's effect is relative to it.
  const ons = final.filter((r): r is Figures => !('unavailable' in r) && r.name.includes('all on'));
  // Server CPU per request with everything on (mean of the two runs), when /proc gave it for both.
  const cpus = ons.map((r) => r.serverCpuUs).filter((c): c is number => c !== null);
  const cpuRef =
    cpus.length > 0 && cpus.length === ons.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : null;
  if (ons.length > 0) {
    const ref = ons.reduce((n, r) => n + r.reqPerSec, 0) / ons.length;
    console.log(
      `  all on: ${ons.map((r) => Math.round(r.reqPerSec)).join(' and ')} req/s (mean ${Math.round(ref)})` +
        (cpuRef === null ? '' : `, server CPU ${cpus.join(' and ')} µs/request (mean ${Math.round(cpuRef)})`),
    );
    const signed = (pct: number) => `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
    for (const r of final.slice(1)) {
      if ('unavailable' in r || r.name.includes('all on')) continue;
      const pct = ((r.reqPerSec - ref) / ref) * 100;
      // What the switched-off part costs: the server CPU it saves per request, as a share of "all on".
      const cpu =
        cpuRef !== null && r.serverCpuUs !== null
          ? `; server CPU ${r.serverCpuUs} µs/request, ${signed(((r.serverCpuUs - cpuRef) / cpuRef) * 100)}`
          : '';
      console.log(`  "${r.name}": ${signed(pct)} req/s against all on${cpu}`);
    }
  }
  // The same switches in this process, without the network: steadier, and the share of a request's
  // server CPU (from the network runs above) each part takes.
  console.log('');
  console.log('in process (the dispatcher on the validate route, no socket; median of 7 rounds of 20,000):');
  const inProc = await inProcessOverheads();
  const all = inProc[0]!;
  for (const f of inProc) {
    const saved = all.cpuUs - f.cpuUs;
    const share =
      f === all || f.door !== 'rest' || cpuRef === null
        ? ''
        : `: costs ${saved.toFixed(2)} µs/request, ${((saved / cpuRef) * 100).toFixed(1)}% of the server's ${Math.round(cpuRef)} µs/request above`;
    console.log(`  ${f.name}: ${f.cpuUs} µs CPU/request (rounds ${f.rounds.join(', ')})${share}`);
  }
  console.log('');
  console.log(JSON.stringify(summary('overheads', opts, final, { inProcess: inProc })));
}
