// Pricing tiers of a product: named sets of defaults a license can be created from
// (`POST /api/v1/licenses {product_id, tier, type}`): seats, a duration and entitlements. Fields
// given on the create override the tier's. Stored as JSON on the product.
import { z } from 'zod';
import { EntitlementCode } from '../entitlements/entitlements.schemas';
import { optional } from '../lib/schema';

/** REST renames only top-level fields, so a tier also accepts the snake_case names REST bodies use
 * elsewhere (`max_activations`, `duration_days`); the camelCase name wins when both are sent. */
const SNAKE: Record<string, string> = { max_activations: 'maxActivations', duration_days: 'durationDays' };
const fromSnake = (v: unknown) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!(k in SNAKE)) out[k] = x;
  for (const [k, x] of Object.entries(v)) if (k in SNAKE && !(SNAKE[k]! in out)) out[SNAKE[k]!] = x;
  return out;
};

const TierObject = z.object({
  /** Unique within the product, ignoring case. */
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1–64 characters of A–Z, a–z, 0–9, "_", "." or "-"' }),
  /** The license's maxActivations (seats). Default 1, as for any license. */
  maxActivations: optional(z.number().int().min(1).max(1_000_000)),
  /** Days from creation to expiresAt, for licenses that expire (not perpetual ones). */
  durationDays: optional(z.number().int().min(1).max(36_500)),
  /** Entitlement codes the license gets (they must exist when the tier is saved). */
  entitlements: optional(z.array(EntitlementCode).max(100)),
});
export const ProductTier = z.preprocess(fromSnake, TierObject);
export type ProductTier = z.output<typeof ProductTier>;

export const ProductTiers = z
  .array(ProductTier)
  .max(50)
  .superRefine((tiers, ctx) => {
    const seen = new Set<string>();
    tiers.forEach((t, i) => {
      const k = t.name.toLowerCase();
      if (seen.has(k))
        ctx.addIssue({ code: 'custom', message: `duplicate tier name ${t.name}`, path: [i, 'name'] });
      seen.add(k);
    });
  });

/** The tiers as stored (normalised: every field present, null when not set). */
export interface StoredTier {
  name: string;
  maxActivations: number | null;
  durationDays: number | null;
  entitlements: string[];
}

export const storedTiers = (tiers: ProductTier[]): StoredTier[] =>
  tiers.map((t) => ({
    name: t.name,
    maxActivations: t.maxActivations ?? null,
    durationDays: t.durationDays ?? null,
    entitlements: t.entitlements ?? [],
  }));

export const tiersOf = (p: { tiers: unknown }): StoredTier[] =>
  (Array.isArray(p.tiers) ? p.tiers : []) as StoredTier[];

export function findTier(p: { tiers: unknown }, name: string): StoredTier | undefined {
  const k = name.toLowerCase();
  return tiersOf(p).find((t) => t.name.toLowerCase() === k);
}
