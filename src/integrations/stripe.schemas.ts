// Stripe integration inputs (camelCase, door-neutral: see src/lib/schema.ts). `prices` maps a
// Stripe price id to what a checkout for it makes; GraphQL sends it as a list (maps are not GraphQL
// types), REST as an object, and both parse to the same record.
import { z } from 'zod';
import { optional } from '../lib/schema';
import { LicenseTypeEnum } from '../licensing/licenses.schemas';

const priceId = z.string().trim().min(1).max(255);

const PriceEntry = z.object({
  productId: z.string().min(1).max(64),
  type: optional(LicenseTypeEnum),
  plan: optional(z.string().max(100)),
  maxActivations: optional(z.number().int().min(1).max(1_000_000)),
});
export type PriceEntry = z.output<typeof PriceEntry>;

const prices = z
  .union([z.record(priceId, PriceEntry), z.array(PriceEntry.extend({ priceId })).max(1000)])
  .transform((p): Record<string, PriceEntry> =>
    Array.isArray(p) ? Object.fromEntries(p.map(({ priceId: id, ...entry }) => [id, entry])) : p,
  );

export const ConfigureStripeInput = z.object({
  /** The endpoint's signing secret from the Stripe dashboard (`whsec_…`). Required to turn the
   * integration on; left out later, the sealed one is kept (it is never shown, so a form that edits
   * the price mapping cannot send it back). */
  webhookSecret: optional(
    z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=_-]{8,200}$/, 'must be the whsec_… signing secret of the Stripe endpoint'),
  ),
  defaultProductId: optional(z.string().min(1).max(64)),
  prices: optional(prices),
  /** Email the key after each checkout (default true). */
  sendLicenseEmail: optional(z.boolean()),
});
export type ConfigureStripeInput = z.output<typeof ConfigureStripeInput>;
