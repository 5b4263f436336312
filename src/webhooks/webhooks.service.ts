// Webhook endpoints and their delivery log. Secrets are `whsec_…`, returned once (at creation and
// when rolled) and stored sealed with the deployment's SecretBox, because the dispatcher must read
// them back to sign. Deliveries are written with their events (the outbox, see commit()) and sent
// by the dispatcher.
import type { Event, Prisma, WebhookDelivery, WebhookEndpoint } from '../../prisma/generated/client/client';
import { commit, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { conflict, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import { newWebhookSecret, secretDisplayPrefix } from './signing';
import { assertWebhookUrlAllowed } from './ssrf';
import type { CreateWebhookInput, DeliveryFilter, UpdateWebhookInput } from './webhooks.schemas';

async function endpointIn(db: Tx, tenant: Tenant, id: string): Promise<WebhookEndpoint> {
  const e = await db.webhookEndpoint.findFirst({ where: { id, ...inTenant(tenant) } });
  if (!e) throw notFound('Webhook endpoint');
  return e;
}

export async function createWebhook(
  deps: Deps,
  caller: Caller,
  input: CreateWebhookInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const url = await assertWebhookUrlAllowed(input.url, deps.config.webhookAllowPrivate);
  const secret = newWebhookSecret();
  const endpoint = await commit(deps, async (tx, staged) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id: newId('whk'),
        ...inTenant(caller.tenant),
        url: url.toString(),
        description: input.description ?? null,
        secretEncrypted: deps.secretBox.seal(secret),
        secretPrefix: secretDisplayPrefix(secret),
        events: input.events ?? [],
        enabled: input.enabled ?? true,
      },
    });
    staged.audit(caller, 'webhook.created', { id: created.id, after: created });
    return created;
  });
  return { endpoint, secret };
}

export const getWebhook = (deps: Deps, caller: Caller, id: string) =>
  endpointIn(deps.prisma, caller.tenant, id);

export const listWebhooks = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(deps.prisma.webhookEndpoint, inTenant(caller.tenant), w);

/** Changes url, description, events or enabled. Enabling clears the reason it was disabled. */
export async function updateWebhook(
  deps: Deps,
  caller: Caller,
  id: string,
  input: UpdateWebhookInput,
): Promise<WebhookEndpoint> {
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
  return commit(deps, async (tx, staged) => {
    const before = await endpointIn(tx, caller.tenant, id);
    const after = await tx.webhookEndpoint.update({ where: { id }, data });
    staged.audit(caller, 'webhook.updated', { id, before, after });
    return after;
  });
}

/** Deletes the endpoint and (by cascade) its delivery log; pending deliveries are dropped. */
export function deleteWebhook(deps: Deps, caller: Caller, id: string): Promise<WebhookEndpoint> {
  return commit(deps, async (tx, staged) => {
    const e = await endpointIn(tx, caller.tenant, id);
    await tx.webhookEndpoint.deleteMany({ where: { id, ...inTenant(caller.tenant) } });
    staged.audit(caller, 'webhook.deleted', { id, before: e });
    return e;
  });
}

/** A new secret takes effect at once: pending and retried deliveries are signed with it. */
export async function rollWebhookSecret(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newWebhookSecret();
  const endpoint = await commit(deps, async (tx, staged) => {
    const before = await endpointIn(tx, caller.tenant, id);
    const after = await tx.webhookEndpoint.update({
      where: { id },
      data: { secretEncrypted: deps.secretBox.seal(secret), secretPrefix: secretDisplayPrefix(secret) },
    });
    staged.audit(caller, 'webhook.secret_rolled', { id, before, after });
    return after;
  });
  return { endpoint, secret };
}

/** Records a `webhook.test` event with one delivery, to this endpoint only (whatever it subscribes to). */
export async function sendTestEvent(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ event: Event; delivery: WebhookDelivery }> {
  const eventId = await commit(deps, async (tx, staged) => {
    const endpoint = await endpointIn(tx, caller.tenant, id);
    if (!endpoint.enabled) throw conflict('The webhook endpoint is disabled; enable it to send a test event');
    staged.audit(caller, 'webhook.test_sent', { id: endpoint.id });
    return staged.event({
      type: 'webhook.test',
      tenant: caller.tenant,
      data: { webhookId: endpoint.id, message: 'Test event from Traffic Orchestrator' },
      deliverTo: [endpoint.id],
    });
  });
  const [event, delivery] = await Promise.all([
    deps.prisma.event.findUniqueOrThrow({ where: { id: eventId } }),
    deps.prisma.webhookDelivery.findFirstOrThrow({ where: { eventId, endpointId: id } }),
  ]);
  return { event, delivery };
}

export async function listDeliveries(
  deps: Deps,
  caller: Caller,
  endpointId: string,
  filter: DeliveryFilter,
  w: PageWindow,
) {
  await endpointIn(deps.prisma, caller.tenant, endpointId);
  const where = {
    ...inTenant(caller.tenant),
    endpointId,
    ...(filter.status ? { status: filter.status } : {}),
  };
  return listPage(deps.prisma.webhookDelivery, where, w);
}

/** Queues a delivery again, now, with the same id and body and a fresh retry schedule (attempts
 * restart at 0). 409 when its endpoint is disabled or an attempt is in flight. */
export function redeliver(deps: Deps, caller: Caller, id: string): Promise<WebhookDelivery> {
  return commit(deps, async (tx, staged) => {
    const d = await tx.webhookDelivery.findFirst({
      where: { id, ...inTenant(caller.tenant) },
      include: { endpoint: { select: { enabled: true } } },
    });
    if (!d) throw notFound('Webhook delivery');
    if (!d.endpoint.enabled) throw conflict('The webhook endpoint is disabled; enable it to redeliver');
    const now = deps.now();
    const queued = await tx.webhookDelivery.updateMany({
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
    staged.afterCommit(() => deps.kicks.webhook()); // an idle dispatcher claims it at its next tick
    const after = await tx.webhookDelivery.findUniqueOrThrow({ where: { id } });
    staged.audit(caller, 'webhook_delivery.redelivered', {
      id,
      before: d,
      after,
      fields: ['status', 'attempts', 'nextAttemptAt'],
    });
    return after;
  });
}
