// The usage counter's statements. Each change is ONE conditional UPDATE … RETURNING, so the limit
// holds under any concurrency without a lock, a retry or an interactive transaction: PostgreSQL
// re-checks the WHERE clause on the row it finally updates, so of 100 concurrent `consume: 1`
// against maxUses 50 exactly 50 match. The reset interval is applied lazily in the same statement:
// `usesPeriodStart` is the UTC boundary the count belongs to, and a count from an earlier period
// counts as 0. `$3` is the caller's clock (deps.now), so tests can move time.
import type { UsesResetInterval } from '../../prisma/generated/client/client';

/** The start of the current period (UTC), or null when the interval is `none`. */
const BOUNDARY = `(CASE WHEN "usesResetInterval" = 'none' THEN NULL
  ELSE date_trunc("usesResetInterval"::text, $3::timestamptz, 'UTC') END)`;
/** `uses` as it stands in the current period. */
const CURRENT = `(CASE WHEN ${BOUNDARY} IS NOT NULL AND ("usesPeriodStart" IS NULL OR "usesPeriodStart" < ${BOUNDARY})
  THEN 0 ELSE "uses" END)`;
/** Tenant guard of the portal routes ($4 account, $5 environment). */
const IN_TENANT = `AND "accountId" = $4 AND "environment" = $5::"Environment"`;
const RETURNING = `RETURNING "uses", "maxUses"`;

/** Adds $2 uses when they fit. No row back: the license is gone, or they do not fit. */
export const CONSUME_SQL = `UPDATE "License" SET "uses" = ${CURRENT} + $2::int, "usesPeriodStart" = ${BOUNDARY}
  WHERE "id" = $1 AND ("maxUses" IS NULL OR ${CURRENT} + $2::int <= "maxUses") ${RETURNING}`;
export const INCREMENT_SQL = CONSUME_SQL.replace(RETURNING, `${IN_TENANT} ${RETURNING}`);
/** Takes $2 uses off when that does not go below 0. */
export const DECREMENT_SQL = `UPDATE "License" SET "uses" = ${CURRENT} - $2::int, "usesPeriodStart" = ${BOUNDARY}
  WHERE "id" = $1 AND ${CURRENT} - $2::int >= 0 ${IN_TENANT} ${RETURNING}`;
/** Sets $2 (0: every statement takes the same parameters). */
export const RESET_SQL = `UPDATE "License" SET "uses" = $2::int, "usesPeriodStart" = ${BOUNDARY}
  WHERE "id" = $1 ${IN_TENANT} ${RETURNING}`;

export interface Counted {
  uses: number;
  maxUses: number | null;
}

/** The start of the UTC period `at` falls in (ISO weeks start on Monday, as date_trunc's do). */
export function periodStart(interval: UsesResetInterval, at: Date): Date | null {
  if (interval === 'none') return null;
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (interval === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (interval === 'month') d.setUTCDate(1);
  return d;
}

/** What CURRENT computes, for views: a count from an earlier period reads as 0. */
export function currentUses(
  l: { uses: number; usesResetInterval: UsesResetInterval; usesPeriodStart: Date | null },
  now: Date,
): number {
  const start = periodStart(l.usesResetInterval, now);
  if (start && (!l.usesPeriodStart || l.usesPeriodStart.getTime() < start.getTime())) return 0;
  return l.uses;
}
