// The license inputs the services take (camelCase, door-neutral: see src/lib/schema.ts). REST renames
// its snake_case fields to these at its edge; GraphQL passes its arguments straight through.
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { clearable, dateInput, metadata, optional } from '../lib/schema';
import { maxUses, UsesResetIntervalEnum } from '../products/products.schemas';

export const LicenseTypeEnum = z.enum(['perpetual', 'subscription', 'trial', 'floating']);
export const LicenseStatusEnum = z.enum(['active', 'expired', 'suspended', 'revoked']);
export const RenewalIntervalEnum = z.enum(['day', 'week', 'month', 'year']);

const domains = z.array(z.string().trim().min(1).max(253)).max(100);
const seats = z.number().int().min(1).max(1_000_000);
const graceSeconds = z
  .number()
  .int()
  .min(0)
  .max(10 * 365 * 86400);
const leaseSeconds = z
  .number()
  .int()
  .min(10)
  .max(30 * 86400);

/** Fields a license is created with and can be changed by update. */
const editable = {
  maxActivations: optional(seats),
  /** Links the license to the customer with this email, creating the customer if needed. */
  email: optional(z.string().trim().email().max(254)),
  customerId: optional(z.string().min(1).max(64)),
  metadata: optional(metadata),
  allowedDomains: optional(domains),
  renewalInterval: optional(RenewalIntervalEnum),
  expiresAt: clearable(dateInput),
  plan: clearable(z.string().max(100)),
  offlineGracePeriod: clearable(graceSeconds),
  leaseDuration: clearable(leaseSeconds),
  /** Default: the product's max_uses (null: unlimited). */
  maxUses: clearable(maxUses),
  /** When `uses` starts again from 0 (UTC boundaries). Default: the product's. */
  usesResetInterval: optional(UsesResetIntervalEnum),
};

export const CreateLicenseInput = z.object({
  productId: z.string().min(1).max(64),
  /** Required, as the seed documents (a missing type is 400 MISSING_FIELDS). */
  type: LicenseTypeEnum,
  /** A pricing tier of the product (src/products/tiers.ts): its seats, duration and entitlements
   * are the defaults; fields given here override them. Unknown: 422 UNKNOWN_TIER. */
  tier: optional(z.string().trim().min(1).max(64)),
  /** Import an existing key instead of generating one. */
  key: optional(z.string().trim().min(1).max(128)),
  /** Email the key to the license's customer (who must have an email). */
  sendEmail: optional(z.boolean()),
  ...editable,
});
export type CreateLicenseInput = z.output<typeof CreateLicenseInput>;

/** Only the fields given change; null clears expiresAt, plan, offlineGracePeriod and leaseDuration. */
export const UpdateLicenseInput = z.object(editable);
export type UpdateLicenseInput = z.output<typeof UpdateLicenseInput>;

export const RenewLicenseInput = z.object({ expiresAt: optional(dateInput) });

export const LicenseFilterInput = z.object({
  status: optional(LicenseStatusEnum),
  type: optional(LicenseTypeEnum),
  productId: optional(z.string().max(64)),
  customerId: optional(z.string().max(64)),
  /** The customer's email, exact match, case-insensitive. */
  email: optional(z.string().max(254)),
  /** Licenses whose expiresAt is before / at or after this moment (so never-expiring ones are left out). */
  expiresBefore: optional(dateInput),
  expiresAfter: optional(dateInput),
  /** Part of the license key or of the customer's email, case-insensitive. */
  search: optional(z.string().trim().max(254)),
});
export type LicenseFilter = z.output<typeof LicenseFilterInput>;

export const LICENSE_ORDER_FIELDS = [
  'createdAt',
  'updatedAt',
  'expiresAt',
  'lastValidatedAt',
  'key',
] as const;
/** How a list of licenses is sorted; `id` breaks ties. Default: newest first. */
export const LicenseOrderInput = z.object({
  field: z.enum(LICENSE_ORDER_FIELDS),
  direction: z.enum(['asc', 'desc']),
});
export type LicenseOrder = z.output<typeof LicenseOrderInput>;

export const ListLicensesQuery = PaginationQuery.extend(LicenseFilterInput.shape);
