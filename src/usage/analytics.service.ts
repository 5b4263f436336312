// Usage analytics over the usage rows: counts per hour or day, success/failure by code, distinct
// active devices, filtered by product or license, over a time range.
import type { Deps } from '../deps';
import { validationError } from '../lib/errors';
import type { Caller } from '../lib/principal';
import type { AnalyticsInput } from './analytics.schemas';

interface CodeCount {
  code: string;
  success: boolean;
  count: number;
}

export interface UsageAnalytics {
  from: Date;
  to: Date;
  interval: 'hour' | 'day';
  totals: { total: number; success: number; failure: number };
  series: { bucket: Date; total: number; success: number; failure: number; byCode: CodeCount[] }[];
  byCode: CodeCount[];
  activeDevices: number;
}

const MAX_BUCKETS = 24 * 93; // about three months of hours

/** The report over [from, to), default the last 30 days, including what is still in the usage batch. */
export async function usageAnalytics(
  deps: Deps,
  caller: Caller,
  input: AnalyticsInput,
): Promise<UsageAnalytics> {
  const { tenant } = caller;
  const to = input.to ?? deps.now();
  const q = { ...input, to, from: input.from ?? new Date(to.getTime() - 30 * 86_400_000) };
  if (q.to.getTime() <= q.from.getTime()) throw validationError('`to` must be after `from`');
  await deps.usage.flush();
  const bucketMs = q.interval === 'hour' ? 3600_000 : 86_400_000;
  if ((q.to.getTime() - q.from.getTime()) / bucketMs > MAX_BUCKETS) {
    throw validationError(`Range too long for interval ${q.interval}`);
  }
  // Parameters: $1 account, $2 environment, $3 from, $4 to, then the optional filters.
  const params: unknown[] = [tenant.accountId, tenant.environment, q.from, q.to];
  let where = `"accountId" = $1 AND "environment" = $2::"Environment" AND "createdAt" >= $3 AND "createdAt" < $4`;
  if (q.productId) where += ` AND "productId" = $${params.push(q.productId)}`;
  if (q.licenseId) where += ` AND "licenseId" = $${params.push(q.licenseId)}`;
  if (q.kind) where += ` AND "kind" = $${params.push(q.kind)}`;
  const trunc = q.interval === 'hour' ? 'hour' : 'day';
  const db = deps.prisma;
  // One grouping by bucket and code gives the series, each bucket's codes and the totals by code.
  const [groups, devices] = await Promise.all([
    db.$queryRawUnsafe<{ bucket: Date; code: string; success: boolean; count: number }[]>(
      `SELECT date_trunc('${trunc}', "createdAt" AT TIME ZONE 'UTC') AS bucket, code, success,
              sum("count")::int AS count
         FROM "UsageRecord" WHERE ${where} GROUP BY 1, 2, 3 ORDER BY 1`,
      ...params,
    ),
    db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(DISTINCT "machineId")::int AS n FROM "UsageRecord" WHERE ${where} AND "machineId" IS NOT NULL`,
      ...params,
    ),
  ]);
  const buckets = new Map<string, UsageAnalytics['series'][number]>();
  const codes = new Map<string, CodeCount>();
  for (const g of groups) {
    const at = `${toIso(g.bucket).slice(0, 19)}Z`;
    let b = buckets.get(at);
    if (!b) buckets.set(at, (b = { bucket: new Date(at), total: 0, success: 0, failure: 0, byCode: [] }));
    b.total += g.count;
    if (g.success) b.success += g.count;
    else b.failure += g.count;
    b.byCode.push({ code: g.code, success: g.success, count: g.count });
    const key = `${g.code}/${g.success}`;
    const c = codes.get(key);
    if (c) c.count += g.count;
    else codes.set(key, { code: g.code, success: g.success, count: g.count });
  }
  const byCount = (a: CodeCount, b: CodeCount) => b.count - a.count || a.code.localeCompare(b.code);
  const rows = [...buckets.values()];
  for (const r of rows) r.byCode.sort(byCount);
  const total = rows.reduce((n, r) => n + r.total, 0);
  const success = rows.reduce((n, r) => n + r.success, 0);
  return {
    from: q.from,
    to: q.to,
    interval: q.interval,
    totals: { total, success, failure: total - success },
    series: rows,
    byCode: [...codes.values()].sort(byCount),
    activeDevices: devices[0]?.n ?? 0,
  };
}

/** `date_trunc(... AT TIME ZONE 'UTC')` is a timestamp without zone: read its wall clock as UTC. */
function toIso(d: Date | string): string {
  if (typeof d === 'string') return d.replace(' ', 'T');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
