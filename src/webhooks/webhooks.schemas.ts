// zod shapes for webhook requests, shared by REST (and GraphQL when it grows webhook mutations).
import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types';
import { PaginationQuery } from '../lib/pagination';

const url = z.string().trim().min(1).max(2048);
const description = z.string().trim().max(500).nullable();
/** Subscribed event types; an empty list (the default) means every type. */
const events = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length * 2)
  .transform((list) => [...new Set(list)]);

export const CreateWebhookBody = z.object({
  url,
  description: description.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z.object({
  url: url.optional(),
  description: description.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookBody>;

export const DeliveryStatusEnum = z.enum(['pending', 'delivered', 'failed']);

export const DeliveriesQuery = PaginationQuery.extend({
  status: DeliveryStatusEnum.optional(),
});
