// License lifecycle: create (generated or imported key), read, list, update, suspend, reinstate,
// revoke, renew, and the expiry sweeper. Every change goes through commit(): its event is recorded
// in the same transaction, and the license's cache entry is dropped everywhere after it.
import type { License, LicenseType, Prisma, RenewalInterval } from '../../prisma/generated/client/client';
import { commit, type Staged, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import type { EventInput } from '../events/events.service';
import type { EventType } from '../events/event-types';
import { AppError, notFound, validationError } from '../lib/errors';
import { generateLicenseKey, newId, normalizeLicenseKey } from '../lib/ids';
import { listPage, newestFirst, type PageWindow } from '../lib/pagination';
import type { AuditSource } from '../audit/audit.service';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import { initialEntitlements } from '../entitlements/entitlement-sets';
import { attachCodes } from '../entitlements/entitlements.service';
import { findTier, type StoredTier } from '../products/tiers';
import { customerFor, customerFromMetadata, rememberStripeCustomer } from './license-customers';
import { queueLicenseEmail } from './license-emails';
import { currentUses, periodStart } from './usage-counter';
import type { CreateLicenseInput, LicenseFilter, LicenseOrder, UpdateLicenseInput } from './licenses.schemas';

export type LicenseWithCustomer = License & { customer: { email: string } | null };

const DAY = 86_400_000;
export const TRIAL_DEFAULT_DAYS = 14;
const KEY_PATTERN = /^[A-Z0-9][A-Z0-9_-]{3,127}$/;
const include = { customer: { select: { email: true } } } as const;

export function addInterval(from: Date, interval: RenewalInterval): Date {
  const d = new Date(from);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else if (interval === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

/** Expiry rules per type: perpetual never expires, trials last 7–30 days (14 by default),
 * subscriptions default to one renewal period. */
function resolveExpiry(type: LicenseType, input: CreateLicenseInput, now: Date): Date | null {
  if (type === 'perpetual') {
    if (input.expiresAt) throw validationError('A perpetual license cannot have expires_at');
    return null;
  }
  if (type === 'trial') {
    if (!input.expiresAt) return new Date(now.getTime() + TRIAL_DEFAULT_DAYS * DAY);
    const days = (input.expiresAt.getTime() - now.getTime()) / DAY;
    if (days < 7 - 1 / 24 || days > 30 + 1 / 24)
      throw validationError('A trial must last between 7 and 30 days');
    return input.expiresAt;
  }
  if (type === 'subscription' && input.expiresAt === undefined) {
    return addInterval(now, input.renewalInterval ?? 'month');
  }
  return input.expiresAt ?? null;
}

export const licenseEvent = (
  type: EventType,
  l: License,
  data: Record<string, unknown> = {},
): EventInput => ({
  type,
  tenant: { accountId: l.accountId, environment: l.environment },
  licenseId: l.id,
  productId: l.productId,
  data: { status: l.status, ...data },
});

/** Records a license change: its event now, its cache entry dropped after the commit. */
export function changed(staged: Staged, license: License, type: EventType, data?: Record<string, unknown>) {
  staged.event(licenseEvent(type, license, data));
  staged.invalidateLicense(license.id);
}

function tierOf(product: { tiers: unknown }, name: string): StoredTier {
  const tier = findTier(product, name);
  if (!tier) {
    throw new AppError('UNKNOWN_TIER', `The product has no tier named ${name}`, { tier: name });
  }
  return tier;
}

/** A tier's duration sets expiresAt when the create names none (perpetual licenses never expire). */
function withTierExpiry(
  input: CreateLicenseInput,
  tier: StoredTier | undefined,
  now: Date,
): CreateLicenseInput {
  if (!tier?.durationDays || input.expiresAt !== undefined || input.type === 'perpetual') return input;
  return { ...input, expiresAt: new Date(now.getTime() + tier.durationDays * DAY) };
}

/** Creates a license inside `tx` (a Stripe checkout does it in the transaction that records the event). */
export async function insertLicense(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  source: AuditSource,
  input: CreateLicenseInput,
) {
  const tenant = source.tenant;
  const key = input.key !== undefined ? normalizeLicenseKey(input.key) : generateLicenseKey();
  if (!KEY_PATTERN.test(key)) {
    throw validationError('key must be 4–128 characters of A–Z, 0–9, "-" or "_"');
  }
  const product = await tx.product.findFirst({ where: { id: input.productId, ...inTenant(tenant) } });
  if (!product) throw notFound('Product');
  const tier = input.tier !== undefined ? tierOf(product, input.tier) : undefined;
  const now = deps.now();
  const expiresAt = resolveExpiry(input.type, withTierExpiry(input, tier, now), now);
  const metadata = input.metadata ?? {};
  const customerId =
    (await customerFor(tx, tenant, input)) ?? (await customerFromMetadata(tx, tenant, metadata));
  if (customerId) await rememberStripeCustomer(tx, customerId, metadata);
  if (input.sendEmail && !customerId) {
    throw validationError('send_email needs an email (or a customer with one) to send the key to');
  }
  const license = await tx.license.create({
    data: {
      id: newId('lic'),
      ...inTenant(tenant),
      productId: product.id,
      customerId: customerId ?? null,
      key,
      type: input.type,
      maxActivations: input.maxActivations ?? tier?.maxActivations ?? 1,
      expiresAt,
      allowedDomains: input.allowedDomains ?? [],
      metadata: metadata as Prisma.InputJsonValue,
      plan: input.plan !== undefined ? input.plan : (tier?.name ?? null),
      renewalInterval: input.renewalInterval ?? 'month',
      offlineGracePeriod: input.offlineGracePeriod ?? null,
      leaseDuration: input.leaseDuration ?? null,
      maxUses: input.maxUses !== undefined ? input.maxUses : product.maxUses,
      usesResetInterval: input.usesResetInterval ?? product.usesResetInterval,
    },
    include,
  });
  if (tier && tier.entitlements.length > 0) await attachCodes(tx, tenant, license.id, tier.entitlements);
  license.entitlementCodes = await initialEntitlements(tx, license.id);
  changed(staged, license, 'license.created', { type: license.type, ...(tier ? { tier: tier.name } : {}) });
  staged.audit(source, 'license.created', { id: license.id, after: license });
  if (input.sendEmail) await queueLicenseEmail(deps, tx, staged, license.id, 'license_key');
  return license;
}

/** Creates a license. A key that exists, or a product deleted meanwhile, is the 409 or 404 its
 * constraint stands for (commit() maps them by name, src/db/errors.ts). */
export function createLicense(deps: Deps, caller: Caller, input: CreateLicenseInput) {
  return commit(deps, (tx, staged) => insertLicense(deps, tx, staged, caller, input));
}

export async function getLicense(deps: Deps, caller: Caller, id: string): Promise<LicenseWithCustomer> {
  const l = await deps.prisma.license.findFirst({ where: { id, ...inTenant(caller.tenant) }, include });
  if (!l) throw notFound('License');
  return l;
}

export function licenseWhere(tenant: Tenant, f: LicenseFilter): Prisma.LicenseWhereInput {
  return {
    ...inTenant(tenant),
    ...(f.status ? { status: f.status } : {}),
    ...(f.productId ? { productId: f.productId } : {}),
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.type ? { type: f.type } : {}),
    ...(f.email ? { customer: { email: f.email.trim().toLowerCase() } } : {}),
    ...(f.expiresBefore || f.expiresAfter
      ? {
          expiresAt: {
            ...(f.expiresBefore ? { lt: f.expiresBefore } : {}),
            ...(f.expiresAfter ? { gte: f.expiresAfter } : {}),
          },
        }
      : {}),
    ...(f.search
      ? {
          OR: [
            { key: { contains: f.search.toUpperCase() } },
            { customer: { email: { contains: f.search.toLowerCase() } } },
          ],
        }
      : {}),
  };
}

/** The sort of a license list, `id` breaking ties so pages and cursors are stable. Nulls (no expiry,
 * never validated) sort last either way. */
export function licenseOrder(o: LicenseOrder | undefined): Prisma.LicenseOrderByWithRelationInput[] {
  if (!o) return newestFirst();
  const nullable = o.field === 'expiresAt' || o.field === 'lastValidatedAt';
  const first = nullable
    ? { [o.field]: { sort: o.direction, nulls: 'last' as const } }
    : { [o.field]: o.direction };
  return [first, { id: o.direction }];
}

export const listLicenses = (deps: Deps, caller: Caller, filter: LicenseFilter, w: PageWindow) =>
  listPage(
    {
      findMany: (args: Prisma.LicenseFindManyArgs) => deps.prisma.license.findMany({ ...args, include }),
      count: (args: Prisma.LicenseCountArgs) => deps.prisma.license.count(args),
    },
    licenseWhere(caller.tenant, filter),
    w,
  );

async function loadForUpdate(tx: Tx, tenant: Tenant, id: string) {
  const l = await tx.license.findFirst({ where: { id, ...inTenant(tenant) } });
  if (!l) throw notFound('License');
  return l;
}

export async function updateLicense(deps: Deps, caller: Caller, id: string, input: UpdateLicenseInput) {
  return commit(deps, async (tx, staged) => {
    const current = await loadForUpdate(tx, caller.tenant, id);
    if (current.type === 'perpetual' && input.expiresAt) {
      throw validationError('A perpetual license cannot have expires_at');
    }
    const customerId = await customerFor(tx, caller.tenant, input);
    const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const changes: Prisma.LicenseUpdateInput = {
      ...(input.maxActivations !== undefined ? { maxActivations: input.maxActivations } : {}),
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
      ...(input.allowedDomains !== undefined ? { allowedDomains: input.allowedDomains } : {}),
      ...(input.plan !== undefined ? { plan: input.plan } : {}),
      ...(input.renewalInterval !== undefined ? { renewalInterval: input.renewalInterval } : {}),
      ...(input.offlineGracePeriod !== undefined ? { offlineGracePeriod: input.offlineGracePeriod } : {}),
      ...(input.leaseDuration !== undefined ? { leaseDuration: input.leaseDuration } : {}),
      ...(input.maxUses !== undefined ? { maxUses: input.maxUses } : {}),
      ...usesIntervalChange(current, input, deps.now()),
      ...(customerId !== undefined ? { customer: { connect: { id: customerId } } } : {}),
    };
    // Moving the expiry of an expired license into the future makes it active again.
    if (input.expiresAt !== undefined && current.status === 'expired') {
      if (input.expiresAt === null || input.expiresAt.getTime() > deps.now().getTime())
        changes.status = 'active';
    }
    const license = await tx.license.update({ where: { id }, data: changes, include });
    changed(staged, license, 'license.updated', { changes: Object.keys(given) });
    staged.audit(caller, 'license.updated', { id, before: current, after: license });
    return license;
  });
}

/** A new reset interval keeps the current count: it belongs to the new interval's current period. */
function usesIntervalChange(current: License, input: UpdateLicenseInput, now: Date) {
  const next = input.usesResetInterval;
  if (next === undefined || next === current.usesResetInterval) return {};
  return {
    usesResetInterval: next,
    uses: currentUses(current, now),
    usesPeriodStart: periodStart(next, now),
  };
}

export type Transition = 'suspend' | 'reinstate' | 'revoke' | 'renew';
const PAST = { suspend: 'suspended', reinstate: 'reinstated', revoke: 'revoked', renew: 'renewed' } as const;

/** Status changes. Repeating one that is already in effect is a no-op that records nothing. */
export async function transitionLicense(
  deps: Deps,
  caller: Caller,
  id: string,
  action: Transition,
  opts: { expiresAt?: Date } = {},
) {
  return commit(deps, async (tx, staged) => {
    const l = await loadForUpdate(tx, caller.tenant, id);
    const now = deps.now();
    const update = async (data: Prisma.LicenseUpdateInput) => {
      const after = await tx.license.update({ where: { id }, data, include });
      staged.audit(caller, `license.${PAST[action]}`, { id, before: l, after });
      return after;
    };
    if (action !== 'revoke' && l.status === 'revoked') {
      throw new AppError('CONFLICT', 'A revoked license cannot be changed');
    }
    switch (action) {
      case 'suspend': {
        // A person suspending what billing suspended takes it over: the integration won't reinstate it.
        if (l.status === 'suspended') return update(l.suspendedReason ? { suspendedReason: null } : {});
        const license = await update({ status: 'suspended', suspendedAt: now, suspendedReason: null });
        changed(staged, license, 'license.suspended');
        return license;
      }
      case 'reinstate': {
        if (l.status !== 'suspended')
          throw new AppError('CONFLICT', `Only a suspended license can be reinstated`);
        const expired = l.expiresAt !== null && l.expiresAt.getTime() <= now.getTime();
        const license = await update({
          status: expired ? 'expired' : 'active',
          suspendedAt: null,
          suspendedReason: null,
        });
        changed(staged, license, 'license.reinstated');
        return license;
      }
      case 'revoke': {
        if (l.status === 'revoked') return update({});
        const license = await update({ status: 'revoked', revokedAt: now });
        changed(staged, license, 'license.revoked');
        return license;
      }
      case 'renew': {
        if (l.type === 'perpetual') throw new AppError('CONFLICT', 'A perpetual license does not expire');
        const base = l.expiresAt && l.expiresAt.getTime() > now.getTime() ? l.expiresAt : now;
        const expiresAt =
          opts.expiresAt ?? addInterval(base, l.type === 'trial' ? 'week' : l.renewalInterval);
        if (expiresAt.getTime() <= now.getTime()) throw validationError('expires_at must be in the future');
        const status = l.status === 'expired' ? 'active' : l.status;
        const license = await update({ expiresAt, status });
        changed(staged, license, 'license.renewed', { expiresAt: expiresAt.toISOString() });
        await queueLicenseEmail(deps, tx, staged, id, 'license_renewed');
        return license;
      }
    }
  });
}

/** The sweeper: marks active licenses past their expiry as expired and emits license.expired. */
export async function expireDueLicenses(deps: Deps, batch = 500): Promise<number> {
  const now = deps.now();
  const due = await deps.prisma.license.findMany({
    where: { status: 'active', expiresAt: { lte: now } },
    take: batch,
    select: { id: true },
  });
  let n = 0;
  for (const { id } of due) {
    const expired = await commit(deps, async (tx, staged) => {
      const res = await tx.license.updateMany({
        where: { id, status: 'active', expiresAt: { lte: now } },
        data: { status: 'expired' },
      });
      if (res.count === 0) return false;
      changed(staged, await tx.license.findUniqueOrThrow({ where: { id } }), 'license.expired');
      await queueLicenseEmail(deps, tx, staged, id, 'license_expired');
      return true;
    });
    if (expired) n++;
  }
  return n;
}
