// Top self-time table of a V8 CPU profile (--cpu-prof output, e.g. from BENCH_CPU_PROF=<dir>):
//   npx tsx test/bench/prof-top.ts <file.cpuprofile> [--by=function|package] [--top=10]
// `function` groups by function and file:line; `package` by node_modules package (our own code as
// its file). Self time is the time a sample landed in that frame itself, not in what it called.
//   --from=S --to=S  only the samples between S and S seconds after the profile's start (a bench's
//                    timed part, without its set-up); --timeline prints busy ms per second, to find it
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

/** The samples' times, in µs after the first one. */
function sampleTimes(profile: Profile): number[] {
  let t = 0;
  return profile.timeDeltas.map((dt, i) => (i === 0 ? 0 : (t += dt)));
}

/** Busy (not idle) ms in each second of the profile. */
export function timeline(profile: Profile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = sampleTimes(profile);
  const busy: number[] = [];
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const s = Math.floor(times[i]! / 1e6);
    busy[s] = (busy[s] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return Array.from(busy, (ms, s) => `${s} s: ${Math.round(ms ?? 0)} ms busy`).join('\n');
}

export function topTable(
  profile: Profile,
  by: 'function' | 'package',
  top: number,
  window: { fromS?: number; toS?: number } = {},
): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const times = sampleTimes(profile);
  const from = (window.fromS ?? 0) * 1e6;
  const to = (window.toS ?? Infinity) * 1e6;
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (times[i]! < from || times[i]! >= to) return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const f = byId.get(id)!.callFrame;
    const key =
      by === 'package'
        ? packageOf(f.url)
        : `${f.functionName || '(anonymous)'} ${f.url ? `${packageOf(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [`| # | self ms | self % | ${by} |`, '|---|---:|---:|---|'];
  rows.forEach(([key, us], i) =>
    lines.push(`| ${i + 1} | ${(us / 1000).toFixed(0)} | ${((us / total) * 100).toFixed(1)} | ${key} |`),
  );
  lines.push(`\ntotal sampled: ${(total / 1000).toFixed(0)} ms`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('prof-top.ts')) {
  const file = process.argv[2];
  if (!file) {
    console.error(
      'usage: prof-top.ts <file.cpuprofile> [--by=function|package] [--top=10] [--from=S] [--to=S] [--timeline]',
    );
    process.exit(2);
  }
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const by = arg('by') === 'package' ? 'package' : 'function';
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const seconds = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)));
  if (process.argv.includes('--timeline')) console.log(timeline(profile));
  else
    console.log(
      topTable(profile, by, Number(arg('top') ?? 10), { fromS: seconds('from'), toS: seconds('to') }),
    );
}
