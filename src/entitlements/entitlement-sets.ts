// A license's effective entitlements (its product's plus its own, sorted) are kept on the license
// row (`entitlementCodes`), so every read of a license (the License JSON, the validate cache, the
// offline token's `ent` claim) has them without a join. Every transaction that changes a set calls
// refreshLicenses() for the licenses it affects, after its own writes.
//
// Concurrency: refreshLicenses locks the affected license rows (FOR UPDATE) in one statement and
// recomputes them in the next. Under READ COMMITTED the next statement sees everything committed
// before the lock was granted, so of two transactions that change sets touching one license, the
// one that recomputes last sees the other's writes. Writers whose affected set could miss a row a
// concurrent transaction is still inserting lock the row that insert refers to first: attaching
// to a product locks the product (a new license's foreign key waits on it), and renaming or
// deleting an entitlement locks the entitlement (a new attachment's foreign key waits on it).
import type { Entitlement } from '../../prisma/generated/client/client';
import type { Tx } from '../db/commit';
import { AppError } from '../lib/errors';
import { inTenant, type Tenant } from '../lib/principal';

/** Codes compare without regard to case (they are unique that way). */
export const normalizeCode = (code: string) => code.toLowerCase();

/** The tenant's entitlements with these codes (any case), in the order given; an unknown code is
 * 404 NOT_FOUND naming every unknown one. */
export async function resolveCodes(tx: Tx, tenant: Tenant, codes: string[]): Promise<Entitlement[]> {
  const wanted = [...new Set(codes.map(normalizeCode))];
  if (wanted.length === 0) return [];
  const found = await tx.entitlement.findMany({
    where: { ...inTenant(tenant), normalizedCode: { in: wanted } },
  });
  const byCode = new Map(found.map((e) => [e.normalizedCode, e]));
  const missing = codes.filter((c) => !byCode.has(normalizeCode(c)));
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `Entitlement(s) not found: ${missing.join(', ')}`, { codes: missing });
  }
  return wanted.map((c) => byCode.get(c)!);
}

/** Locks rows that concurrent writers of entitlement sets refer to (see the note above). Every
 * writer takes its locks in one order, products → entitlements → licenses (each kind by id), so two
 * of them never wait on each other in a cycle. */
export async function lockRows(
  tx: Tx,
  table: 'Product' | 'Entitlement' | 'License',
  ids: string[],
  mode: 'UPDATE' | 'KEY SHARE' = 'UPDATE',
): Promise<void> {
  if (ids.length === 0) return;
  await tx.$queryRawUnsafe(
    `SELECT 1 FROM "${table}" WHERE id = ANY($1::text[]) ORDER BY id FOR ${mode}`,
    [...ids].sort(),
  );
}

export type Affected = { licenseIds: string[] } | { productId: string } | { entitlementId: string };

const AFFECTED_SQL = {
  licenseIds: `SELECT id FROM "License" WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
  productId: `SELECT id FROM "License" WHERE "productId" = $1 ORDER BY id FOR UPDATE`,
  entitlementId: `SELECT id FROM "License" WHERE id IN (
      SELECT "licenseId" FROM "LicenseEntitlement" WHERE "entitlementId" = $1
      UNION
      SELECT l.id FROM "License" l JOIN "ProductEntitlement" pe ON pe."productId" = l."productId"
       WHERE pe."entitlementId" = $1)
    ORDER BY id FOR UPDATE`,
};

const EFFECTIVE_SQL = `COALESCE((
    SELECT array_agg(s.code ORDER BY s.code COLLATE "C") FROM (
      SELECT e.code FROM "ProductEntitlement" pe JOIN "Entitlement" e ON e.id = pe."entitlementId"
       WHERE pe."productId" = l."productId"
      UNION
      SELECT e.code FROM "LicenseEntitlement" le JOIN "Entitlement" e ON e.id = le."entitlementId"
       WHERE le."licenseId" = l.id) s), ARRAY[]::text[])`;

const RECOMPUTE_SQL = `UPDATE "License" l SET "updatedAt" = $2, "entitlementCodes" = ${EFFECTIVE_SQL}
  WHERE l.id = ANY($1::text[])`;

/** A new license's effective entitlements (its product's and any given at creation), stored and
 * returned. Its insert holds a key-share lock on the product row, so a concurrent attach to the
 * product either committed before this statement or recomputes this license after it. */
export async function initialEntitlements(tx: Tx, licenseId: string): Promise<string[]> {
  const [row] = await tx.$queryRawUnsafe<{ codes: string[] }[]>(
    `UPDATE "License" l SET "entitlementCodes" = ${EFFECTIVE_SQL}
      WHERE l.id = $1 RETURNING "entitlementCodes" AS codes`,
    licenseId,
  );
  return row?.codes ?? [];
}

/** The ids of the licenses an entitlement (through a product or directly) reaches, for a change
 * that is about to remove the rows that say so (deleting the entitlement). */
export async function licensesReachedBy(tx: Tx, entitlementId: string): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    AFFECTED_SQL.entitlementId.replace(' FOR UPDATE', ''),
    entitlementId,
  );
  return rows.map((r) => r.id);
}

/** Recomputes the effective entitlements of the affected licenses; returns their ids (for the
 * caller to drop from the validate cache). */
export async function refreshLicenses(tx: Tx, affected: Affected, now: Date): Promise<string[]> {
  const [kind, arg] =
    'licenseIds' in affected
      ? (['licenseIds', affected.licenseIds] as const)
      : 'productId' in affected
        ? (['productId', affected.productId] as const)
        : (['entitlementId', affected.entitlementId] as const);
  if (Array.isArray(arg) && arg.length === 0) return [];
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(AFFECTED_SQL[kind], arg);
  const ids = locked.map((r) => r.id);
  if (ids.length > 0) await tx.$executeRawUnsafe(RECOMPUTE_SQL, ids, now);
  return ids;
}
