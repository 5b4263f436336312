// The events list's filter, shared by REST (`GET /api/v1/events`) and GraphQL (`events(filter)`).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { optional } from '../lib/schema';
import { EVENT_TYPES } from './event-types';

export const EventFilterInput = z.object({
  type: optional(z.enum(EVENT_TYPES)),
  licenseId: optional(z.string().max(64)),
  productId: optional(z.string().max(64)),
});

export const ListEventsQuery = PaginationQuery.extend(EventFilterInput.shape);
