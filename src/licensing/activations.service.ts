// Activations: a device taking a seat on a license (activate, public) and freeing it (deactivate,
// public; deleteActivation, portal). The seat limit is a conditional UPDATE inside the transaction,
// so it holds under concurrency.
import type { Activation } from '../../prisma/generated/client/client';
import type { AuditSource } from '../audit/audit.service';
import { commit, type Staged, type Tx } from '../db/commit';
import { isUniqueViolation } from '../db/errors';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type KeyCaller } from '../lib/principal';
import {
  countRefusals,
  guardKeyLookup,
  keySource,
  leaseSeconds,
  licenseByKey,
  offlineToken,
  recordKeyUsage,
  requireUsable,
  type Seen,
} from './key-access';
import type { ActivateInput, DeviceInput } from './license-keys.schemas';
import type { LicenseWithCustomer } from './licenses.service';
import type { OfflineToken } from './offline-token';

export interface ActivateResult {
  created: boolean;
  activation: Activation;
  license: LicenseWithCustomer;
  offline: OfflineToken;
}

export interface DeactivateResult {
  /** The removed activation (it no longer exists). */
  activation: Activation;
  license: LicenseWithCustomer;
}

const withCustomer = { customer: { select: { email: true } } } as const;

/** What an activation's audit entry shows of it. */
const AUDITED = ['licenseId', 'machineId', 'label', 'platform', 'ip'] as const;

/** Activates a device; re-activating the same device is idempotent (200, the same activation). */
export function activateLicense(
  deps: Deps,
  caller: KeyCaller,
  input: ActivateInput,
): Promise<ActivateResult> {
  return guardKeyLookup(deps, caller, () =>
    countRefusals(deps, caller, 'activate', input.machineId, async (seen) => {
      try {
        return await activateOnce(deps, caller, input, seen);
      } catch (err) {
        // Two requests for the same new device raced; the loser now finds the winner's activation.
        if (isUniqueViolation(err)) return activateOnce(deps, caller, input, seen);
        throw err;
      }
    }),
  );
}

async function activateOnce(
  deps: Deps,
  caller: KeyCaller,
  input: ActivateInput,
  seen: Seen,
): Promise<ActivateResult> {
  const now = deps.now();
  const { created, activation, lic } = await commit(deps, async (tx, staged) => {
    const lic = await licenseByKey(tx, caller, input.key, seen);
    requireUsable(lic, now);
    const leaseExpiresAt =
      lic.type === 'floating' ? new Date(now.getTime() + leaseSeconds(lic) * 1000) : null;
    const existing = await tx.activation.findUnique({
      where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
    });
    if (existing) {
      if (!leaseExpiresAt) return { created: false, activation: existing, lic };
      staged.invalidateLicense(lic.id);
      const activation = await tx.activation.update({
        where: { id: existing.id },
        data: { leaseExpiresAt, lastHeartbeatAt: now },
      });
      return { created: false, activation, lic };
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
    staged.invalidateLicense(lic.id);
    // In this transaction (commit() writes it with the change): no round trip of its own.
    staged.audit(keySource(caller, lic), 'activation.created', {
      id: activation.id,
      after: activation,
      fields: AUDITED,
    });
    staged.event({
      type: 'license.activated',
      tenant: { accountId: lic.accountId, environment: lic.environment },
      licenseId: lic.id,
      productId: lic.productId,
      machineId: activation.id,
      data: { deviceId: input.machineId, label: activation.label, platform: activation.platform },
    });
    return { created: true, activation, lic };
  });
  const license = await deps.prisma.license.findUniqueOrThrow({
    where: { id: lic.id },
    include: withCustomer,
  });
  recordKeyUsage(deps, caller, 'activate', license, {
    code: created ? 'ACTIVATED' : 'ALREADY_ACTIVATED',
    success: true,
    activationId: activation.id,
    machineId: activation.machineId,
  });
  const offline = offlineToken(deps, { ...license, product: lic.product }, input.machineId, now);
  return { created, activation, license, offline };
}

/** Frees a seat inside `tx`: deletes the activation, decrements the count, records
 * license.deactivated with `reason` (and `extra` data, such as the actor) and the audit entry
 * `activation.deleted` naming `source`. */
export async function removeActivation(
  tx: Tx,
  staged: Staged,
  source: AuditSource,
  activation: Activation,
  reason: string,
  extra: Record<string, unknown> = {},
) {
  const deleted = await tx.activation.deleteMany({ where: { id: activation.id } });
  if (deleted.count === 0) throw notFound('Activation');
  await tx.$executeRawUnsafe(
    `UPDATE "License" SET "activationCount" = "activationCount" - 1 WHERE id = $1 AND "activationCount" > 0`,
    activation.licenseId,
  );
  const license = await tx.license.findUniqueOrThrow({
    where: { id: activation.licenseId },
    include: withCustomer,
  });
  staged.invalidateLicense(license.id);
  staged.audit(source, 'activation.deleted', { id: activation.id, before: activation, fields: AUDITED });
  staged.event({
    type: 'license.deactivated',
    tenant: { accountId: license.accountId, environment: license.environment },
    licenseId: license.id,
    productId: license.productId,
    machineId: activation.id,
    data: { deviceId: activation.machineId, reason, ...extra },
  });
  return license;
}

/** Deactivates a device by license key and machine id (the public route). */
export function deactivateLicense(
  deps: Deps,
  caller: KeyCaller,
  input: DeviceInput,
): Promise<DeactivateResult> {
  return guardKeyLookup(deps, caller, () =>
    countRefusals(deps, caller, 'deactivate', input.machineId, async (seen) => {
      const result = await commit(deps, async (tx, staged) => {
        const lic = await licenseByKey(tx, caller, input.key, seen);
        const activation = await tx.activation.findUnique({
          where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
        });
        if (!activation) throw notFound('Activation');
        const source = keySource(caller, lic);
        return { activation, license: await removeActivation(tx, staged, source, activation, 'manual') };
      });
      recordKeyUsage(deps, caller, 'deactivate', result.license, {
        code: 'DEACTIVATED',
        success: true,
        activationId: result.activation.id,
        machineId: result.activation.machineId,
      });
      return result;
    }),
  );
}

/** Removes an activation of the caller's tenant by id (the portal route). */
export async function deleteActivation(
  deps: Deps,
  caller: Caller,
  activationId: string,
): Promise<DeactivateResult> {
  const result = await commit(deps, async (tx, staged) => {
    const activation = await tx.activation.findFirst({
      where: { id: activationId, ...inTenant(caller.tenant) },
    });
    if (!activation) throw notFound('Activation');
    return { activation, license: await removeActivation(tx, staged, caller, activation, 'manual') };
  });
  recordKeyUsage(deps, { ...caller, scope: caller.tenant }, 'deactivate', result.license, {
    code: 'DEACTIVATED',
    success: true,
    activationId: result.activation.id,
    machineId: result.activation.machineId,
  });
  return result;
}

export async function listActivations(deps: Deps, caller: Caller, licenseId: string, w: PageWindow) {
  const lic = await deps.prisma.license.findFirst({
    where: { id: licenseId, ...inTenant(caller.tenant) },
    select: { id: true },
  });
  if (!lic) throw notFound('License');
  return listPage(deps.prisma.activation, { licenseId }, w);
}
