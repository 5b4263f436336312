// Webhook endpoints and their delivery log. Secrets are `whsec_…`, returned once (at creation and
// when rolled) and stored sealed with the deployment's SecretBox, because the dispatcher must read
// them back to sign. Deliveries are written by recordEvents (the outbox) and sent by the dispatcher.
import type { Event, Prisma, WebhookDelivery, WebhookEndpoint } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { eventPayload } from '../events/events.service';
import { conflict, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';
import { newWebhookSecret, secretDisplayPrefix } from './signing';
import { assertWebhookUrlAllowed } from './ssrf';
import type { CreateWebhookInput, UpdateWebhookInput } from './webhooks.schemas';

/** The delivery log keeps this much of a receiver's answer. */
export const RESPONSE_BODY_LIMIT = 1024;

export function webhookJson(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    secretPrefix: e.secretPrefix,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function deliveryJson(d: WebhookDelivery) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    event: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastResponseBody: d.lastResponseBody === null ? null : d.lastResponseBody.slice(0, RESPONSE_BODY_LIMIT),
    lastError: d.lastError,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

const scoped = (t: Tenant) => ({ accountId: t.accountId, environment: t.environment });

export async function createWebhook(
  deps: Deps,
  tenant: Tenant,
  input: CreateWebhookInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = await assertWebhookUrlAllowed(input.url, deps.config.webhookAllowPrivate);
  const secret = newWebhookSecret();
  const endpoint = await deps.prisma.webhookEndpoint.create({
    data: {
      id: newId('whk'),
      ...scoped(tenant),
      url: url.toString(),
      description: input.description ?? null,
      secretEncrypted: deps.secretBox.seal(secret),
      secretPrefix: secretDisplayPrefix(secret),
      events: input.events ?? [],
      enabled: input.enabled ?? true,
    },
  });
  return { endpoint, secret };
}

export async function getWebhook(deps: Deps, tenant: Tenant, id: string): Promise<WebhookEndpoint> {
  const e = await deps.prisma.webhookEndpoint.findFirst({ where: { id, ...scoped(tenant) } });
  if (!e) throw notFound('Webhook endpoint');
  return e;
}

export async function listWebhooks(deps: Deps, tenant: Tenant, w: PageWindow) {
  const where = scoped(tenant);
  const [data, total] = await Promise.all([
    deps.prisma.webhookEndpoint.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.webhookEndpoint.count({ where }),
  ]);
  return { data, total };
}

/** Changes url, description, events or enabled. Enabling clears the reason it was disabled. */
export async function updateWebhook(
  deps: Deps,
  tenant: Tenant,
  id: string,
  input: UpdateWebhookInput,
): Promise<WebhookEndpoint> {
  await getWebhook(deps, tenant, id);
  const data: Prisma.WebhookEndpointUpdateInput = {};
  if (input.url !== undefined) {
    data.url = (await assertWebhookUrlAllowed(input.url, deps.config.webhookAllowPrivate)).toString();
  }
  if (input.description !== undefined) data.description = input.description;
  if (input.events !== undefined) data.events = input.events;
  if (input.enabled !== undefined) {
    data.enabled = input.enabled;
    data.disabledReason = input.enabled ? null : 'Disabled manually';
  }
  return deps.prisma.webhookEndpoint.update({ where: { id }, data });
}

/** Deletes the endpoint and (by cascade) its delivery log; pending deliveries are dropped. */
export async function deleteWebhook(deps: Deps, tenant: Tenant, id: string): Promise<void> {
  await getWebhook(deps, tenant, id);
  await deps.prisma.webhookEndpoint.deleteMany({ where: { id, ...scoped(tenant) } });
}

/** A new secret takes effect at once: pending and retried deliveries are signed with it. */
export async function rollWebhookSecret(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  await getWebhook(deps, tenant, id);
  const secret = newWebhookSecret();
  const endpoint = await deps.prisma.webhookEndpoint.update({
    where: { id },
    data: { secretEncrypted: deps.secretBox.seal(secret), secretPrefix: secretDisplayPrefix(secret) },
  });
  return { endpoint, secret };
}

/** Records a `webhook.test` event with one delivery, to this endpoint only (whatever it subscribes to). */
export async function sendTestEvent(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<{ event: Event; delivery: WebhookDelivery }> {
  const endpoint = await getWebhook(deps, tenant, id);
  if (!endpoint.enabled) throw conflict('The webhook endpoint is disabled; enable it to send a test event');
  const now = deps.now();
  const event = {
    id: newId('evt'),
    ...scoped(tenant),
    type: 'webhook.test',
    licenseId: null,
    productId: null,
    machineId: null,
    data: {
      licenseId: null,
      machineId: null,
      productId: null,
      webhookId: endpoint.id,
      message: 'Test event from Traffic Orchestrator',
    },
    createdAt: now,
  };
  const delivery = await deps.prisma.$transaction(async (tx) => {
    await tx.event.create({ data: event });
    return tx.webhookDelivery.create({
      data: {
        id: newId('del'),
        ...scoped(tenant),
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        // Built from the in-memory data, not the stored JSONB, which does not keep key order.
        payload: JSON.stringify(eventPayload(event)),
        nextAttemptAt: now,
      },
    });
  });
  const stored = event as Event;
  deps.bus.publish([stored]);
  return { event: stored, delivery };
}

export async function listDeliveries(
  deps: Deps,
  tenant: Tenant,
  endpointId: string,
  filter: { status?: 'pending' | 'delivered' | 'failed' },
  w: PageWindow,
) {
  await getWebhook(deps, tenant, endpointId);
  const where = { ...scoped(tenant), endpointId, ...(filter.status ? { status: filter.status } : {}) };
  const [data, total] = await Promise.all([
    deps.prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.webhookDelivery.count({ where }),
  ]);
  return { data, total };
}

/** Queues a delivery again, now, with the same id and body and a fresh retry schedule (attempts
 * restart at 0). 409 when its endpoint is disabled or an attempt is in flight. */
export async function redeliver(deps: Deps, tenant: Tenant, id: string): Promise<WebhookDelivery> {
  const d = await deps.prisma.webhookDelivery.findFirst({
    where: { id, ...scoped(tenant) },
    include: { endpoint: { select: { enabled: true } } },
  });
  if (!d) throw notFound('Webhook delivery');
  if (!d.endpoint.enabled) throw conflict('The webhook endpoint is disabled; enable it to redeliver');
  const now = deps.now();
  const queued = await deps.prisma.webhookDelivery.updateMany({
    where: {
      id,
      OR: [{ status: { not: 'pending' } }, { lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    data: {
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lockedBy: null,
      lockedUntil: null,
      deliveredAt: null,
    },
  });
  if (queued.count === 0) throw conflict('An attempt of this delivery is in flight; try again shortly');
  return deps.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
}
