import { z } from 'zod';
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import { EVENT_TYPES } from './event-types';
import { eventPayload, listEvents } from './events.service';

export function eventRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/events',
      access: 'portal',
      tag: 'Events',
      summary: 'List events, newest first (filters: type, license_id, product_id)',
      query: PaginationQuery.extend({
        type: z.enum(EVENT_TYPES).optional(),
        license_id: z.string().optional(),
        product_id: z.string().optional(),
      }),
      list: ({ tenant, query }, w) =>
        listEvents(
          deps.prisma,
          tenant,
          { type: query.type, licenseId: query.license_id, productId: query.product_id },
          w,
        ),
      json: eventPayload,
    }),
  ]);
}
