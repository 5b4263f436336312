// The entitlement JSON view.
import type { Entitlement } from '../../prisma/generated/client/client';

export function entitlementJson(e: Entitlement) {
  return {
    id: e.id,
    code: e.code,
    name: e.name,
    metadata: e.metadata ?? {},
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
