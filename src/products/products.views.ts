// The product JSON view.
import type { Product } from '../../prisma/generated/client/client';

export function productJson(p: Product) {
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
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
