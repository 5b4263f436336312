// REST routes of the Stripe integration: its settings (portal) and the receiver Stripe posts to
// (public: the signature is the credential).
import type { Deps } from '../deps';
import { fromRest } from '../rest/input';
import { defineRoutes, route } from '../rest/route';
import { ConfigureStripeInput } from './stripe.schemas';
import { configureStripe, deleteStripe, getStripe, stripeWebhookUrl } from './stripe.service';
import { stripeJson } from './stripe.views';
import { receiveStripeEvent } from './stripe-webhook';

const TAG = 'Integrations';

/** The `prices` entries are objects of REST names too (`product_id`, `max_activations`). */
function restPrices(raw: Record<string, unknown>) {
  const prices = raw.prices;
  if (!prices || typeof prices !== 'object' || Array.isArray(prices)) return raw;
  const renamed = Object.entries(prices as Record<string, unknown>).map(([id, entry]) => [
    id,
    entry && typeof entry === 'object' && !Array.isArray(entry)
      ? fromRest(entry as Record<string, unknown>)
      : entry,
  ]);
  return { ...raw, prices: Object.fromEntries(renamed) as unknown };
}

export function stripeRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'put',
      path: '/api/v1/integrations/stripe',
      access: 'portal',
      tag: TAG,
      summary:
        'Configure the Stripe integration of this environment: webhook_secret (required the first ' +
        'time; left out, the sealed one is kept), default_product_id?, ' +
        'prices? ({<price id>: {product_id, type?, plan?, max_activations?}}), send_license_email?',
      body: ConfigureStripeInput,
      rest: restPrices,
      example: {
        request: {
          webhook_secret: 'whsec_1a2b3c4d5e6f7g8h9i0j',
          default_product_id: 'prod_123',
          prices: { price_123: { product_id: 'prod_123', max_activations: 3 } },
        },
      },
      async handler(c, { caller, body }) {
        const i = await configureStripe(deps, caller, body);
        return c.json({ stripe: stripeJson(i, stripeWebhookUrl(deps, caller.tenant.accountId)) });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/integrations/stripe',
      access: 'portal',
      tag: TAG,
      summary: 'The Stripe integration (the secret only as a prefix) and the webhook URL to give Stripe',
      async handler(c, { caller }) {
        const i = await getStripe(deps, caller);
        return c.json({ stripe: stripeJson(i, stripeWebhookUrl(deps, caller.tenant.accountId)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/integrations/stripe',
      access: 'portal',
      tag: TAG,
      summary: 'Turn the Stripe integration of this environment off',
      async handler(c, { caller }) {
        const i = await deleteStripe(deps, caller);
        return c.json({ deleted: true, id: i.id });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/integrations/stripe/:accountId/webhook',
      access: 'public',
      tag: TAG,
      summary:
        'The Stripe webhook receiver: Stripe-Signature checked on the raw body (400 INVALID_SIGNATURE); ' +
        'each event applied once ({received, duplicate?, ignored?})',
      rawBody: true,
      async handler(c, { params, raw, keyCaller }) {
        const signature = c.req.headers.get('stripe-signature');
        return c.json(await receiveStripeEvent(deps, params.accountId!, signature, raw!, keyCaller));
      },
    }),
  ]);
}
