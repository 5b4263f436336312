// Live subscriptions over graphql-ws (WebSocket at /graphql) and SSE: licenseEvents(filter) and
// activationChanged(licenseId). Scoped to the subscriber's account and environment; events are
// published after their transaction commits, on every instance (pub/sub).
import { contextCacheSymbol } from '@pothos/core';
import type { Event as EventRow } from '../../prisma/generated/client/client';
import { builder } from '../graphql/builder';
import { caller, type GraphQLContext } from '../graphql/context';
import { Event, EventTypeEnum } from './events.graphql';
import type { EventType } from './event-types';
import type { WireEvent } from './pubsub';
import { activationStream, eventStream } from './subscriptions';

builder.subscriptionType({});

const toRow = (e: WireEvent): EventRow => ({ ...e, createdAt: new Date(e.createdAt) }) as unknown as EventRow;

/** Each event resolves with fresh DataLoaders (the context outlives many events). */
const perEvent =
  <T>(ctx: GraphQLContext, map: (e: WireEvent) => T) =>
  (e: WireEvent): T => {
    (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = {};
    return map(e);
  };

export const LicenseEventFilter = builder.inputType('LicenseEventFilter', {
  fields: (t) => ({
    productId: t.id(),
    licenseId: t.id(),
    types: t.field({ type: [EventTypeEnum] }),
  }),
});

builder.subscriptionField('licenseEvents', (t) =>
  t.field({
    type: Event,
    description: "Every committed event of the caller's account and environment, narrowed by the filter.",
    authScopes: { portal: 'read' },
    args: { filter: t.arg({ type: LicenseEventFilter }) },
    subscribe: (_root, { filter }, ctx) =>
      eventStream(
        ctx.deps,
        caller(ctx),
        {
          productId: filter?.productId,
          licenseId: filter?.licenseId,
          types: filter?.types as EventType[] | null | undefined,
        },
        perEvent(ctx, toRow),
      ),
    resolve: (row: EventRow) => row,
  }),
);

const ActivationChangeKind = builder.enumType('ActivationChangeKind', {
  values: ['ACTIVATED', 'DEACTIVATED'] as const,
});

interface ActivationChangeShape {
  kind: 'ACTIVATED' | 'DEACTIVATED';
  row: EventRow;
}

const ActivationChange = builder.objectRef<ActivationChangeShape>('ActivationChange').implement({
  description: 'A device taking or freeing a seat on a license.',
  fields: (t) => ({
    kind: t.field({ type: ActivationChangeKind, resolve: (c) => c.kind }),
    licenseId: t.id({ resolve: (c) => c.row.licenseId! }),
    activationId: t.id({ nullable: true, resolve: (c) => c.row.machineId }),
    deviceId: t.string({
      nullable: true,
      description: 'The machine_id the app sent.',
      resolve: (c) => ((c.row.data as Record<string, unknown>)?.deviceId as string | undefined) ?? null,
    }),
    reason: t.string({
      nullable: true,
      description: 'For deactivations: `manual` or `lease_expired`.',
      resolve: (c) => ((c.row.data as Record<string, unknown>)?.reason as string | undefined) ?? null,
    }),
    at: t.field({ type: 'DateTime', resolve: (c) => c.row.createdAt }),
    event: t.field({ type: Event, resolve: (c) => c.row }),
  }),
});

builder.subscriptionField('activationChanged', (t) =>
  t.field({
    type: ActivationChange,
    description: 'Activations and deactivations of one license of the caller.',
    authScopes: { portal: 'read' },
    args: { licenseId: t.arg.id({ required: true }) },
    subscribe: (_root, { licenseId }, ctx) =>
      activationStream(
        ctx.deps,
        caller(ctx),
        String(licenseId),
        perEvent(ctx, (e) => ({
          kind: e.type === 'license.activated' ? ('ACTIVATED' as const) : ('DEACTIVATED' as const),
          row: toRow(e),
        })),
      ),
    resolve: (c: ActivationChangeShape) => c,
  }),
);
