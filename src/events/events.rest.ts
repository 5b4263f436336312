import type { Deps } from '../deps';
import { defineRoutes, listRoute } from '../rest/route';
import { ListEventsQuery } from './events.schemas';
import { listEvents } from './events.service';
import { eventPayload } from './events.views';

export function eventRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/events',
      access: 'portal',
      tag: 'Events',
      summary: 'List events, newest first (filters: type, license_id, product_id)',
      query: ListEventsQuery,
      list: ({ caller, query }, w) => listEvents(deps, caller.tenant, query, w),
      json: eventPayload,
    }),
  ]);
}
