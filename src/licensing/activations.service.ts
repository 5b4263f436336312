// Validate, activate and deactivate: the public license-key paths.
import type { Activation } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { isUniqueViolation } from '../db/errors';
import { recordEvents } from '../events/events.service';
import { AppError, notFound } from '../lib/errors';
import { newId, normalizeLicenseKey } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';
import type { CacheEntry, CachedLicense } from './license-cache';
import { DEFAULT_GRACE_SECONDS, type OfflineToken, signOfflineToken } from './offline-token';
import type { LicenseWithCustomer } from './licenses.service';
import { decideValidation, type Decision, type ValidationRequest } from './validation';

/** The message of the 404 for an unknown license key (the enumeration guard counts these). */
export const LICENSE_NOT_FOUND = 'License not found';

export interface CallerInfo {
  /** When the caller sent an API key, lookups are restricted to its account and environment. */
  scope: Tenant | null;
  ip?: string | null;
  userAgent?: string | null;
}

const inScope = (l: { accountId: string; environment: string }, scope: Tenant | null) =>
  !scope || (l.accountId === scope.accountId && l.environment === scope.environment);

const cacheInclude = {
  customer: { select: { email: true } },
  product: { select: { id: true, offlineGracePeriod: true, leaseDuration: true } },
  activations: { select: { id: true, machineId: true, leaseExpiresAt: true } },
} as const;

/** The validate path's lookup: served from the cache when fresh, otherwise one indexed read. */
export async function lookupForValidation(deps: Deps, key: string): Promise<CacheEntry | null> {
  const k = normalizeLicenseKey(key);
  const hit = deps.licenseCache.get(k);
  if (hit) return hit;
  const license = await deps.prisma.license.findUnique({ where: { key: k }, include: cacheInclude });
  if (!license) return null;
  return deps.licenseCache.set(license as CachedLicense);
}

export interface ValidationResult extends Decision {
  license: CachedLicense | null;
  validatedAt: Date;
  offline: OfflineToken | null;
}

/** Offline tokens are reused for this long per (license, machine) while the cache entry lives, so
 * the hot path does not sign on every call; any change to the license drops the entry. */
const TOKEN_REUSE_MS = 60_000;

const graceSeconds = (l: { offlineGracePeriod: number | null; product: { offlineGracePeriod: number } }) =>
  l.offlineGracePeriod ?? l.product.offlineGracePeriod ?? DEFAULT_GRACE_SECONDS;

export const leaseSeconds = (l: { leaseDuration: number | null; product: { leaseDuration: number } }) =>
  l.leaseDuration ?? l.product.leaseDuration;

function offlineFor(deps: Deps, entry: CacheEntry, machineId: string | null, now: Date): OfflineToken {
  const slot = machineId ?? '';
  const reuse = entry.tokens.get(slot);
  if (reuse && now.getTime() - reuse.at < TOKEN_REUSE_MS) return reuse.token;
  const l = entry.license;
  const token = signOfflineToken(
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
    },
    now,
  );
  entry.tokens.set(slot, { token, at: now.getTime() });
  return token;
}

/** Validates a key. Writes nothing in the request: usage, lastValidatedAt and validation.failed
 * events go to the batched recorder. */
export async function validateLicense(
  deps: Deps,
  caller: CallerInfo,
  key: string,
  req: ValidationRequest,
): Promise<ValidationResult> {
  const now = deps.now();
  const entry = await lookupForValidation(deps, key);
  const visible = entry && inScope(entry.license, caller.scope) ? entry : null;
  const decision = decideValidation(visible?.facts ?? null, req, now);
  const license = visible?.license ?? null;
  let offline: OfflineToken | null = null;
  if (visible && decision.valid) {
    offline = offlineFor(deps, visible, req.machineId ?? null, now);
    if (license!.type === 'floating' && req.machineId) {
      // Validation with machine_id renews a floating seat's lease: in memory now, in the database
      // with the next usage batch (the reaper allows for that delay).
      const until = new Date(now.getTime() + leaseSeconds(license!) * 1000);
      (visible.facts.machines as Map<string, Date | null>).set(req.machineId, until);
      const a = license!.activations.find((x) => x.machineId === req.machineId);
      if (a) deps.usage.renewLease(a.id, until);
    }
  }
  if (license) {
    const tenant = { accountId: license.accountId, environment: license.environment };
    const machine = req.machineId
      ? license.activations.find((a) => a.machineId === req.machineId)
      : undefined;
    deps.usage.record({
      tenant,
      kind: 'validate',
      code: decision.code,
      success: decision.valid,
      licenseId: license.id,
      productId: license.productId,
      activationId: machine?.id ?? null,
      machineId: req.machineId ?? null,
      ip: caller.ip,
      userAgent: caller.userAgent,
      at: now,
    });
    if (!decision.valid) {
      deps.usage.recordEvent({
        type: 'validation.failed',
        tenant,
        licenseId: license.id,
        productId: license.productId,
        machineId: machine?.id ?? null,
        data: { code: decision.code, deviceId: req.machineId ?? null, domain: req.domain ?? null },
      });
    }
  }
  return { ...decision, license, validatedAt: now, offline };
}

export interface ActivateInput {
  key: string;
  machineId: string;
  label?: string | null;
  platform?: string | null;
}

export interface ActivateResult {
  created: boolean;
  activation: Activation;
  license: LicenseWithCustomer;
  offline: OfflineToken;
}

/** Activates a device. The seat limit is enforced by a conditional UPDATE inside the transaction,
 * so it holds under concurrency; re-activating the same device is idempotent. */
export async function activateLicense(
  deps: Deps,
  caller: CallerInfo,
  input: ActivateInput,
): Promise<ActivateResult> {
  try {
    return await activateOnce(deps, caller, input);
  } catch (err) {
    // Two requests for the same new device raced; the loser now finds the winner's activation.
    if (isUniqueViolation(err)) return activateOnce(deps, caller, input);
    throw err;
  }
}

async function activateOnce(deps: Deps, caller: CallerInfo, input: ActivateInput): Promise<ActivateResult> {
  const key = normalizeLicenseKey(input.key);
  const now = deps.now();
  const result = await deps.prisma.$transaction(async (tx) => {
    const lic = await tx.license.findUnique({
      where: { key },
      include: { product: { select: { leaseDuration: true, offlineGracePeriod: true } } },
    });
    if (!lic || !inScope(lic, caller.scope)) throw notFound('License');
    const decision = decideValidation({ ...lic, machines: new Map() }, {}, now);
    if (!decision.valid) {
      throw new AppError(
        decision.code as 'REVOKED' | 'SUSPENDED' | 'EXPIRED',
        `License is ${decision.code.toLowerCase()}`,
      );
    }
    const leaseExpiresAt =
      lic.type === 'floating' ? new Date(now.getTime() + leaseSeconds(lic) * 1000) : null;
    const grace = graceSeconds(lic);
    const existing = await tx.activation.findUnique({
      where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
    });
    if (existing) {
      const activation = leaseExpiresAt
        ? await tx.activation.update({
            where: { id: existing.id },
            data: { leaseExpiresAt, lastHeartbeatAt: now },
          })
        : existing;
      return { created: false, activation, events: [], grace };
    }
    const seats = await tx.$executeRawUnsafe(
      `UPDATE "License" SET "activationCount" = "activationCount" + 1 WHERE id = $1 AND "activationCount" < "maxActivations"`,
      lic.id,
    );
    if (seats === 0) {
      throw new AppError('ACTIVATION_LIMIT_REACHED', `Activation limit of ${lic.maxActivations} reached`);
    }
    const activation = await tx.activation.create({
      data: {
        id: newId('mach'),
        accountId: lic.accountId,
        environment: lic.environment,
        licenseId: lic.id,
        machineId: input.machineId,
        label: input.label ?? null,
        platform: input.platform ?? null,
        ip: caller.ip ?? null,
        leaseExpiresAt,
        lastHeartbeatAt: leaseExpiresAt ? now : null,
        createdAt: now,
      },
    });
    const events = await recordEvents(
      tx,
      [
        {
          type: 'license.activated',
          tenant: { accountId: lic.accountId, environment: lic.environment },
          licenseId: lic.id,
          productId: lic.productId,
          machineId: activation.id,
          data: { deviceId: input.machineId, label: activation.label, platform: activation.platform },
        },
      ],
      now,
    );
    return { created: true, activation, events, grace };
  });
  const license = await deps.prisma.license.findUniqueOrThrow({
    where: { id: result.activation.licenseId },
    include: { customer: { select: { email: true } } },
  });
  deps.licenseCache.invalidate(license.id);
  deps.bus.publish(result.events);
  recordUsage(
    deps,
    caller,
    'activate',
    license,
    result.activation,
    result.created ? 'ACTIVATED' : 'ALREADY_ACTIVATED',
  );
  const offline = signOfflineToken(
    deps.signingKeys,
    {
      licenseId: license.id,
      licenseKey: license.key,
      productId: license.productId,
      type: license.type,
      status: license.status,
      expiresAt: license.expiresAt,
      graceSeconds: result.grace,
      machineId: input.machineId,
    },
    now,
  );
  return { created: result.created, activation: result.activation, license, offline };
}

function recordUsage(
  deps: Deps,
  caller: CallerInfo,
  kind: 'activate' | 'deactivate',
  license: { id: string; accountId: string; environment: Tenant['environment']; productId: string },
  activation: Activation,
  code: string,
) {
  deps.usage.record({
    tenant: { accountId: license.accountId, environment: license.environment },
    kind,
    code,
    success: true,
    licenseId: license.id,
    productId: license.productId,
    activationId: activation.id,
    machineId: activation.machineId,
    ip: caller.ip,
    userAgent: caller.userAgent,
  });
}

/** Frees a seat. `reason` is carried in the license.deactivated event. */
async function removeActivation(
  deps: Deps,
  caller: CallerInfo,
  find: (tx: Parameters<Parameters<Deps['prisma']['$transaction']>[0]>[0]) => Promise<Activation | null>,
  reason: string,
) {
  const now = deps.now();
  const result = await deps.prisma.$transaction(async (tx) => {
    const activation = await find(tx);
    if (!activation) throw notFound('Activation');
    const deleted = await tx.activation.deleteMany({ where: { id: activation.id } });
    if (deleted.count === 0) throw notFound('Activation');
    await tx.$executeRawUnsafe(
      `UPDATE "License" SET "activationCount" = "activationCount" - 1 WHERE id = $1 AND "activationCount" > 0`,
      activation.licenseId,
    );
    const license = await tx.license.findUniqueOrThrow({
      where: { id: activation.licenseId },
      include: { customer: { select: { email: true } } },
    });
    const events = await recordEvents(
      tx,
      [
        {
          type: 'license.deactivated',
          tenant: { accountId: license.accountId, environment: license.environment },
          licenseId: license.id,
          productId: license.productId,
          machineId: activation.id,
          data: { deviceId: activation.machineId, reason },
        },
      ],
      now,
    );
    return { activation, license, events };
  });
  deps.licenseCache.invalidate(result.license.id);
  deps.bus.publish(result.events);
  recordUsage(deps, caller, 'deactivate', result.license, result.activation, 'DEACTIVATED');
  return { activation: result.activation, license: result.license };
}

export async function deactivateLicense(
  deps: Deps,
  caller: CallerInfo,
  input: { key: string; machineId: string },
) {
  const key = normalizeLicenseKey(input.key);
  return removeActivation(
    deps,
    caller,
    async (tx) => {
      const lic = await tx.license.findUnique({
        where: { key },
        select: { id: true, accountId: true, environment: true },
      });
      if (!lic || !inScope(lic, caller.scope)) throw notFound('License');
      return tx.activation.findUnique({
        where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
      });
    },
    'manual',
  );
}

export async function deleteActivation(deps: Deps, tenant: Tenant, activationId: string) {
  return removeActivation(
    deps,
    { scope: tenant },
    (tx) =>
      tx.activation.findFirst({
        where: { id: activationId, accountId: tenant.accountId, environment: tenant.environment },
      }),
    'manual',
  );
}

export async function listActivations(deps: Deps, tenant: Tenant, licenseId: string, w: PageWindow) {
  const lic = await deps.prisma.license.findFirst({
    where: { id: licenseId, accountId: tenant.accountId, environment: tenant.environment },
    select: { id: true },
  });
  if (!lic) throw notFound('License');
  const where = { licenseId };
  const [data, total] = await Promise.all([
    deps.prisma.activation.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.activation.count({ where }),
  ]);
  return { data, total };
}

export function activationJson(a: Activation) {
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
