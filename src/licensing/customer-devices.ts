// What the customer page shows and lets a customer do (src/pages/ renders it): their licenses with
// devices and recent usage, and Deactivate, which frees a seat and records license.deactivated
// with `actor: "customer"`, up to the product's `customerDeactivationsPerMonth` per license and
// calendar month (UTC).
import type { Prisma } from '../../prisma/generated/client/client';
import type { AuditSource } from '../audit/audit.service';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { type RequestMeta, type Tenant } from '../lib/principal';
import { removeActivation } from './activations.service';
import { recordKeyUsage } from './key-access';

/** Whose licenses a signed-in page shows: a customer's, or the one license signed in by key. */
export interface CustomerScope {
  tenant: Tenant;
  customerId: string | null;
  licenseId: string | null;
}

const USAGE_DAYS = 30;

const scopeWhere = (s: CustomerScope): Prisma.LicenseWhereInput => ({
  ...s.tenant,
  ...(s.licenseId ? { id: s.licenseId } : { customerId: s.customerId ?? '(none)' }),
});

export async function customerLicenses(deps: Deps, scope: CustomerScope) {
  const licenses = await deps.prisma.license.findMany({
    where: scopeWhere(scope),
    include: {
      product: { select: { name: true } },
      activations: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
  const since = new Date(deps.now().getTime() - USAGE_DAYS * 86_400_000);
  const usage = licenses.length
    ? await deps.prisma.usageRecord.groupBy({
        by: ['licenseId'],
        where: {
          ...scope.tenant,
          licenseId: { in: licenses.map((l) => l.id) },
          kind: 'validate',
          createdAt: { gte: since },
        },
        _sum: { count: true },
      })
    : [];
  const byLicense = new Map(usage.map((u) => [u.licenseId, u._sum.count ?? 0]));
  return licenses.map((l) => ({ ...l, validations30d: byLicense.get(l.id) ?? 0 }));
}

export type CustomerLicense = Awaited<ReturnType<typeof customerLicenses>>[number];

/** The customer on their page, for the audit log: their id, or (signed in by key) null. */
const customerSource = (scope: CustomerScope, meta: RequestMeta): AuditSource => ({
  ...meta,
  tenant: scope.tenant,
  actor: {
    type: 'customer',
    id: scope.customerId,
    label: scope.customerId ? 'customer page' : 'customer page (license key)',
  },
});

const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));

/** Frees one of the customer's devices. 404 for a device outside the scope; 409
 * DEACTIVATION_LIMIT_REACHED past the product's monthly cap (counted under the license's lock, so
 * concurrent clicks cannot overshoot it). */
export async function deactivateForCustomer(
  deps: Deps,
  scope: CustomerScope,
  activationId: string,
  meta: RequestMeta,
) {
  const result = await commit(deps, async (tx, staged) => {
    const activation = await tx.activation.findFirst({
      where: { id: activationId, ...scope.tenant, license: scopeWhere(scope) },
      include: { license: { select: { product: { select: { customerDeactivationsPerMonth: true } } } } },
    });
    if (!activation) throw notFound('Device');
    await tx.$queryRawUnsafe(`SELECT id FROM "License" WHERE id = $1 FOR UPDATE`, activation.licenseId);
    const cap = activation.license.product.customerDeactivationsPerMonth;
    if (cap !== null) {
      const used = await tx.event.count({
        where: {
          ...scope.tenant,
          licenseId: activation.licenseId,
          type: 'license.deactivated',
          createdAt: { gte: monthStart(deps.now()) },
          data: { path: ['actor'], equals: 'customer' },
        },
      });
      if (used >= cap) {
        throw new AppError(
          'DEACTIVATION_LIMIT_REACHED',
          `You can free ${cap} device${cap === 1 ? '' : 's'} a month on this license; contact support for more`,
        );
      }
    }
    const { license: _l, ...plain } = activation;
    return {
      activation: plain,
      license: await removeActivation(tx, staged, customerSource(scope, meta), plain, 'manual', {
        actor: 'customer',
      }),
    };
  });
  recordKeyUsage(deps, { ...meta, scope: scope.tenant }, 'deactivate', result.license, {
    code: 'DEACTIVATED',
    success: true,
    activationId: result.activation.id,
    machineId: result.activation.machineId,
  });
  return result;
}
