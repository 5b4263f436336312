// Product inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { clearable, metadata, optional } from '../lib/schema';
import { ProductTiers } from './tiers';

/** The platforms a product can name: the seed's four (windows, mac, linux, web) and the two mobile
 * ones, since apps on phones use the server too. Matched without regard to case; stored lower-case,
 * each once, in the order given. */
export const PLATFORMS = ['windows', 'mac', 'linux', 'web', 'ios', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

const platform = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(PLATFORMS, { error: () => `Unknown platform; use one of ${PLATFORMS.join(', ')}` }))
  // What the OpenAPI document shows: the set, as the input it accepts (any case).
  .meta({ enum: [...PLATFORMS], description: 'Case-insensitive; stored lower-case' });

export const UsesResetIntervalEnum = z.enum(['none', 'day', 'week', 'month']);
/** A usage limit (license `maxUses`, product `max_uses`); null is unlimited. */
export const maxUses = z.number().int().min(0).max(2_000_000_000);

const fields = {
  platforms: optional(
    z
      .array(platform)
      .max(20)
      .transform((list) => [...new Set(list)]),
  ),
  metadata: optional(metadata),
  /** Seconds an offline token stays usable (default 7 days). */
  offlineGracePeriod: optional(
    z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 86400),
  ),
  /** Seconds a floating seat's lease lasts between heartbeats (default 15 minutes). */
  leaseDuration: optional(
    z
      .number()
      .int()
      .min(10)
      .max(30 * 86400),
  ),
  /** Devices a customer may free on the customer page, per license and calendar month; null: no cap. */
  customerDeactivationsPerMonth: clearable(z.number().int().min(0).max(10_000)),
  /** The max_uses new licenses get (null: unlimited); existing licenses keep theirs. */
  maxUses: clearable(maxUses),
  /** The uses reset interval new licenses get (default none). */
  usesResetInterval: optional(UsesResetIntervalEnum),
  /** Pricing tiers (./tiers.ts); an update replaces the whole list. */
  tiers: optional(ProductTiers),
};
const name = z.string().trim().min(1).max(200);

export const CreateProductInput = z.object({ name, ...fields });
export type CreateProductInput = z.output<typeof CreateProductInput>;

export const UpdateProductInput = z.object({ name: optional(name), ...fields });
export type UpdateProductInput = z.output<typeof UpdateProductInput>;

export const ListProductsQuery = PaginationQuery;
