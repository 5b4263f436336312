// Webhook endpoint inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types';
import { PaginationQuery } from '../lib/pagination';
import { clearable, optional } from '../lib/schema';

const url = z.string().trim().min(1).max(2048);
/** Subscribed event types; an empty list (the default) means every type. */
const events = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length * 2)
  .transform((list) => [...new Set(list)]);

export const CreateWebhookInput = z.object({
  url,
  description: clearable(z.string().trim().max(500)),
  events: optional(events),
  enabled: optional(z.boolean()),
});
export type CreateWebhookInput = z.output<typeof CreateWebhookInput>;

/** Only the fields given change; null clears the description. Enabling clears disabledReason. */
export const UpdateWebhookInput = CreateWebhookInput.extend({ url: optional(url) });
export type UpdateWebhookInput = z.output<typeof UpdateWebhookInput>;

export const DeliveryStatusEnum = z.enum(['pending', 'delivered', 'failed']);

export const DeliveryFilterInput = z.object({ status: optional(DeliveryStatusEnum) });
export type DeliveryFilter = z.output<typeof DeliveryFilterInput>;

export const ListWebhooksQuery = PaginationQuery;
export const ListDeliveriesQuery = PaginationQuery.extend(DeliveryFilterInput.shape);
