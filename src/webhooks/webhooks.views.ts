// The JSON views of webhook endpoints and their deliveries. Secrets never appear in them: the
// create and roll answers add the secret beside the view, once.
import type { WebhookDelivery, WebhookEndpoint } from '../../prisma/generated/client/client';

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
