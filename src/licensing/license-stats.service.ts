// The licenses of a tenant at a glance: how many per (effective) status and how many devices hold a
// seat. One SQL statement whatever the number of licenses (the dashboard's Overview reads it).
import type { LicenseStatus } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import type { Caller } from '../lib/principal';

export interface LicenseStats {
  total: number;
  byStatus: { status: LicenseStatus; count: number }[];
  /** Activations (devices holding a seat) over every license. */
  activeDevices: number;
}

const STATUSES: LicenseStatus[] = ['active', 'expired', 'suspended', 'revoked'];

export async function licenseStats(deps: Deps, caller: Caller): Promise<LicenseStats> {
  const { accountId, environment } = caller.tenant;
  // An active license past its expiresAt reads as expired, as it does everywhere (effectiveStatus).
  const rows = await deps.prisma.$queryRawUnsafe<{ status: LicenseStatus; count: number; devices: number }[]>(
    `SELECT CASE WHEN status = 'active' AND "expiresAt" IS NOT NULL AND "expiresAt" <= $3
                 THEN 'expired' ELSE status::text END AS status,
            count(*)::int AS count, COALESCE(sum("activationCount"), 0)::int AS devices
       FROM "License" WHERE "accountId" = $1 AND "environment" = $2::"Environment" GROUP BY 1`,
    accountId,
    environment,
    deps.now(),
  );
  const count = new Map(rows.map((r) => [r.status, r.count]));
  return {
    total: rows.reduce((n, r) => n + r.count, 0),
    byStatus: STATUSES.map((status) => ({ status, count: count.get(status) ?? 0 })),
    activeDevices: rows.reduce((n, r) => n + r.devices, 0),
  };
}
