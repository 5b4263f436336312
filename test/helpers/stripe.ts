// Stripe events for the receiver, signed by the `stripe` package itself (webhooks.
// generateTestHeaderString), so the receiver's hand-written check is held to Stripe's own.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { TestApp } from './app';

const stripe = new Stripe('sk_test_unused_in_tests');

export const STRIPE_SECRET = 'whsec_testsecret0123456789abcdef';

export const nowS = () => Math.floor(Date.now() / 1000);

let seq = 0;
export const stripeId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}${++seq}`;

export interface EventOpts {
  id?: string;
  created?: number;
  livemode?: boolean;
}

/** A Stripe event's JSON, as Stripe sends it (pretty-printed, as Stripe does). */
export function stripeEvent(type: string, object: Record<string, unknown>, o: EventOpts = {}): string {
  return JSON.stringify(
    {
      id: o.id ?? stripeId('evt'),
      object: 'event',
      api_version: '2025-10-29.clover',
      created: o.created ?? nowS(),
      livemode: o.livemode ?? true,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    },
    null,
    2,
  );
}

export const signature = (payload: string, secret = STRIPE_SECRET, timestamp?: number) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

/** POSTs a signed event to the account's receiver. */
export function deliver(t: TestApp, payload: string, header = signature(payload), accountId = t.accountId) {
  return t.call('POST', `/api/v1/integrations/stripe/${accountId}/webhook`, payload, null, {
    'stripe-signature': header,
  });
}

export const checkoutSession = (o: Record<string, unknown> = {}) => ({
  id: stripeId('cs_test'),
  object: 'checkout.session',
  mode: 'subscription',
  payment_status: 'paid',
  status: 'complete',
  customer: stripeId('cus'),
  customer_email: null,
  customer_details: { email: 'buyer@example.com', name: 'Ada Buyer' },
  subscription: stripeId('sub'),
  metadata: {},
  ...o,
});

export const invoice = (subscription: string, periodEnd: number, o: Record<string, unknown> = {}) => ({
  id: stripeId('in'),
  object: 'invoice',
  status: 'paid',
  parent: { type: 'subscription_details', subscription_details: { subscription } },
  lines: {
    object: 'list',
    data: [
      { id: stripeId('il'), object: 'line_item', period: { start: periodEnd - 30 * 86400, end: periodEnd } },
    ],
  },
  ...o,
});

export const subscription = (id: string, status: string, o: Record<string, unknown> = {}) => ({
  id,
  object: 'subscription',
  status,
  cancel_at_period_end: false,
  items: { object: 'list', data: [{ id: stripeId('si'), current_period_end: nowS() + 30 * 86400 }] },
  ...o,
});
