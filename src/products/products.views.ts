// The product JSON view.
import type { Product } from '../../prisma/generated/client/client';
import { tiersOf } from './tiers';

/** A product with the codes it grants (products.service's `include`). */
export type ProductWithEntitlements = Product & { entitlements?: { entitlement: { code: string } }[] };

export const productEntitlementCodes = (p: ProductWithEntitlements) =>
  (p.entitlements ?? []).map((e) => e.entitlement.code).sort();

export function productJson(p: ProductWithEntitlements) {
  return {
    id: p.id,
    name: p.name,
    platforms: p.platforms,
    metadata: p.metadata ?? {},
    offlineGracePeriod: p.offlineGracePeriod,
    leaseDuration: p.leaseDuration,
    customerDeactivationsPerMonth: p.customerDeactivationsPerMonth,
    maxUses: p.maxUses,
    usesResetInterval: p.usesResetInterval,
    entitlements: productEntitlementCodes(p),
    tiers: tiersOf(p),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
