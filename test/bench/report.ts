// The benchmark's output: the figures table with ratios to the baseline, and the JSON summary line.
import { type BenchOptions, type Figures, machineFacts, type Row } from './lib';

const isFigures = (r: Row): r is Figures => !('unavailable' in r);

export function withRatios(rows: Row[], baselineName: string): Row[] {
  const base = rows.find((r): r is Figures => isFigures(r) && r.name === baselineName);
  return rows.map((r) => (isFigures(r) && base ? { ...r, ratio: r.reqPerSec / base.reqPerSec } : r));
}

export function table(rows: Row[]): string {
  const head = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'timeouts',
    'mismatch',
    'CPU µs/req',
    'vs baseline',
  ];
  const body = rows.map((r) =>
    isFigures(r)
      ? [
          r.name,
          Math.round(r.reqPerSec).toLocaleString('en-US'),
          String(r.p50Ms),
          String(r.p99Ms),
          String(r.non2xx),
          String(r.errors),
          String(r.timeouts),
          String(r.mismatches),
          r.serverCpuUs === null ? '-' : String(r.serverCpuUs),
          r.ratio === undefined ? '-' : `${r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2)}x`,
        ]
      : [
          r.name,
          `unavailable (${r.unavailable.length > 100 ? `${r.unavailable.slice(0, 99)}…` : r.unavailable})`,
        ],
  );
  const widths = head.map((h, i) =>
    Math.max(
      h.length,
      ...body.filter((row) => i === 0 || row.length === head.length).map((row) => row[i]!.length),
    ),
  );
  const fmt = (cells: string[]) =>
    cells.length === head.length
      ? cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
      : `${cells[0]!.padEnd(widths[0]!)}  ${cells.slice(1).join('  ')}`;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(head), rule, ...body.map(fmt)].join('\n');
}

/** The summary as one JSON object (numbers rounded for reading). */
export function summary(bench: string, opts: BenchOptions, rows: Row[], extra: Record<string, unknown> = {}) {
  return {
    bench,
    ...machineFacts(),
    connections: opts.connections,
    durationS: opts.duration,
    warmupS: opts.warmup,
    ...extra,
    results: rows.map((r) =>
      isFigures(r)
        ? {
            name: r.name,
            reqPerSec: Math.round(r.reqPerSec),
            p50Ms: r.p50Ms,
            p99Ms: r.p99Ms,
            non2xx: r.non2xx,
            errors: r.errors,
            timeouts: r.timeouts,
            mismatches: r.mismatches,
            responses: r.responses,
            serverCpuUs: r.serverCpuUs,
            ratio: r.ratio === undefined ? null : Math.round(r.ratio * 1000) / 1000,
          }
        : r,
    ),
  };
}
