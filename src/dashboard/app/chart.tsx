// Validations per day over 30 days, successes and failures by code stacked, as inline SVG; the same
// numbers as a table for screen readers and for reading exact values.
import type { OverviewQuery } from '../gql/graphql';
import { DAY } from './format';

type Bucket = OverviewQuery['usageAnalytics']['series'][number];

const COLORS = ['#b42318', '#c4320a', '#7a2e0e', '#6941c6', '#155eef', '#475467', '#b54708', '#067647'];

export function ValidationsChart(props: { series: Bucket[]; from: Date; days: number }) {
  const byDay = new Map(props.series.map((b) => [b.bucket.slice(0, 10), b]));
  const start = Date.UTC(props.from.getUTCFullYear(), props.from.getUTCMonth(), props.from.getUTCDate());
  const days = Array.from({ length: props.days }, (_, i) =>
    new Date(start + (i + 1) * DAY).toISOString().slice(0, 10),
  );
  const failureCodes = [
    ...new Set(props.series.flatMap((b) => b.byCode.filter((c) => !c.success).map((c) => c.code))),
  ].sort();
  const color = (code: string) => COLORS[failureCodes.indexOf(code) % COLORS.length]!;
  const max = Math.max(1, ...props.series.map((b) => b.total));
  const W = 720;
  const H = 200;
  const pad = { l: 52, r: 8, t: 22, b: 34 };
  const bw = (W - pad.l - pad.r) / days.length;
  const y = (v: number) => (v / max) * (H - pad.t - pad.b);
  const total = props.series.reduce((n, b) => n + b.total, 0);
  const failed = props.series.reduce((n, b) => n + b.failure, 0);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Validations per day over ${props.days} days: ${total.toLocaleString()} in all, ${failed.toLocaleString()} failed.`}
      >
        <line x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} class="axis" />
        <text x={pad.l - 6} y={pad.t + 4} class="tick" text-anchor="end">
          {max.toLocaleString()}
        </text>
        <text x={pad.l - 6} y={H - pad.b} class="tick" text-anchor="end">
          0
        </text>
        {days.map((d, i) => {
          const b = byDay.get(d);
          const x = pad.l + i * bw + 1;
          let top = H - pad.b;
          const parts: { h: number; cls?: string; fill?: string; label: string }[] = [];
          if (b) {
            parts.push({ h: y(b.success), cls: 'ok', label: `${b.success} valid` });
            for (const c of b.byCode.filter((c) => !c.success))
              parts.push({ h: y(c.count), fill: color(c.code), label: `${c.count} ${c.code}` });
          }
          return (
            <g key={d}>
              {parts.map((p, j) => {
                top -= p.h;
                return (
                  <rect
                    key={j}
                    x={x}
                    y={top}
                    width={Math.max(1, bw - 2)}
                    height={p.h}
                    class={p.cls}
                    fill={p.fill}
                  >
                    <title>{`${d}: ${p.label}`}</title>
                  </rect>
                );
              })}
              {i % 5 === 0 && (
                <text x={x + bw / 2} y={H - 4} class="tick" text-anchor="middle">
                  {d.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          <li>
            <span class="swatch ok" aria-hidden="true" /> Valid
          </li>
          {failureCodes.map((c) => (
            <li key={c}>
              <span class="swatch" style={{ background: color(c) }} aria-hidden="true" /> {c}
            </li>
          ))}
        </ul>
        <details>
          <summary>The numbers by day</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Validations</th>
                <th scope="col">Failed</th>
                <th scope="col">Failures by code</th>
              </tr>
            </thead>
            <tbody>
              {props.series.map((b) => (
                <tr key={b.bucket}>
                  <td>{b.bucket.slice(0, 10)}</td>
                  <td>{b.total}</td>
                  <td>{b.failure}</td>
                  <td>
                    {b.byCode
                      .filter((c) => !c.success)
                      .map((c) => `${c.code} ${c.count}`)
                      .join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
