// What a billing integration (Stripe) does to a license, inside the transaction that records the
// billing event: suspend for billing, reinstate only what billing suspended, renew to the paid
// period's end, move the expiry (a cancellation at the period's end), and end it (a deleted
// subscription). Each records its event and drops the cache entry like any other license change.
import type { License, Prisma } from '../../prisma/generated/client/client';
import type { Staged, Tx } from '../db/commit';
import type { Deps } from '../deps';
import { queueLicenseEmail } from './license-emails';
import { changed } from './licenses.service';

export const BILLING = 'billing';

const load = (tx: Tx, id: string) => tx.license.findUniqueOrThrow({ where: { id } });
const update = (tx: Tx, id: string, data: Prisma.LicenseUpdateInput) =>
  tx.license.update({ where: { id }, data });

/** Suspends an active (or expired) license with reason "billing". Returns whether it changed. */
export async function billingSuspend(deps: Deps, tx: Tx, staged: Staged, id: string): Promise<boolean> {
  const l = await load(tx, id);
  if (l.status !== 'active' && l.status !== 'expired') return false;
  const license = await update(tx, id, {
    status: 'suspended',
    suspendedAt: deps.now(),
    suspendedReason: BILLING,
  });
  changed(staged, license, 'license.suspended', { reason: BILLING });
  return true;
}

const reinstated = (l: License, now: Date) =>
  l.expiresAt !== null && l.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';

/** Reinstates a license only if billing suspended it (never one a person suspended). */
export async function billingReinstate(deps: Deps, tx: Tx, staged: Staged, id: string): Promise<boolean> {
  const l = await load(tx, id);
  if (l.status !== 'suspended' || l.suspendedReason !== BILLING) return false;
  const license = await update(tx, id, {
    status: reinstated(l, deps.now()),
    suspendedAt: null,
    suspendedReason: null,
  });
  changed(staged, license, 'license.reinstated', { reason: BILLING });
  return true;
}

/** A paid invoice: the expiry becomes the paid period's end (never earlier than it already is), an
 * expired license is active again, and one billing suspended is reinstated. */
export async function billingRenew(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  id: string,
  periodEnd: Date | null,
): Promise<boolean> {
  const l = await load(tx, id);
  if (l.status === 'revoked') return false;
  const now = deps.now();
  const expiresAt = periodEnd && (!l.expiresAt || periodEnd > l.expiresAt) ? periodEnd : l.expiresAt;
  const data: Prisma.LicenseUpdateInput = { expiresAt };
  const live = expiresAt === null || expiresAt.getTime() > now.getTime();
  if (l.status === 'expired' && live) data.status = 'active';
  const lift = l.status === 'suspended' && l.suspendedReason === BILLING;
  if (lift)
    Object.assign(data, { status: live ? 'active' : 'expired', suspendedAt: null, suspendedReason: null });
  const license = await update(tx, id, data);
  if (lift) changed(staged, license, 'license.reinstated', { reason: BILLING });
  changed(staged, license, 'license.renewed', {
    expiresAt: expiresAt?.toISOString() ?? null,
    reason: BILLING,
  });
  await queueLicenseEmail(deps, tx, staged, id, 'license_renewed');
  return true;
}

/** Sets the expiry (a subscription cancelled at its period's end). */
export async function billingSetExpiry(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  id: string,
  expiresAt: Date,
): Promise<boolean> {
  const l = await load(tx, id);
  if (l.status === 'revoked' || l.expiresAt?.getTime() === expiresAt.getTime()) return false;
  const data: Prisma.LicenseUpdateInput = { expiresAt };
  if (l.status === 'expired' && expiresAt.getTime() > deps.now().getTime()) data.status = 'active';
  const license = await update(tx, id, data);
  changed(staged, license, 'license.updated', { changes: ['expiresAt'], reason: BILLING });
  return true;
}

/** The subscription is gone: the license expires now (validate says EXPIRED). A suspension a person
 * made stays, with the expiry set. */
export async function billingEnd(deps: Deps, tx: Tx, staged: Staged, id: string): Promise<boolean> {
  const l = await load(tx, id);
  if (l.status === 'revoked' || l.status === 'expired') return false;
  const now = deps.now();
  const expiresAt = l.expiresAt && l.expiresAt < now ? l.expiresAt : now;
  const manual = l.status === 'suspended' && l.suspendedReason !== BILLING;
  const license = await update(
    tx,
    id,
    manual ? { expiresAt } : { expiresAt, status: 'expired', suspendedAt: null, suspendedReason: null },
  );
  changed(staged, license, 'license.expired', { reason: 'subscription_deleted' });
  await queueLicenseEmail(deps, tx, staged, id, 'license_expired');
  return true;
}
