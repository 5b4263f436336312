// Floating seats are leases: heartbeats renew them and the reaper frees the ones that lapsed.
import type { Deps } from '../deps';
import { type EventInput, recordEvents } from '../events/events.service';
import { AppError, notFound } from '../lib/errors';
import { normalizeLicenseKey } from '../lib/ids';
import { activationJson, type CallerInfo, leaseSeconds } from './activations.service';
import { signOfflineToken, type OfflineToken } from './offline-token';
import { decideValidation } from './validation';

/** Renews the caller's seat. A seat that was already freed is not silently re-taken:
 * 404 NOT_ACTIVATED when there is no activation, 409 LEASE_EXPIRED when its lease ran out. */
export async function heartbeat(deps: Deps, caller: CallerInfo, input: { key: string; machineId: string }) {
  const now = deps.now();
  const lic = await deps.prisma.license.findUnique({
    where: { key: normalizeLicenseKey(input.key) },
    include: { product: { select: { leaseDuration: true, offlineGracePeriod: true } } },
  });
  const visible =
    lic &&
    (!caller.scope ||
      (lic.accountId === caller.scope.accountId && lic.environment === caller.scope.environment));
  if (!lic || !visible) throw notFound('License');
  const decision = decideValidation({ ...lic, machines: new Map() }, {}, now);
  if (!decision.valid) {
    throw new AppError(decision.code as 'REVOKED', `License is ${decision.code.toLowerCase()}`);
  }
  const activation = await deps.prisma.activation.findUnique({
    where: { licenseId_machineId: { licenseId: lic.id, machineId: input.machineId } },
  });
  if (!activation) throw new AppError('NOT_ACTIVATED', 'This machine is not activated on the license');
  const floating = lic.type === 'floating';
  const leaseExpiresAt = floating ? new Date(now.getTime() + leaseSeconds(lic) * 1000) : null;
  // Conditional: a lease that lapsed in the meantime (or was reaped) is not renewed.
  const renewed = await deps.prisma.activation.updateMany({
    where: { id: activation.id, ...(floating ? { leaseExpiresAt: { gt: now } } : {}) },
    data: { lastHeartbeatAt: now, ...(leaseExpiresAt ? { leaseExpiresAt } : {}) },
  });
  if (renewed.count === 0) {
    throw new AppError('LEASE_EXPIRED', 'The lease expired; activate again to take a seat');
  }
  deps.licenseCache.invalidate(lic.id);
  deps.usage.record({
    tenant: { accountId: lic.accountId, environment: lic.environment },
    kind: 'heartbeat',
    code: 'OK',
    success: true,
    licenseId: lic.id,
    productId: lic.productId,
    activationId: activation.id,
    machineId: input.machineId,
    ip: caller.ip,
    userAgent: caller.userAgent,
    at: now,
  });
  const offline: OfflineToken = signOfflineToken(
    deps.signingKeys,
    {
      licenseId: lic.id,
      licenseKey: lic.key,
      productId: lic.productId,
      type: lic.type,
      status: lic.status,
      expiresAt: lic.expiresAt,
      graceSeconds: lic.offlineGracePeriod ?? lic.product.offlineGracePeriod,
      machineId: input.machineId,
    },
    now,
  );
  return {
    activation: activationJson({ ...activation, lastHeartbeatAt: now, leaseExpiresAt }),
    leaseExpiresAt,
    offline,
  };
}

interface Reaped {
  id: string;
  licenseId: string;
  machineId: string;
  accountId: string;
  environment: 'live' | 'test';
}

/** Frees every lease that expired more than `slackMs` ago (the slack covers renewals by
 * validation that are still in the usage batch). Each freed seat emits license.deactivated with
 * reason "lease_expired". Safe to run on several instances at once (SKIP LOCKED). */
export async function reapExpiredLeases(deps: Deps, opts: { slackMs?: number; batch?: number } = {}) {
  const cutoff = new Date(deps.now().getTime() - (opts.slackMs ?? 2000));
  const batch = opts.batch ?? 1000;
  let total = 0;
  for (;;) {
    const { reaped, events } = await deps.prisma.$transaction(async (tx) => {
      const reaped = await tx.$queryRawUnsafe<Reaped[]>(
        `DELETE FROM "Activation" WHERE id IN (
           SELECT id FROM "Activation" WHERE "leaseExpiresAt" < $1
           ORDER BY "leaseExpiresAt" LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, "licenseId", "machineId", "accountId", "environment"::text AS environment`,
        cutoff,
        batch,
      );
      if (reaped.length === 0) return { reaped, events: [] };
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
      return { reaped, events: await recordEvents(tx, inputs) };
    });
    for (const r of reaped) deps.licenseCache.invalidate(r.licenseId);
    deps.bus.publish(events);
    total += reaped.length;
    if (reaped.length < batch) return total;
  }
}
