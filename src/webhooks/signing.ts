// Webhook secrets and signatures. The signature is lowercase hex HMAC-SHA256, keyed with the
// endpoint's secret, over `"<unix seconds>.<raw body>"` — what the seed's Node, Python and PHP
// snippets recompute.
import { createHmac } from 'node:crypto';
import { randomBase62 } from '../lib/ids';

export const SECRET_PREFIX = 'whsec_';
export const USER_AGENT = 'TrafficOrchestrator-Webhooks/1';

/** `whsec_` + 32 base62 characters (≈190 bits). */
export const newWebhookSecret = () => `${SECRET_PREFIX}${randomBase62(32)}`;

/** What the API shows of a secret after creation. */
export const secretDisplayPrefix = (secret: string) => secret.slice(0, SECRET_PREFIX.length + 4);

export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The request headers of one delivery attempt. */
export function deliveryHeaders(
  d: { id: string; eventType: string; payload: string },
  secret: string,
  timestamp: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-TO-Signature': signPayload(secret, timestamp, d.payload),
    'X-TO-Timestamp': String(timestamp),
    'X-TO-Event': d.eventType,
    'X-TO-Delivery-ID': d.id,
  };
}
