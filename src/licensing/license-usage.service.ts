// Usage counters: the portal's increment, decrement and reset (through commit(), with their events),
// and validate's `consume` (one autocommitted conditional UPDATE, no transaction: see
// usage-counter.ts and README "Usage counters"). License JSON shows `uses` of the current period.
import type { License } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { type Caller, inTenant } from '../lib/principal';
import type { CacheEntry, CachedLicense } from './license-cache';
import type { UsageAmountInput } from './license-usage.schemas';
import { changed, licenseEvent, type LicenseWithCustomer } from './licenses.service';
import {
  CONSUME_SQL,
  type Counted,
  currentUses,
  DECREMENT_SQL,
  INCREMENT_SQL,
  periodStart,
  RESET_SQL,
} from './usage-counter';

/** 422 VALIDATION_ERROR (PRODUCT.md §15): well-formed, but the count cannot go below 0. The code's
 * usual status is 400 (input the schema refuses); this one depends on the stored count. */
class BelowZeroError extends AppError {
  override readonly status: number = 422;
  constructor(uses: number) {
    super('VALIDATION_ERROR', `uses cannot go below 0 (it is ${uses})`, { uses });
  }
}

export type UsageAction = 'increment' | 'decrement' | 'reset';

const STATEMENT = { increment: INCREMENT_SQL, decrement: DECREMENT_SQL, reset: RESET_SQL } as const;
const EVENT = {
  increment: 'license.usage.incremented',
  decrement: 'license.usage.decremented',
  reset: 'license.usage.reset',
} as const;

const reached = (c: Counted) => c.maxUses !== null && c.uses >= c.maxUses;

/** Increments, decrements or resets a license's uses. Past maxUses is 422 USAGE_LIMIT_EXCEEDED and
 * below 0 is 422 VALIDATION_ERROR; nothing changes then. */
export function changeUsage(
  deps: Deps,
  caller: Caller,
  id: string,
  action: UsageAction,
  input: UsageAmountInput = {},
): Promise<LicenseWithCustomer> {
  const amount = action === 'reset' ? 0 : (input.amount ?? 1);
  const { accountId, environment } = caller.tenant;
  return commit(deps, async (tx, staged) => {
    const now = deps.now();
    const [counted] = await tx.$queryRawUnsafe<Counted[]>(
      STATEMENT[action],
      id,
      amount,
      now,
      accountId,
      environment,
    );
    if (!counted) {
      const l = await tx.license.findFirst({ where: { id, ...inTenant(caller.tenant) } });
      if (!l) throw notFound('License');
      const uses = currentUses(l, now);
      if (action === 'increment') {
        throw new AppError('USAGE_LIMIT_EXCEEDED', `${amount} more use(s) would pass maxUses`, {
          uses,
          maxUses: l.maxUses,
        });
      }
      throw new BelowZeroError(uses);
    }
    const license = await tx.license.findUniqueOrThrow({
      where: { id },
      include: { customer: { select: { email: true } } },
    });
    const data = { amount, uses: counted.uses, maxUses: counted.maxUses };
    changed(staged, license, EVENT[action], data);
    // The count before, as the statement saw it (a reset does not read it: null).
    const before = action === 'reset' ? null : counted.uses + (action === 'increment' ? -amount : amount);
    staged.audit(caller, EVENT[action], { id, changes: { uses: [before, counted.uses] } });
    if (action === 'increment' && reached(counted)) {
      staged.event(licenseEvent('license.usage.limit_reached', license, data));
    }
    return license;
  });
}

/** Records license.usage.limit_reached through commit(). A failure to record it is logged, and the
 * validate answer (already decided by the UPDATE) stands. */
async function limitReached(deps: Deps, license: License, data: Record<string, unknown>): Promise<void> {
  const event = licenseEvent('license.usage.limit_reached', license, data);
  await commit(deps, (_tx, staged) => Promise.resolve(staged.event(event))).catch((err: unknown) =>
    deps.logger.error({ err, licenseId: license.id }, 'could not record license.usage.limit_reached'),
  );
}

/**
 * validate's `consume: n` for a license that passed every other check: adds n uses in one
 * autocommitted conditional UPDATE and returns the license with the exact count it RETURNED, or
 * null when they do not fit (nothing added). Reaching the limit, or the first refusal this instance
 * sees (LicenseCache.firstRefusal), records license.usage.limit_reached; the amounts consumed are summed in
 * the batched usage rows (validate.service.ts), not one event per call.
 */
export async function consumeUses(
  deps: Deps,
  entry: CacheEntry,
  n: number,
  now: Date,
): Promise<CachedLicense | null> {
  const cached = entry.license;
  const [counted] = await deps.database.sql.query<Counted>(CONSUME_SQL, [cached.id, n, now.toISOString()]);
  if (!counted) {
    if (deps.licenseCache.firstRefusal(cached.id)) {
      await limitReached(deps, cached, { amount: n, refused: true, maxUses: cached.maxUses });
    }
    return null;
  }
  const license: CachedLicense = {
    ...cached,
    uses: counted.uses,
    maxUses: counted.maxUses,
    usesPeriodStart: periodStart(cached.usesResetInterval, now),
  };
  // Keep this instance's entry close to the database for plain validates (the count only grows
  // between writes through commit(), which drop the entry).
  if (
    currentUses(cached, now) < counted.uses ||
    cached.usesPeriodStart?.getTime() !== license.usesPeriodStart?.getTime()
  )
    entry.license = license;
  if (reached(counted) && counted.uses - n < counted.maxUses!) {
    await limitReached(deps, cached, { amount: n, uses: counted.uses, maxUses: counted.maxUses });
  }
  return license;
}
