// Entitlements (`ent_…`): feature flags a license carries, attached to a product (every license of
// it has them) or to one license. A license's effective set is kept on its row, sorted
// (./entitlement-sets.ts), and every change here recomputes the licenses it reaches and drops them
// from the validate cache after the commit.
import type { Entitlement, Prisma } from '../../prisma/generated/client/client';
import { commit, type Staged, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import {
  licensesReachedBy,
  lockRows,
  normalizeCode,
  refreshLicenses,
  resolveCodes,
} from './entitlement-sets';
import type { CreateEntitlementInput, UpdateEntitlementInput } from './entitlements.schemas';

/** Past this many licenses a change drops the whole validate cache instead of naming each. */
const NAMED_INVALIDATION_LIMIT = 1000;

function invalidate(staged: Staged, ids: string[]) {
  if (ids.length > NAMED_INVALIDATION_LIMIT) staged.invalidateAllLicenses();
  else for (const id of ids) staged.invalidateLicense(id);
}

/** The fields of an entitlement its audit entries compare. */
const AUDITED = ['code', 'name', 'metadata'] as const;

/** An attach or detach, as the change of the target's effective codes. */
function auditCodes(
  staged: Staged,
  caller: Caller,
  action: string,
  id: string,
  before: string[],
  after: string[],
) {
  staged.audit(caller, action, { id, changes: { entitlements: [before, after] } });
}

export function createEntitlement(deps: Deps, caller: Caller, input: CreateEntitlementInput) {
  return commit(deps, async (tx, staged) => {
    const e = await tx.entitlement.create({
      data: {
        id: newId('ent'),
        ...inTenant(caller.tenant),
        code: input.code,
        normalizedCode: normalizeCode(input.code),
        name: input.name ?? null,
        metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
      },
    });
    staged.audit(caller, 'entitlement.created', { id: e.id, after: e, fields: AUDITED });
    return e;
  });
}

export async function getEntitlement(deps: Deps, caller: Caller, id: string): Promise<Entitlement> {
  const e = await deps.prisma.entitlement.findFirst({ where: { id, ...inTenant(caller.tenant) } });
  if (!e) throw notFound('Entitlement');
  return e;
}

export const listEntitlements = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(deps.prisma.entitlement, inTenant(caller.tenant), w);

async function loadLocked(tx: Tx, tenant: Tenant, id: string): Promise<Entitlement> {
  const e = await tx.entitlement.findFirst({ where: { id, ...inTenant(tenant) } });
  if (!e) throw notFound('Entitlement');
  await lockRows(tx, 'Entitlement', [id]);
  return e;
}

export function updateEntitlement(deps: Deps, caller: Caller, id: string, input: UpdateEntitlementInput) {
  return commit(deps, async (tx, staged) => {
    const current = await loadLocked(tx, caller.tenant, id);
    const renamed = input.code !== undefined && input.code !== current.code;
    const e = await tx.entitlement.update({
      where: { id },
      data: {
        ...(input.code !== undefined ? { code: input.code, normalizedCode: normalizeCode(input.code) } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
      },
    });
    if (renamed) invalidate(staged, await refreshLicenses(tx, { entitlementId: id }, deps.now()));
    staged.audit(caller, 'entitlement.updated', { id, before: current, after: e, fields: AUDITED });
    return e;
  });
}

/** Deletes an entitlement and takes it off every product and license that had it. */
export function deleteEntitlement(deps: Deps, caller: Caller, id: string) {
  return commit(deps, async (tx, staged) => {
    const e = await loadLocked(tx, caller.tenant, id);
    const reached = await licensesReachedBy(tx, id);
    await tx.entitlement.delete({ where: { id } });
    invalidate(staged, await refreshLicenses(tx, { licenseIds: reached }, deps.now()));
    staged.audit(caller, 'entitlement.deleted', { id, before: e, fields: AUDITED });
    return e;
  });
}

async function productInTenant(tx: Tx, tenant: Tenant, id: string) {
  const p = await tx.product.findFirst({ where: { id, ...inTenant(tenant) }, select: { id: true } });
  if (!p) throw notFound('Product');
  // A license created for this product meanwhile waits on this lock (its foreign key), so the
  // recompute below sees it, or it sees this change (./entitlement-sets.ts).
  await lockRows(tx, 'Product', [id]);
}

/** Grants the codes to every license of the product (already granted ones are kept as they are). */
export function attachToProduct(deps: Deps, caller: Caller, productId: string, codes: string[]) {
  return commit(deps, async (tx, staged) => {
    await productInTenant(tx, caller.tenant, productId);
    const ents = await resolveCodes(tx, caller.tenant, codes);
    const before = await productCodes(tx, productId);
    await tx.productEntitlement.createMany({
      data: ents.map((e) => ({ productId, entitlementId: e.id })),
      skipDuplicates: true,
    });
    invalidate(staged, await refreshLicenses(tx, { productId }, deps.now()));
    auditCodes(
      staged,
      caller,
      'product.entitlements_attached',
      productId,
      before,
      await productCodes(tx, productId),
    );
    return productId;
  });
}

export function detachFromProduct(deps: Deps, caller: Caller, productId: string, code: string) {
  return commit(deps, async (tx, staged) => {
    await productInTenant(tx, caller.tenant, productId);
    const [e] = await resolveCodes(tx, caller.tenant, [code]);
    const before = await productCodes(tx, productId);
    const { count } = await tx.productEntitlement.deleteMany({ where: { productId, entitlementId: e!.id } });
    if (count === 0) throw new AppError('NOT_FOUND', `The product does not grant ${e!.code}`);
    invalidate(staged, await refreshLicenses(tx, { productId }, deps.now()));
    auditCodes(
      staged,
      caller,
      'product.entitlements_detached',
      productId,
      before,
      await productCodes(tx, productId),
    );
    return productId;
  });
}

async function licenseInTenant(tx: Tx, tenant: Tenant, id: string) {
  const l = await tx.license.findFirst({
    where: { id, ...inTenant(tenant) },
    select: { id: true, productId: true, entitlementCodes: true },
  });
  if (!l) throw notFound('License');
  return l;
}

/** Locks the license before its attachments change: two changes of one license's own set queue
 * here, instead of both taking the foreign key's share lock and then deadlocking on the upgrade. */
const lockLicense = (tx: Tx, id: string) => lockRows(tx, 'License', [id]);

async function afterLicenseChange(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  change: { caller: Caller; action: string; licenseId: string; before: string[] },
) {
  const { licenseId } = change;
  await refreshLicenses(tx, { licenseIds: [licenseId] }, deps.now());
  const license = await tx.license.findUniqueOrThrow({
    where: { id: licenseId },
    include: { customer: { select: { email: true } } },
  });
  auditCodes(staged, change.caller, change.action, licenseId, change.before, license.entitlementCodes);
  staged.event({
    type: 'license.updated',
    tenant: { accountId: license.accountId, environment: license.environment },
    licenseId,
    productId: license.productId,
    data: { status: license.status, changes: ['entitlements'], entitlements: license.entitlementCodes },
  });
  staged.invalidateLicense(licenseId);
  return license;
}

/** Gives one license these codes, beside its product's. */
export function attachToLicense(deps: Deps, caller: Caller, licenseId: string, codes: string[]) {
  return commit(deps, async (tx, staged) => {
    const l = await licenseInTenant(tx, caller.tenant, licenseId);
    const ents = await resolveCodes(tx, caller.tenant, codes);
    // Entitlements before the license (the lock order of ./entitlement-sets.ts).
    await lockRows(
      tx,
      'Entitlement',
      ents.map((e) => e.id),
      'KEY SHARE',
    );
    await lockLicense(tx, licenseId);
    await tx.licenseEntitlement.createMany({
      data: ents.map((e) => ({ licenseId, entitlementId: e.id })),
      skipDuplicates: true,
    });
    const action = 'license.entitlements_attached';
    return afterLicenseChange(deps, tx, staged, { caller, action, licenseId, before: l.entitlementCodes });
  });
}

/** Attaches codes to a new license inside `tx` (license creation from a tier); the caller computes
 * the license's set (initialEntitlements). */
export async function attachCodes(tx: Tx, tenant: Tenant, licenseId: string, codes: string[]) {
  const ents = await resolveCodes(tx, tenant, codes);
  await tx.licenseEntitlement.createMany({
    data: ents.map((e) => ({ licenseId, entitlementId: e.id })),
    skipDuplicates: true,
  });
}

/** Takes a code off one license. One its product grants cannot be: 403 ENTITLEMENT_INHERITED. */
export function detachFromLicense(deps: Deps, caller: Caller, licenseId: string, code: string) {
  return commit(deps, async (tx, staged) => {
    const l = await licenseInTenant(tx, caller.tenant, licenseId);
    const [e] = await resolveCodes(tx, caller.tenant, [code]);
    await lockLicense(tx, licenseId);
    const inherited = await tx.productEntitlement.count({
      where: { productId: l.productId, entitlementId: e!.id },
    });
    if (inherited > 0) {
      throw new AppError(
        'ENTITLEMENT_INHERITED',
        `${e!.code} is granted by the license's product; detach it from the product instead`,
        { productId: l.productId },
      );
    }
    const { count } = await tx.licenseEntitlement.deleteMany({ where: { licenseId, entitlementId: e!.id } });
    if (count === 0) throw new AppError('NOT_FOUND', `The license does not have ${e!.code}`);
    const action = 'license.entitlements_detached';
    return afterLicenseChange(deps, tx, staged, { caller, action, licenseId, before: l.entitlementCodes });
  });
}

/** The codes a product grants, sorted. */
export async function productCodes(db: Pick<Tx, 'productEntitlement'>, productId: string): Promise<string[]> {
  const rows = await db.productEntitlement.findMany({
    where: { productId },
    select: { entitlement: { select: { code: true } } },
  });
  return rows.map((r) => r.entitlement.code).sort();
}
