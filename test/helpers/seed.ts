// Bulk data for tests and benchmarks that need many rows: licenses (with customers, devices, an
// event each and a month of validations) written with a few set-based SQL statements, not one
// service call per row. Every row belongs to `tenant`; `tag` keeps the ids and keys of each call apart.
import type { App } from '../../src/app';
import type { Tenant } from '../../src/lib/principal';

export async function seedLicenses(
  app: App,
  tenant: Tenant,
  opts: { productId: string; count: number; tag: string },
): Promise<void> {
  const db = app.deps.prisma;
  const { productId, count, tag } = opts;
  const acct = tenant.accountId;
  const env = tenant.environment;
  const run = (sql: string) => db.$executeRawUnsafe(sql, acct, env, productId, count, tag);
  // $1 account, $2 environment, $3 product, $4 count, $5 tag
  await run(`INSERT INTO "Customer" (id, "accountId", environment, email, "createdAt", "updatedAt")
    SELECT 'cus_s' || $5::text || 'x' || i, $1::text, $2::text::"Environment",
           'buyer-' || $5::text || '-' || i || '@example.com', now(), now()
      FROM generate_series(1, $4::int) AS i WHERE $3::text IS NOT NULL`);
  await run(`INSERT INTO "License" (id, "accountId", environment, "productId", "customerId", key, type, status,
        "maxActivations", "activationCount", "expiresAt", "createdAt", "updatedAt")
    SELECT 'lic_s' || $5::text || 'x' || i, $1::text, $2::text::"Environment", $3::text,
           'cus_s' || $5::text || 'x' || i, 'SEED-' || upper($5::text) || '-' || lpad(i::text, 6, '0'),
           (CASE WHEN i % 3 = 0 THEN 'subscription' ELSE 'perpetual' END)::"LicenseType",
           (CASE WHEN i % 17 = 0 THEN 'suspended' WHEN i % 29 = 0 THEN 'revoked' ELSE 'active' END)::"LicenseStatus",
           3, i % 3,
           CASE WHEN i % 3 = 0 THEN now() + ((i % 90) - 20) * interval '1 day' END,
           now() - i * interval '1 second', now()
      FROM generate_series(1, $4::int) AS i`);
  await run(`INSERT INTO "Activation" (id, "accountId", environment, "licenseId", "machineId", "createdAt")
    SELECT 'mach_s' || $5::text || 'x' || i || 'x' || m, $1::text, $2::text::"Environment",
           'lic_s' || $5::text || 'x' || i, 'device-' || i || '-' || m, now()
      FROM generate_series(1, $4::int) AS i, generate_series(1, 2) AS m WHERE m <= i % 3 AND $3::text IS NOT NULL`);
  await run(`INSERT INTO "Event" (id, "accountId", environment, type, "licenseId", "productId", data, "createdAt")
    SELECT 'evt_s' || $5::text || 'x' || i, $1::text, $2::text::"Environment", 'license.created',
           'lic_s' || $5::text || 'x' || i, $3::text, '{"status":"active"}'::jsonb, now() - i * interval '1 second'
      FROM generate_series(1, $4::int) AS i`);
  await run(`INSERT INTO "UsageRecord" ("accountId", environment, "licenseId", "productId", "machineId", kind, code,
        success, count, "createdAt")
    SELECT $1::text, $2::text::"Environment", 'lic_s' || $5::text || 'x' || i, $3::text, 'device-' || i || '-1',
           'validate', c.code, c.code = 'VALID', 1 + i % 4, now() - (i % 30) * interval '1 day'
      FROM generate_series(1, $4::int) AS i,
           LATERAL (SELECT CASE WHEN i % 7 = 0 THEN 'SUSPENDED' WHEN i % 11 = 0 THEN 'EXPIRED'
                                WHEN i % 13 = 0 THEN 'NOT_ACTIVATED' ELSE 'VALID' END AS code) AS c`);
}
