// Webhook endpoints and their delivery log over GraphQL, through webhooks.service as REST does.
// Signing secrets appear only in the results of createWebhookEndpoint and rollWebhookSecret.
import type {
  Event as EventRow,
  WebhookDelivery as DeliveryRow,
  WebhookEndpoint as EndpointRow,
} from '../../prisma/generated/client/client';
import { DeliveryStatus } from '../../prisma/generated/client/enums';
import { Event, EventTypeEnum } from '../events/events.graphql';
import type { EventType } from '../events/event-types';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, nodeWhere, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, UrlNotAllowedError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { CreateWebhookInput, UpdateWebhookInput } from './webhooks.schemas';
import {
  createWebhook,
  deleteWebhook,
  redeliver,
  rollWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from './webhooks.service';
import { RESPONSE_BODY_LIMIT } from './webhooks.views';

export const DeliveryStatusEnum = builder.enumType(DeliveryStatus, { name: 'WebhookDeliveryStatus' });

export const WebhookDelivery = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  description: 'One event sent (or to be sent) to one endpoint, with the outcome of its last attempt.',
  fields: (t) => ({
    endpointId: t.exposeID('endpointId'),
    eventId: t.exposeID('eventId'),
    eventType: t.field({ type: EventTypeEnum, resolve: (d) => d.eventType as EventType }),
    status: t.expose('status', { type: DeliveryStatusEnum }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made in the current retry schedule.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastResponseBody: t.string({
      nullable: true,
      description: `The start of the receiver's last answer (at most ${RESPONSE_BODY_LIMIT} characters).`,
      resolve: (d) => d.lastResponseBody?.slice(0, RESPONSE_BODY_LIMIT) ?? null,
    }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due; null unless pending.',
      resolve: (d) => (d.status === 'pending' ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    endpoint: t.relation('endpoint'),
    event: t.relation('event'),
  }),
});

export const WebhookDeliveryConnection = nodeConnection(WebhookDelivery, 'WebhookDelivery');

export const WebhookEndpoint = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    events: t.field({
      type: [EventTypeEnum],
      description: 'Subscribed event types; empty means every type.',
      resolve: (e) => e.events as EventType[],
    }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    secretPrefix: t.exposeString('secretPrefix', {
      description: 'The start of the signing secret, for display. The secret itself is shown once.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        description: 'The delivery log, newest first.',
        totalCount: true,
        args: { status: t.arg({ type: DeliveryStatusEnum }) },
        query: ({ status }) => ({ where: status ? { status } : {}, orderBy: newestFirst() }),
      },
      WebhookDeliveryConnection,
    ),
  }),
});

/** An endpoint with its signing secret, which is shown in this result only. */
const withSecret = (name: string) =>
  builder.objectRef<{ endpoint: EndpointRow; secret: string }>(name).implement({
    fields: (t) => ({
      webhookEndpoint: t.field({ type: WebhookEndpoint, resolve: (r) => r.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (`whsec_…`). It is shown here once and never again.',
      }),
    }),
  });

const CreateWebhookEndpointSuccess = withSecret('CreateWebhookEndpointSuccess');
const RollWebhookSecretSuccess = withSecret('RollWebhookSecretSuccess');

const TestWebhookEndpointSuccess = builder
  .objectRef<{ event: EventRow; delivery: DeliveryRow }>('TestWebhookEndpointSuccess')
  .implement({
    fields: (t) => ({
      event: t.field({ type: Event, description: 'The `webhook.test` event.', resolve: (r) => r.event }),
      delivery: t.field({
        type: WebhookDelivery,
        description: 'Its one delivery, queued to this endpoint.',
        resolve: (r) => r.delivery,
      }),
    }),
  });

const CreateWebhookEndpointInputRef = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: 'An http(s) URL on a public address.' }),
    description: t.string(),
    events: t.field({ type: [EventTypeEnum], description: 'Defaults to every type (an empty list).' }),
    enabled: t.boolean({ description: 'Defaults to true.' }),
  }),
});

const UpdateWebhookEndpointInputRef = builder.inputType('UpdateWebhookEndpointInput', {
  description:
    'Only the fields given are changed; null clears the description. Enabling clears disabledReason.',
  fields: (t) => ({
    url: t.string(),
    description: t.string(),
    events: t.field({ type: [EventTypeEnum] }),
    enabled: t.boolean(),
  }),
});

export const WebhookEndpointConnection = nodeConnection(WebhookEndpoint, 'WebhookEndpoint');

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaConnection(
    {
      type: WebhookEndpoint,
      cursor: 'id',
      description: 'Webhook endpoints, newest first.',
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.webhookEndpoint.findMany({
          ...query,
          where: tenantWhere(ctx),
          orderBy: newestFirst(),
        }),
      totalCount: (_root, _args, ctx) => ctx.deps.prisma.webhookEndpoint.count({ where: tenantWhere(ctx) }),
    },
    WebhookEndpointConnection,
  ),
  webhookEndpoint: t.prismaField({
    type: WebhookEndpoint,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.webhookEndpoint.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
}));

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointSuccess,
    description: 'Creates a webhook endpoint; its signing secret is in this result only.',
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateWebhookEndpointInputRef, required: true }) },
    errors: { types: [UrlNotAllowedError], directResult: true },
    resolve: (_root, { input }, ctx) =>
      createWebhook(ctx.deps, caller(ctx), parseInput(CreateWebhookInput, input)),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpoint,
    authScopes: { portal: 'write' },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateWebhookEndpointInputRef, required: true }),
    },
    errors: {
      types: [NotFoundError, UrlNotAllowedError],
      dataField: { name: 'webhookEndpoint' },
    },
    resolve: (_root, { id, input }, ctx) =>
      updateWebhook(ctx.deps, caller(ctx), id, parseInput(UpdateWebhookInput, input)),
  }),
  deleteWebhookEndpoint: t.field({
    type: 'ID',
    description: 'Deletes a webhook endpoint and its delivery log; pending deliveries are dropped.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteWebhook(ctx.deps, caller(ctx), id)).id,
  }),
  rollWebhookSecret: t.field({
    type: RollWebhookSecretSuccess,
    description: 'Replaces the signing secret at once (pending retries are signed with the new one).',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], directResult: true },
    resolve: (_root, { id }, ctx) => rollWebhookSecret(ctx.deps, caller(ctx), id),
  }),
  testWebhookEndpoint: t.field({
    type: TestWebhookEndpointSuccess,
    description: 'Sends a `webhook.test` event to this endpoint only (ConflictError when it is disabled).',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], directResult: true },
    resolve: (_root, { id }, ctx) => sendTestEvent(ctx.deps, caller(ctx), id),
  }),
  redeliverWebhookDelivery: t.field({
    type: WebhookDelivery,
    description: 'Queues a delivery again now: same id and body, a fresh retry schedule.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'delivery' } },
    resolve: (_root, { id }, ctx) => redeliver(ctx.deps, caller(ctx), id),
  }),
}));
