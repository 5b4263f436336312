// What every public license-key route (validate, activate, deactivate, heartbeat) does around its
// own step, on both doors: the enumeration guard, the lookup by key within the caller's scope, the
// usable-state check, the offline token and the usage record. The routes themselves live in
// validate.service.ts, activations.service.ts and leases.service.ts.
import type { Environment, LicenseStatus, LicenseType } from '../../prisma/generated/client/client';
import type { AuditSource } from '../audit/audit.service';
import type { Tx } from '../db/commit';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { normalizeLicenseKey } from '../lib/ids';
import type { KeyCaller, Tenant } from '../lib/principal';
import type { UsageKind } from '../usage/usage-recorder';
import { DEFAULT_GRACE_SECONDS, type OfflineToken, signOfflineToken } from './offline-token';
import { decideValidation, type LicenseFacts } from './validation';

/** 404 for a license key that does not exist (or not in the caller's scope). The enumeration guard
 * counts these. */
export class UnknownKeyError extends AppError {
  constructor() {
    super('NOT_FOUND', 'License not found');
  }
}

/** The key-enumeration guard: an IP with too many lookups of unknown keys is refused (429) before
 * the lookup, and every unknown key it tries counts. `isUnknown` is for results that report an
 * unknown key instead of throwing (validation's NOT_FOUND). */
export async function guardKeyLookup<T>(
  deps: Deps,
  caller: KeyCaller,
  lookup: () => Promise<T>,
  isUnknown: (result: T) => boolean = () => false,
): Promise<T> {
  const ip = caller.ip ?? 'unknown';
  const blocked = await deps.limits.lookupsBlocked(ip);
  if (blocked) throw deps.limits.refuse(blocked, 'lookup');
  try {
    const result = await lookup();
    if (isUnknown(result)) await deps.limits.failedLookup(ip);
    return result;
  } catch (err) {
    if (err instanceof UnknownKeyError) await deps.limits.failedLookup(ip);
    throw err;
  }
}

/** Whether a license is visible to a caller: any, unless an API key restricts the lookup. */
export const inScope = (l: { accountId: string; environment: string }, scope: Tenant | null) =>
  !scope || (l.accountId === scope.accountId && l.environment === scope.environment);

const withProduct = { product: { select: { leaseDuration: true, offlineGracePeriod: true } } } as const;

/** What a usage row needs to know of its license. */
type UsageLicense = { id: string; accountId: string; environment: Tenant['environment']; productId: string };

/** Filled in by licenseByKey once the key matched a license, so that a refusal after that point can be
 * counted against it (see countRefusals). */
export interface Seen {
  license?: UsageLicense;
}

/** The license with this key (exact match after normalising), or UnknownKeyError. */
/** Who the audit log names for a change made with a license key (activate, deactivate): the key
 * holder, i.e. the license's customer (id null when it has none), from the request's IP and id. */
export const keySource = (
  caller: KeyCaller,
  lic: { accountId: string; environment: Environment; customerId: string | null },
): AuditSource => ({
  ip: caller.ip,
  userAgent: caller.userAgent,
  requestId: caller.requestId,
  tenant: { accountId: lic.accountId, environment: lic.environment },
  actor: { type: 'customer', id: lic.customerId, label: 'license key' },
});

export async function licenseByKey(db: Tx, caller: KeyCaller, key: string, seen?: Seen) {
  const license = await db.license.findUnique({
    where: { key: normalizeLicenseKey(key) },
    include: withProduct,
  });
  if (!license || !inScope(license, caller.scope)) throw new UnknownKeyError();
  if (seen) seen.license = license;
  return license;
}

/**
 * Runs an activate, deactivate or heartbeat step and counts its refusal: an AppError thrown after
 * the key matched a license (ACTIVATION_LIMIT_REACHED, REVOKED, SUSPENDED, EXPIRED, NOT_FOUND for an
 * unknown device, NOT_ACTIVATED, LEASE_EXPIRED) becomes a usage row with `success: false` and the
 * error's code, then goes on to the caller. An unknown key has no license, so no account to count it
 * against: the enumeration guard counts it per IP instead.
 */
export async function countRefusals<T>(
  deps: Deps,
  caller: KeyCaller,
  kind: Exclude<UsageKind, 'validate'>,
  machineId: string,
  step: (seen: Seen) => Promise<T>,
): Promise<T> {
  const seen: Seen = {};
  try {
    return await step(seen);
  } catch (err) {
    if (seen.license && err instanceof AppError && !(err instanceof UnknownKeyError)) {
      recordKeyUsage(deps, caller, kind, seen.license, { code: err.code, success: false, machineId });
    }
    throw err;
  }
}

/** Throws REVOKED, SUSPENDED or EXPIRED (403) for a license that cannot be used at all. */
export function requireUsable(license: Omit<LicenseFacts, 'machines' | 'entitlements'>, now: Date): void {
  const decision = decideValidation({ ...license, machines: new Map(), entitlements: new Set() }, {}, now);
  if (!decision.valid) {
    throw new AppError(
      decision.code as 'REVOKED' | 'SUSPENDED' | 'EXPIRED',
      `License is ${decision.code.toLowerCase()}`,
    );
  }
}

interface Graced {
  offlineGracePeriod: number | null;
  product: { offlineGracePeriod: number };
}

const graceSeconds = (l: Graced) =>
  l.offlineGracePeriod ?? l.product.offlineGracePeriod ?? DEFAULT_GRACE_SECONDS;

export const leaseSeconds = (l: { leaseDuration: number | null; product: { leaseDuration: number } }) =>
  l.leaseDuration ?? l.product.leaseDuration;

/** The offline token for a license (and machine), with every claim from the license itself. */
export function offlineToken(
  deps: Deps,
  l: Graced & {
    id: string;
    key: string;
    productId: string;
    type: LicenseType;
    status: LicenseStatus;
    expiresAt: Date | null;
    entitlementCodes: string[];
  },
  machineId: string | null,
  now: Date,
): OfflineToken {
  return signOfflineToken(
    deps.signingKeys,
    {
      licenseId: l.id,
      licenseKey: l.key,
      productId: l.productId,
      type: l.type,
      status: l.status,
      expiresAt: l.expiresAt,
      graceSeconds: graceSeconds(l),
      machineId,
      entitlements: l.entitlementCodes,
    },
    now,
  );
}

/** One usage row for a key route (batched; see usage-recorder.ts). */
export function recordKeyUsage(
  deps: Deps,
  caller: KeyCaller,
  kind: UsageKind,
  license: UsageLicense,
  result: {
    code: string;
    success: boolean;
    activationId?: string | null;
    machineId?: string | null;
    at?: Date;
    /** Uses a validate consumed (summed in the usage analytics). */
    consumed?: number;
  },
): void {
  deps.usage.record({
    tenant: { accountId: license.accountId, environment: license.environment },
    kind,
    code: result.code,
    success: result.success,
    licenseId: license.id,
    productId: license.productId,
    activationId: result.activationId ?? null,
    machineId: result.machineId ?? null,
    ip: caller.ip,
    userAgent: caller.userAgent,
    at: result.at,
    consumed: result.consumed,
  });
}
