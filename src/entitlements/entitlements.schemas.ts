// Entitlement inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { clearable, metadata, optional } from '../lib/schema';

export const CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** 1–64 characters of A–Z, a–z, 0–9, `_`, `.`, `:` and `-`; unique per environment ignoring case. */
export const EntitlementCode = z
  .string()
  .trim()
  .regex(CODE_PATTERN, { error: 'must be 1–64 characters of A–Z, a–z, 0–9, "_", ".", ":" or "-"' });

const name = z.string().trim().min(1).max(200);

export const CreateEntitlementInput = z.object({
  code: EntitlementCode,
  name: optional(name),
  metadata: optional(metadata),
});
export type CreateEntitlementInput = z.output<typeof CreateEntitlementInput>;

/** Only the fields given change; null clears the name. Renaming the code renames it on every
 * license that has it. */
export const UpdateEntitlementInput = z.object({
  code: optional(EntitlementCode),
  name: clearable(name),
  metadata: optional(metadata),
});
export type UpdateEntitlementInput = z.output<typeof UpdateEntitlementInput>;

export const EntitlementCodes = z.array(EntitlementCode).min(1).max(100);

/** `POST …/entitlements {codes}` on a product or a license. */
export const AttachEntitlementsInput = z.object({ codes: EntitlementCodes });
export type AttachEntitlementsInput = z.output<typeof AttachEntitlementsInput>;

export const ListEntitlementsQuery = PaginationQuery;
