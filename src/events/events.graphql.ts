// Event type and the events query. An event's `license` and `product` fields are added by the
// licensing and products domains (they own those types), batched per request with DataLoader.
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { type GraphQLContext, nodeWhere, tenant } from '../graphql/context';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { EVENT_TYPES, type EventType } from './event-types';
import { EventFilterInput } from './events.schemas';
import { eventWhere } from './events.service';

/** GraphQL enum names cannot contain dots: `license.created` is LICENSE_CREATED, its value the real type. */
export const EventTypeEnum = builder.enumType('EventType', {
  values: Object.fromEntries(
    EVENT_TYPES.map((type) => [type.replaceAll('.', '_').toUpperCase(), { value: type }]),
  ) as Record<string, { value: EventType }>,
});

export const Event = builder.prismaNode('Event', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    type: t.field({ type: EventTypeEnum, resolve: (e) => e.type as EventType }),
    data: t.expose('data', { type: 'JSON', description: 'The webhook payload `data`.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    licenseId: t.exposeID('licenseId', { nullable: true }),
    productId: t.exposeID('productId', { nullable: true }),
    machineId: t.exposeID('machineId', { nullable: true, description: 'The activation id (`mach_…`).' }),
  }),
});

export const EventFilter = builder.inputType('EventFilter', {
  fields: (t) => ({
    type: t.field({ type: EventTypeEnum }),
    licenseId: t.id(),
    productId: t.id(),
  }),
});

const whereOf = (ctx: GraphQLContext, filter: unknown) =>
  eventWhere(tenant(ctx), parseInput(EventFilterInput, filter));

export const EventConnection = nodeConnection(Event, 'Event');

builder.queryField('events', (t) =>
  t.prismaConnection(
    {
      type: Event,
      cursor: 'id',
      description: 'Events, newest first.',
      authScopes: { portal: 'read' },
      args: { filter: t.arg({ type: EventFilter }) },
      resolve: (query, _root, { filter }, ctx) =>
        ctx.deps.prisma.event.findMany({ ...query, where: whereOf(ctx, filter), orderBy: newestFirst() }),
      totalCount: (_root, { filter }, ctx) => ctx.deps.prisma.event.count({ where: whereOf(ctx, filter) }),
    },
    EventConnection,
  ),
);
