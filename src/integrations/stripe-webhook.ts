// The Stripe receiver: `POST /api/v1/integrations/stripe/:accountId/webhook`. The signature is its
// credential, checked on the raw bytes before anything parses them; the event's `livemode` then
// picks the environment, whose integration must hold the secret that signed it. Each event id takes
// effect once: it is stored in the same transaction as its effect, so a repeat (or a concurrent
// twin, which waits on the row) finds it and changes nothing.
import type { Environment } from '../../prisma/generated/client/client';
import type { AuditSource } from '../audit/audit.service';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import type { RequestMeta } from '../lib/principal';
import { AppError, notFound, validationError } from '../lib/errors';
import { verifyStripeSignature } from './stripe-signature';
import { applyStripeEvent, type StripeEvent } from './stripe-events';
import { epochSeconds, obj, str } from './stripe-objects';

export type ReceiveResult = { received: true; duplicate?: true; ignored?: true };

function parseEvent(raw: Buffer): StripeEvent & { livemode: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw validationError('The event is not valid JSON');
  }
  const e = obj(value);
  const id = str(e?.id);
  const type = str(e?.type);
  const created = epochSeconds(e?.created);
  const object = obj(obj(e?.data)?.object);
  if (!e || !id || !type || !created || !object || typeof e.livemode !== 'boolean') {
    throw validationError('Not a Stripe event: id, type, created, livemode and data.object are required');
  }
  return { id, type, created, object, livemode: e.livemode };
}

export async function receiveStripeEvent(
  deps: Deps,
  accountId: string,
  signature: string | null,
  raw: Buffer,
  meta: RequestMeta = { ip: null, userAgent: null, requestId: null },
): Promise<ReceiveResult> {
  const integrations = await deps.prisma.stripeIntegration.findMany({ where: { accountId } });
  if (integrations.length === 0) throw notFound('Stripe integration');
  const secrets = integrations.map((i) => deps.secretBox.open(i.webhookSecretEncrypted));
  const signer =
    integrations[verifyStripeSignature(signature, raw, secrets, Math.floor(deps.now().getTime() / 1000))]!;
  const event = parseEvent(raw);
  const environment: Environment = event.livemode ? 'live' : 'test';
  const integration = integrations.find((i) => i.environment === environment);
  if (!integration) throw notFound(`Stripe integration (${environment})`);
  if (integration !== signer) {
    throw new AppError(
      'INVALID_SIGNATURE',
      `Invalid Stripe-Signature: a ${environment} event signed with another secret`,
    );
  }
  return commit(deps, async (tx, staged) => {
    const key = { accountId, environment, id: event.id };
    const fresh = await tx.stripeEvent.createMany({
      data: [{ ...key, type: event.type, created: event.created, outcome: 'received' }],
      skipDuplicates: true,
    });
    if (fresh.count === 0) return { received: true, duplicate: true };
    // The integration is the actor of whatever the event changes (PRODUCT.md §16).
    const source: AuditSource = {
      ip: meta.ip,
      userAgent: meta.userAgent,
      requestId: meta.requestId,
      tenant: { accountId, environment },
      actor: { type: 'integration', id: 'stripe', label: `Stripe ${event.type} ${event.id}` },
    };
    const result = await applyStripeEvent(deps, tx, staged, integration, event, source);
    if (result.applied && result.licenseId && result.outcome !== 'license_created') {
      staged.audit(source, 'license.billing_updated', {
        id: result.licenseId,
        targetType: 'license',
        changes: { stripeEvent: [null, event.type] },
      });
    }
    await tx.stripeEvent.update({
      where: { accountId_environment_id: key },
      data: { outcome: result.outcome, licenseId: result.licenseId ?? null },
    });
    return result.applied ? { received: true } : { received: true, ignored: true };
  });
}
