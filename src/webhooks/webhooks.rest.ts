import type { Deps } from '../deps';
import { eventPayload } from '../events/events.views';
import { defineRoutes, listRoute, route } from '../rest/route';
import {
  CreateWebhookInput,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookInput,
} from './webhooks.schemas';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  rollWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from './webhooks.service';
import { deliveryJson, webhookJson } from './webhooks.views';

const TAG = 'Webhooks';

export function webhookRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/webhooks',
      access: 'portal',
      tag: TAG,
      summary: 'Create a webhook endpoint; the signing secret is returned only in this answer',
      body: CreateWebhookInput,
      example: {
        request: { url: 'https://example.com/webhooks/to', events: ['license.activated'] },
        status: 201,
      },
      async handler(c, { caller, body }) {
        const { endpoint, secret } = await createWebhook(deps, caller, body);
        return c.json({ webhook: webhookJson(endpoint), secret }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/webhooks',
      access: 'portal',
      tag: TAG,
      summary: 'List webhook endpoints',
      query: ListWebhooksQuery,
      list: ({ caller }, w) => listWebhooks(deps, caller, w),
      json: webhookJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/webhooks/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Get a webhook endpoint',
      async handler(c, { caller, params }) {
        return c.json({ webhook: webhookJson(await getWebhook(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/webhooks/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Update a webhook endpoint (url, description, events, enabled)',
      body: UpdateWebhookInput,
      async handler(c, { caller, params, body }) {
        return c.json({ webhook: webhookJson(await updateWebhook(deps, caller, params.id!, body)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/webhooks/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Delete a webhook endpoint and its delivery log',
      async handler(c, { caller, params }) {
        await deleteWebhook(deps, caller, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks/:id/test',
      access: 'portal',
      tag: TAG,
      summary: 'Send a webhook.test event to this endpoint only',
      example: { status: 202 },
      async handler(c, { caller, params }) {
        const { event, delivery } = await sendTestEvent(deps, caller, params.id!);
        return c.json({ event: eventPayload(event), delivery: deliveryJson(delivery) }, 202);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks/:id/roll-secret',
      access: 'portal',
      tag: TAG,
      summary: 'Replace the signing secret; the new secret is returned only in this answer',
      async handler(c, { caller, params }) {
        const { endpoint, secret } = await rollWebhookSecret(deps, caller, params.id!);
        return c.json({ webhook: webhookJson(endpoint), secret });
      },
    }),
    listRoute({
      path: '/api/v1/webhooks/:id/deliveries',
      access: 'portal',
      tag: TAG,
      summary: 'The delivery log of an endpoint, newest first (filter: status)',
      query: ListDeliveriesQuery,
      list: ({ caller, params, query }, w) => listDeliveries(deps, caller, params.id!, query, w),
      json: deliveryJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/webhook-deliveries/:id/redeliver',
      access: 'portal',
      tag: TAG,
      summary: 'Send a delivery again (same id and body, fresh retry schedule)',
      example: { status: 202 },
      async handler(c, { caller, params }) {
        return c.json({ delivery: deliveryJson(await redeliver(deps, caller, params.id!)) }, 202);
      },
    }),
  ]);
}
