// Floating seats are leases: heartbeats renew them and the reaper frees the ones that lapsed.
import type { Activation } from '../../prisma/generated/client/client';
import { systemSource } from '../audit/audit.service';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import type { EventInput } from '../events/events.service';
import { AppError } from '../lib/errors';
import type { KeyCaller } from '../lib/principal';
import {
  countRefusals,
  guardKeyLookup,
  leaseSeconds,
  licenseByKey,
  offlineToken,
  recordKeyUsage,
  requireUsable,
  type Seen,
} from './key-access';
import type { DeviceInput } from './license-keys.schemas';
import type { OfflineToken } from './offline-token';

export interface HeartbeatResult {
  activation: Activation;
  /** The renewed lease (floating licenses); null for node-locked ones. */
  leaseExpiresAt: Date | null;
  offline: OfflineToken;
}

/** Renews the caller's seat. A seat that was already freed is not silently re-taken:
 * 404 NOT_ACTIVATED when there is no activation, 409 LEASE_EXPIRED when its lease ran out. */
export function heartbeat(deps: Deps, caller: KeyCaller, input: DeviceInput): Promise<HeartbeatResult> {
  return guardKeyLookup(deps, caller, () =>
    countRefusals(deps, caller, 'heartbeat', input.machineId, (seen) => renew(deps, caller, input, seen)),
  );
}

async function renew(
  deps: Deps,
  caller: KeyCaller,
  input: DeviceInput,
  seen: Seen,
): Promise<HeartbeatResult> {
  const now = deps.now();
  const lic = await licenseByKey(deps.prisma, caller, input.key, seen);
  requireUsable(lic, now);
  const activation = await deps.prisma.activation.findUnique({
    where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
  });
  if (!activation) throw new AppError('NOT_ACTIVATED', 'This machine is not activated on the license');
  const floating = lic.type === 'floating';
  const leaseExpiresAt = floating ? new Date(now.getTime() + leaseSeconds(lic) * 1000) : null;
  // Conditional: a lease that lapsed in the meantime (or was reaped) is not renewed.
  const renewed = await commit(deps, async (tx, staged) => {
    const r = await tx.activation.updateMany({
      where: { id: activation.id, ...(floating ? { leaseExpiresAt: { gt: now } } : {}) },
      data: { lastHeartbeatAt: now, ...(leaseExpiresAt ? { leaseExpiresAt } : {}) },
    });
    staged.invalidateLicense(lic.id);
    return r.count;
  });
  if (renewed === 0) {
    throw new AppError('LEASE_EXPIRED', 'The lease expired; activate again to take a seat');
  }
  recordKeyUsage(deps, caller, 'heartbeat', lic, {
    code: 'OK',
    success: true,
    activationId: activation.id,
    machineId: input.machineId,
    at: now,
  });
  return {
    activation: { ...activation, lastHeartbeatAt: now, leaseExpiresAt },
    leaseExpiresAt,
    offline: offlineToken(deps, lic, input.machineId, now),
  };
}

interface Reaped {
  id: string;
  licenseId: string;
  machineId: string;
  label: string | null;
  platform: string | null;
  ip: string | null;
  accountId: string;
  environment: 'live' | 'test';
}

/** The reaper's audit actor: the server itself. */
const REAPER = systemSource('lease reaper', 'lease_reaper');

/** Frees every lease that expired more than `slackMs` ago (the slack covers renewals by
 * validation that are still in the usage batch). Each freed seat emits license.deactivated with
 * reason "lease_expired" and writes the audit entry `activation.deleted` (actor system, the lease
 * reaper) in the same transaction. Safe to run on several instances at once (SKIP LOCKED). */
export async function reapExpiredLeases(deps: Deps, opts: { slackMs?: number; batch?: number } = {}) {
  const cutoff = new Date(deps.now().getTime() - (opts.slackMs ?? 2000));
  const batch = opts.batch ?? 1000;
  let total = 0;
  for (;;) {
    const reaped = await commit(deps, async (tx, staged) => {
      const reaped = await tx.$queryRawUnsafe<Reaped[]>(
        `DELETE FROM "Activation" WHERE id IN (
           SELECT id FROM "Activation" WHERE "leaseExpiresAt" < $1
           ORDER BY "leaseExpiresAt" LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, "licenseId", "machineId", label, platform, ip, "accountId",
           "environment"::text AS environment`,
        cutoff,
        batch,
      );
      if (reaped.length === 0) return reaped;
      const perLicense = new Map<string, number>();
      for (const r of reaped) perLicense.set(r.licenseId, (perLicense.get(r.licenseId) ?? 0) + 1);
      await tx.$executeRawUnsafe(
        `UPDATE "License" l SET "activationCount" = GREATEST(l."activationCount" - d.n, 0)
           FROM (SELECT unnest($1::text[]) AS id, unnest($2::int[]) AS n) d WHERE l.id = d.id`,
        [...perLicense.keys()],
        [...perLicense.values()],
      );
      const products = await tx.license.findMany({
        where: { id: { in: [...perLicense.keys()] } },
        select: { id: true, productId: true },
      });
      const productOf = new Map(products.map((p) => [p.id, p.productId]));
      const inputs: EventInput[] = reaped.map((r) => ({
        type: 'license.deactivated',
        tenant: { accountId: r.accountId, environment: r.environment },
        licenseId: r.licenseId,
        productId: productOf.get(r.licenseId) ?? null,
        machineId: r.id,
        data: { deviceId: r.machineId, reason: 'lease_expired' },
      }));
      for (const e of inputs) staged.event(e);
      for (const r of reaped) {
        const { accountId, environment, ...before } = r;
        staged.audit({ ...REAPER, tenant: { accountId, environment } }, 'activation.deleted', {
          id: r.id,
          before,
          fields: ['licenseId', 'machineId', 'label', 'platform', 'ip'],
          changes: { reason: [null, 'lease_expired'] },
        });
      }
      for (const id of perLicense.keys()) staged.invalidateLicense(id);
      return reaped;
    });
    total += reaped.length;
    if (reaped.length < batch) return total;
  }
}
