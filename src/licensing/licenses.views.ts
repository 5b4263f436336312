// The JSON views of licensing (the seed's camelCase shapes): licenses and activations, shared by
// every REST answer that carries one.
import type { Activation, License } from '../../prisma/generated/client/client';
import type { ActivateResult, DeactivateResult } from './activations.service';
import type { HeartbeatResult } from './leases.service';
import type { OfflineToken } from './offline-token';
import type { ValidationResult } from './validate.service';
import { isExpired, type ValidationCode } from './validation';

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
  metadata: Record<string, unknown>;
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
    metadata: (l.metadata ?? {}) as Record<string, unknown>,
    allowedDomains: l.allowedDomains,
    plan: l.plan,
  };
}

export interface ActivationJson {
  id: string;
  licenseId: string;
  machineId: string;
  label: string | null;
  platform: string | null;
  leaseExpiresAt: string | null;
  lastHeartbeatAt: string | null;
  createdAt: string;
}

export function activationJson(a: Activation): ActivationJson {
  return {
    id: a.id,
    licenseId: a.licenseId,
    machineId: a.machineId,
    label: a.label,
    platform: a.platform,
    leaseExpiresAt: a.leaseExpiresAt?.toISOString() ?? null,
    lastHeartbeatAt: a.lastHeartbeatAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

/** POST /validate: always `valid`, `code`, `license` (or null) and `validatedAt`; `offline` when valid. */
export function validationJson(r: ValidationResult): {
  valid: boolean;
  code: ValidationCode;
  license: LicenseJson | null;
  validatedAt: string;
  offline?: OfflineToken;
} {
  return {
    valid: r.valid,
    code: r.code,
    license: r.license ? licenseJson(r.license, r.validatedAt) : null,
    validatedAt: r.validatedAt.toISOString(),
    ...(r.offline ? { offline: r.offline } : {}),
  };
}

export function activateJson(r: ActivateResult, now: Date) {
  return {
    activated: true as const,
    activation: activationJson(r.activation),
    license: licenseJson(r.license, now),
    offline: r.offline,
  };
}

export function deactivateJson(r: DeactivateResult, now: Date) {
  return {
    deactivated: true as const,
    activation: activationJson(r.activation),
    license: licenseJson(r.license, now),
  };
}

export function heartbeatJson(r: HeartbeatResult) {
  return {
    ok: true as const,
    activation: activationJson(r.activation),
    leaseExpiresAt: r.leaseExpiresAt?.toISOString() ?? null,
    offline: r.offline,
  };
}
