// Products: the software a vendor licenses. Licenses carry their product's grace and lease settings
// in the validate cache, so changing them drops every cached license.
import type { Prisma } from '../../prisma/generated/client/client';
import { commit, type Tx } from '../db/commit';
import { resolveCodes } from '../entitlements/entitlement-sets';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import type { CreateProductInput, UpdateProductInput } from './products.schemas';
import type { ProductWithEntitlements } from './products.views';
import { type ProductTier, storedTiers } from './tiers';

/** Every product read carries the codes it grants (the product JSON lists them). */
export const productInclude = {
  entitlements: { select: { entitlement: { select: { code: true } } } },
} as const;

/** A product as its audit entries compare it: its row, without the joined entitlements (their
 * changes have entries of their own, `product.entitlements_attached` and `…_detached`). */
function auditRow(p: ProductWithEntitlements) {
  const { entitlements: _joined, ...row } = p;
  return row;
}

/** Tiers as stored; their entitlement codes must exist (404 NOT_FOUND naming the unknown ones). */
async function tiersData(tx: Tx, tenant: Tenant, tiers: ProductTier[] | undefined) {
  if (tiers === undefined) return {};
  await resolveCodes(
    tx,
    tenant,
    tiers.flatMap((t) => t.entitlements ?? []),
  );
  return { tiers: storedTiers(tiers) as unknown as Prisma.InputJsonValue };
}

export function createProduct(
  deps: Deps,
  caller: Caller,
  input: CreateProductInput,
): Promise<ProductWithEntitlements> {
  return commit(deps, async (tx, staged) => {
    const product = await tx.product.create({
      include: productInclude,
      data: {
        id: newId('prod'),
        ...inTenant(caller.tenant),
        name: input.name,
        platforms: input.platforms ?? [],
        metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
        ...(input.offlineGracePeriod !== undefined ? { offlineGracePeriod: input.offlineGracePeriod } : {}),
        ...(input.leaseDuration !== undefined ? { leaseDuration: input.leaseDuration } : {}),
        customerDeactivationsPerMonth: input.customerDeactivationsPerMonth ?? null,
        maxUses: input.maxUses ?? null,
        usesResetInterval: input.usesResetInterval ?? 'none',
        ...(await tiersData(tx, caller.tenant, input.tiers)),
      },
    });
    staged.audit(caller, 'product.created', { id: product.id, after: auditRow(product) });
    return product;
  });
}

export async function getProduct(deps: Deps, caller: Caller, id: string): Promise<ProductWithEntitlements> {
  const p = await deps.prisma.product.findFirst({
    where: { id, ...inTenant(caller.tenant) },
    include: productInclude,
  });
  if (!p) throw notFound('Product');
  return p;
}

export const listProducts = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(
    {
      findMany: (args: Prisma.ProductFindManyArgs) =>
        deps.prisma.product.findMany({ ...args, include: productInclude }),
      count: (args: Prisma.ProductCountArgs) => deps.prisma.product.count(args),
    },
    inTenant(caller.tenant),
    w,
  );

export function updateProduct(
  deps: Deps,
  caller: Caller,
  id: string,
  input: UpdateProductInput,
): Promise<ProductWithEntitlements> {
  return commit(deps, async (tx, staged) => {
    const current = await tx.product.findFirst({ where: { id, ...inTenant(caller.tenant) } });
    if (!current) throw notFound('Product');
    staged.invalidateAllLicenses();
    const product = await tx.product.update({
      where: { id },
      include: productInclude,
      data: {
        ...(await tiersData(tx, caller.tenant, input.tiers)),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.platforms !== undefined ? { platforms: input.platforms } : {}),
        ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
        ...(input.offlineGracePeriod !== undefined ? { offlineGracePeriod: input.offlineGracePeriod } : {}),
        ...(input.leaseDuration !== undefined ? { leaseDuration: input.leaseDuration } : {}),
        ...(input.customerDeactivationsPerMonth !== undefined
          ? { customerDeactivationsPerMonth: input.customerDeactivationsPerMonth }
          : {}),
        ...(input.maxUses !== undefined ? { maxUses: input.maxUses } : {}),
        ...(input.usesResetInterval !== undefined ? { usesResetInterval: input.usesResetInterval } : {}),
      },
    });
    staged.audit(caller, 'product.updated', { id, before: current, after: auditRow(product) });
    return product;
  });
}

/** A product with licenses cannot be deleted (409 CONFLICT): revoke or move the licenses first. */
export function deleteProduct(deps: Deps, caller: Caller, id: string) {
  return commit(deps, async (tx, staged) => {
    const p = await tx.product.findFirst({ where: { id, ...inTenant(caller.tenant) } });
    if (!p) throw notFound('Product');
    const count = await tx.license.count({ where: { productId: id } });
    if (count > 0) throw new AppError('CONFLICT', `Product has ${count} license(s); it cannot be deleted`);
    await tx.product.delete({ where: { id } });
    staged.audit(caller, 'product.deleted', { id, before: p });
    return p;
  });
}
