// The JSON views of licensing (the seed's camelCase shapes): licenses and activations, shared by
// every REST answer that carries one.
import type { Activation, License } from '../../prisma/generated/client/client';
import { HELP } from '../lib/errors';
import type { ActivateResult, DeactivateResult } from './activations.service';
import type { HeartbeatResult } from './leases.service';
import type { OfflineToken } from './offline-token';
import type { ValidationResult } from './validate.service';
import { currentUses } from './usage-counter';
import { isExpired, type ValidationCode, validationStatus } from './validation';

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
  /** Uses in the current period (a count from an earlier period reads as 0). */
  uses: number;
  /** Null: unlimited. */
  maxUses: number | null;
  usesResetInterval: License['usesResetInterval'];
  /** Effective entitlement codes: the product's and the license's own, sorted. */
  entitlements: string[];
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
    uses: currentUses(l, now),
    maxUses: l.maxUses,
    usesResetInterval: l.usesResetInterval,
    entitlements: l.entitlementCodes ?? [],
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

/** POST /validate's answer. The two completed validations that are HTTP errors (404 NOT_FOUND, 403
 * DOMAIN_MISMATCH) also carry `error` and `help`, so they read like every other error body. */
export interface ValidationJson {
  valid: boolean;
  /** Only on the 404 and the 403. */
  error?: string;
  code: ValidationCode;
  /** Only on the 404 and the 403. */
  help?: string;
  license: LicenseJson | null;
  validatedAt: string;
  offline?: OfflineToken;
}

const VALIDATION_ERRORS: Partial<Record<ValidationCode, string>> = {
  NOT_FOUND: 'License not found',
  DOMAIN_MISMATCH: "Domain is not allowed by the license's allowed_domains",
};

/** POST /validate: always `valid`, `code`, `license` (or null) and `validatedAt`; `offline` when valid;
 * `error` and `help` when the status is not 200 (see validationStatus). */
export function validationJson(r: ValidationResult): ValidationJson {
  const error =
    validationStatus(r.code) === 200
      ? undefined
      : (VALIDATION_ERRORS[r.code] ?? `Validation failed: ${r.code}`);
  return {
    valid: r.valid,
    ...(error ? { error } : {}),
    code: r.code,
    ...(error ? { help: HELP } : {}),
    license: r.license ? licenseJson(r.license, r.validatedAt) : null,
    validatedAt: r.validatedAt.toISOString(),
    ...(r.offline ? { offline: r.offline } : {}),
  };
}

/** The text of a successful validation, kept per offline token: the license's JSON and the token
 * are the same for every call while the token is reused (validate.service.ts), so only
 * `validatedAt` is written per call. The text is JSON.stringify(validationJson(r)) exactly. */
interface ValidBody {
  license: ValidationResult['license'];
  status: License['status'];
  uses: number;
  head: string;
  tail: string;
}
const validBodies = new WeakMap<OfflineToken, ValidBody>();

/** POST /validate's answer as JSON text (validationJson, serialised). */
export function validationBody(r: ValidationResult): string {
  if (!r.valid || !r.offline || !r.license) return JSON.stringify(validationJson(r));
  // What licenseJson derives from the clock; the rest is the license row itself.
  const status = effectiveStatus(r.license, r.validatedAt);
  const uses = currentUses(r.license, r.validatedAt);
  let b = validBodies.get(r.offline);
  if (!b || b.license !== r.license || b.status !== status || b.uses !== uses) {
    const j = validationJson(r);
    const head = JSON.stringify({ valid: j.valid, code: j.code, license: j.license });
    const tail = `","offline":${JSON.stringify(j.offline)}}`;
    b = { license: r.license, status, uses, head: `${head.slice(0, -1)},"validatedAt":"`, tail };
    validBodies.set(r.offline, b);
  }
  return b.head + r.validatedAt.toISOString() + b.tail;
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
