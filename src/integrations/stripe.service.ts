// The Stripe integration's settings, per account and environment. The webhook signing secret is
// sealed at rest (the receiver must read it back to verify) and shown only as a prefix.
import type { Prisma, StripeIntegration } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { notFound, validationError } from '../lib/errors';
import { newId } from '../lib/ids';
import { type Caller, inTenant } from '../lib/principal';
import type { ConfigureStripeInput, PriceEntry } from './stripe.schemas';

export const stripeWebhookUrl = (deps: Deps, accountId: string) =>
  `${deps.config.publicUrl}/api/v1/integrations/stripe/${accountId}/webhook`;

export const pricesOf = (i: StripeIntegration) => (i.prices ?? {}) as Record<string, PriceEntry>;

export async function getStripe(deps: Deps, caller: Caller): Promise<StripeIntegration> {
  const i = await deps.prisma.stripeIntegration.findFirst({ where: inTenant(caller.tenant) });
  if (!i) throw notFound('Stripe integration');
  return i;
}

/** PUT: sets the whole configuration (creating it, or replacing the one there); without a
 * webhookSecret it keeps the sealed one, and refuses when there is none yet. */
export function configureStripe(
  deps: Deps,
  caller: Caller,
  input: ConfigureStripeInput,
): Promise<StripeIntegration> {
  return commit(deps, async (tx, staged) => {
    const productIds = [
      ...new Set([input.defaultProductId, ...Object.values(input.prices ?? {}).map((p) => p.productId)]),
    ].filter((id): id is string => Boolean(id));
    const found = await tx.product.findMany({
      where: { id: { in: productIds }, ...inTenant(caller.tenant) },
      select: { id: true },
    });
    const missing = productIds.filter((id) => !found.some((p) => p.id === id));
    if (missing.length > 0) throw validationError(`No such product here: ${missing.join(', ')}`);
    const data = {
      defaultProductId: input.defaultProductId ?? null,
      prices: (input.prices ?? {}) as Prisma.InputJsonValue,
      sendLicenseEmail: input.sendLicenseEmail ?? true,
    };
    const where = { accountId_environment: inTenant(caller.tenant) };
    const secret = input.webhookSecret;
    const before = await tx.stripeIntegration.findUnique({ where });
    const audited = (after: StripeIntegration) => {
      staged.audit(caller, before ? 'integration.updated' : 'integration.created', {
        id: after.id,
        targetType: 'integration',
        before,
        after,
      });
      return after;
    };
    if (!secret) {
      if (!before) throw validationError('webhook_secret is required to turn the Stripe integration on');
      return audited(await tx.stripeIntegration.update({ where, data }));
    }
    const sealed = {
      webhookSecretEncrypted: deps.secretBox.seal(secret),
      webhookSecretPrefix: secret.slice(0, 'whsec_'.length + 4),
    };
    return audited(
      await tx.stripeIntegration.upsert({
        where,
        create: { id: newId('stp'), ...inTenant(caller.tenant), ...sealed, ...data },
        update: { ...sealed, ...data },
      }),
    );
  });
}

/** DELETE: turns the integration off (the receiver then answers 404 for this environment). */
export function deleteStripe(deps: Deps, caller: Caller): Promise<StripeIntegration> {
  return commit(deps, async (tx, staged) => {
    const i = await tx.stripeIntegration.findFirst({ where: inTenant(caller.tenant) });
    if (!i) throw notFound('Stripe integration');
    await tx.stripeIntegration.delete({ where: { id: i.id } });
    staged.audit(caller, 'integration.deleted', { id: i.id, before: i });
    return i;
  });
}
