// zod shapes for license requests, shared by REST and GraphQL input validation. REST accepts the
// seed's snake_case names and, for older clients, their camelCase twins.
import { z } from 'zod';
import { isoDate, licenseKeyField } from '../http/input';
import { PaginationQuery } from '../lib/pagination';

export const LicenseTypeEnum = z.enum(['perpetual', 'subscription', 'trial', 'floating']);
export const LicenseStatusEnum = z.enum(['active', 'expired', 'suspended', 'revoked']);
export const RenewalIntervalEnum = z.enum(['day', 'week', 'month', 'year']);
const metadata = z.record(z.string(), z.unknown());
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

const licenseFields = {
  max_activations: seats.optional(),
  maxActivations: seats.optional(),
  email: z.string().trim().email().optional(),
  customer_email: z.string().trim().email().optional(),
  customer_id: z.string().optional(),
  customerId: z.string().optional(),
  expires_at: isoDate.nullable().optional(),
  expiresAt: isoDate.nullable().optional(),
  metadata: metadata.optional(),
  allowed_domains: domains.optional(),
  allowedDomains: domains.optional(),
  plan: z.string().max(100).nullable().optional(),
  renewal_interval: RenewalIntervalEnum.optional(),
  offline_grace_period: graceSeconds.nullable().optional(),
  lease_duration: leaseSeconds.nullable().optional(),
};

const pick = <T>(...values: (T | undefined)[]) => values.find((v) => v !== undefined);

export const CreateLicenseBody = z
  .object({
    product_id: z.string().min(1).optional(),
    productId: z.string().min(1).optional(),
    /** The seed's Stripe example sends `product`. */
    product: z.string().min(1).optional(),
    type: LicenseTypeEnum.optional(),
    key: z.string().trim().min(1).max(128).optional(),
    license_key: z.string().trim().min(1).max(128).optional(),
    ...licenseFields,
  })
  .transform((b, ctx) => {
    const productId = pick(b.product_id, b.productId, b.product);
    if (!productId) {
      ctx.addIssue({
        code: 'invalid_type',
        expected: 'string',
        input: undefined,
        path: ['product_id'],
        message: 'Required',
      });
      return z.NEVER;
    }
    return {
      productId,
      // The Stripe example omits the type; a purchase is a subscription unless it says otherwise.
      type: b.type ?? (b.product ? 'subscription' : 'perpetual'),
      key: pick(b.key, b.license_key),
      maxActivations: pick(b.max_activations, b.maxActivations),
      email: pick(b.email, b.customer_email),
      customerId: pick(b.customer_id, b.customerId),
      expiresAt: pick(b.expires_at, b.expiresAt),
      metadata: b.metadata,
      allowedDomains: pick(b.allowed_domains, b.allowedDomains),
      plan: b.plan,
      renewalInterval: b.renewal_interval,
      offlineGracePeriod: b.offline_grace_period,
      leaseDuration: b.lease_duration,
    } as const;
  });

export const UpdateLicenseBody = z.object(licenseFields).transform((b) => {
  const out = {
    maxActivations: pick(b.max_activations, b.maxActivations),
    email: pick(b.email, b.customer_email),
    customerId: pick(b.customer_id, b.customerId),
    expiresAt: pick(b.expires_at, b.expiresAt),
    metadata: b.metadata,
    allowedDomains: pick(b.allowed_domains, b.allowedDomains),
    plan: b.plan,
    renewalInterval: b.renewal_interval,
    offlineGracePeriod: b.offline_grace_period,
    leaseDuration: b.lease_duration,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<typeof out>;
});

export const RenewLicenseBody = z.object({ expires_at: isoDate.optional(), expiresAt: isoDate.optional() });

export const ListLicensesQuery = PaginationQuery.extend({
  status: LicenseStatusEnum.optional(),
  type: LicenseTypeEnum.optional(),
  product_id: z.string().optional(),
  customer_id: z.string().optional(),
  email: z.string().optional(),
});

export const ValidateBody = z.object({
  ...licenseKeyField,
  product_id: z.string().max(256).optional(),
  machine_id: z.string().trim().min(1).max(256).optional(),
  domain: z.string().trim().min(1).max(253).optional(),
});

export const ActivateBody = z.object({
  ...licenseKeyField,
  machine_id: z.string().trim().min(1).max(256),
  label: z.string().max(256).optional(),
  platform: z.string().max(64).optional(),
});

export const DeactivateBody = z.object({
  ...licenseKeyField,
  machine_id: z.string().trim().min(1).max(256),
});
