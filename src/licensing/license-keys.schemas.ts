// Inputs of the public license-key routes (validate, activate, deactivate, heartbeat). REST accepts
// the key as `license_key` or `key`, as the seed does (src/rest/input.ts renames it).
import { z } from 'zod';
import { optional } from '../lib/schema';

const key = z.string().trim().min(1).max(256);
const machineId = z.string().trim().min(1).max(256);

export const ValidateInput = z.object({
  key,
  /** PRODUCT_MISMATCH when the license belongs to another product. */
  productId: optional(z.string().max(256)),
  /** NOT_ACTIVATED unless this device is activated. */
  machineId: optional(machineId),
  /** DOMAIN_MISMATCH unless allowed by the license's domains. */
  domain: optional(z.string().trim().min(1).max(253)),
  /** Uses to add atomically when the license is valid and they fit; USAGE_LIMIT_EXCEEDED otherwise. */
  consume: optional(z.number().int().min(1).max(1_000_000)),
  /** ENTITLEMENTS_MISSING unless the license has every one of these codes (checked after the
   * domain, before the machine). */
  entitlements: optional(z.array(z.string().trim().min(1).max(64)).max(100)),
});
export type ValidateInput = z.output<typeof ValidateInput>;

export const ActivateInput = z.object({
  key,
  machineId,
  label: optional(z.string().max(256)),
  platform: optional(z.string().max(64)),
});
export type ActivateInput = z.output<typeof ActivateInput>;

/** A license key and one device on it (deactivate, heartbeat). */
export const DeviceInput = z.object({ key, machineId });
export type DeviceInput = z.output<typeof DeviceInput>;
