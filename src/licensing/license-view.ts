// The seed's license JSON shape, shared by REST responses and the validate path.
import type { License } from '../../prisma/generated/client/client';
import { isExpired } from './validation';

export interface LicenseJson {
  id: string;
  key: string;
  productId: string;
  customerId: string | null;
  email: string | null;
  type: License['type'];
  status: License['status'];
  activations: number;
  maxActivations: number;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastValidatedAt: string | null;
  metadata: unknown;
  allowedDomains: string[];
  plan: string | null;
}

/** The status a caller sees: a passed `expiresAt` reads as expired even before the sweeper runs. */
export function effectiveStatus(
  l: Pick<License, 'status' | 'expiresAt'>,
  now = new Date(),
): License['status'] {
  return l.status === 'active' && isExpired(l, now) ? 'expired' : l.status;
}

export function licenseJson(
  l: License & { customer?: { email: string } | null },
  now = new Date(),
): LicenseJson {
  return {
    id: l.id,
    key: l.key,
    productId: l.productId,
    customerId: l.customerId,
    email: l.customer?.email ?? null,
    type: l.type,
    status: effectiveStatus(l, now),
    activations: l.activationCount,
    maxActivations: l.maxActivations,
    expiresAt: l.expiresAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    lastValidatedAt: l.lastValidatedAt?.toISOString() ?? null,
    metadata: l.metadata ?? {},
    allowedDomains: l.allowedDomains,
    plan: l.plan,
  };
}
