// The usage report's input, shared by REST (`GET /api/v1/analytics/usage`) and GraphQL
// (`usageAnalytics`).
import { z } from 'zod';
import { dateInput, optional } from '../lib/schema';

export const UsageIntervalEnum = z.enum(['hour', 'day']);
export const UsageKindEnum = z.enum(['validate', 'activate', 'deactivate', 'heartbeat']);

export const AnalyticsInput = z.object({
  /** Defaults to 30 days before `to`. */
  from: optional(dateInput),
  /** Defaults to now. */
  to: optional(dateInput),
  interval: UsageIntervalEnum.nullish().transform((i) => i ?? 'day'),
  productId: optional(z.string().max(64)),
  licenseId: optional(z.string().max(64)),
  kind: optional(UsageKindEnum),
});
export type AnalyticsInput = z.output<typeof AnalyticsInput>;
