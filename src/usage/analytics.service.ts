// Usage analytics over the usage rows: counts per hour or day, success/failure by kind and by code
// (validations beside activations, deactivations and heartbeats, refusals included), distinct active
// devices, filtered by product or license, over a time range.
import type { Deps } from '../deps';
import { validationError } from '../lib/errors';
import type { Caller } from '../lib/principal';
import type { AnalyticsInput } from './analytics.schemas';
import type { UsageKind } from './usage-recorder';

interface CodeCount {
  kind: UsageKind;
  code: string;
  success: boolean;
  count: number;
}

export interface UsageAnalytics {
  from: Date;
  to: Date;
  interval: 'hour' | 'day';
  totals: { total: number; success: number; failure: number };
  /** Per bucket, with its own counts by kind and code (the dashboard's chart of failures by code). */
  series: { bucket: Date; total: number; success: number; failure: number; byCode: CodeCount[] }[];
  /** Per kind (validate, activate, deactivate, heartbeat) that had usage. */
  byKind: { kind: UsageKind; total: number; success: number; failure: number }[];
  /** Per kind and result code: VALID, ACTIVATED, ACTIVATION_LIMIT_REACHED, DEACTIVATED, LEASE_EXPIRED, … */
  byCode: CodeCount[];
  activeDevices: number;
  /** Uses consumed by validations with `consume`, over the range. */
  consumed: number;
}

const KINDS: readonly UsageKind[] = ['validate', 'activate', 'deactivate', 'heartbeat'];

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
  // One grouping by bucket, kind and code gives the series, each bucket's codes and the totals.
  const [groups, devices] = await Promise.all([
    db.$queryRawUnsafe<
      { bucket: Date; kind: UsageKind; code: string; success: boolean; count: number; consumed: number }[]
    >(
      `SELECT date_trunc('${trunc}', "createdAt" AT TIME ZONE 'UTC') AS bucket, kind, code, success,
              sum("count")::int AS count, sum("consumed")::int AS consumed
         FROM "UsageRecord" WHERE ${where} GROUP BY 1, 2, 3, 4 ORDER BY 1`,
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
    b.byCode.push({ kind: g.kind, code: g.code, success: g.success, count: g.count });
    const key = `${g.kind}/${g.code}/${g.success}`;
    const c = codes.get(key);
    if (c) c.count += g.count;
    else codes.set(key, { kind: g.kind, code: g.code, success: g.success, count: g.count });
  }
  const byCount = (a: CodeCount, b: CodeCount) =>
    b.count - a.count || a.kind.localeCompare(b.kind) || a.code.localeCompare(b.code);
  const rows = [...buckets.values()];
  for (const r of rows) r.byCode.sort(byCount);
  const byCode = [...codes.values()].sort(byCount);
  const total = rows.reduce((n, r) => n + r.total, 0);
  const success = rows.reduce((n, r) => n + r.success, 0);
  const byKind = KINDS.map((kind) => {
    const mine = byCode.filter((c) => c.kind === kind);
    const ok = mine.filter((c) => c.success).reduce((n, c) => n + c.count, 0);
    const all = mine.reduce((n, c) => n + c.count, 0);
    return { kind, total: all, success: ok, failure: all - ok };
  }).filter((k) => k.total > 0);
  return {
    from: q.from,
    to: q.to,
    interval: q.interval,
    totals: { total, success, failure: total - success },
    series: rows,
    byKind,
    byCode,
    activeDevices: devices[0]?.n ?? 0,
    consumed: groups.reduce((n, g) => n + g.consumed, 0),
  };
}

/** `date_trunc(... AT TIME ZONE 'UTC')` is a timestamp without zone: read its wall clock as UTC. */
function toIso(d: Date | string): string {
  if (typeof d === 'string') return d.replace(' ', 'T');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
