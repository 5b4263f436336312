// Stripe events → licenses: each event type's effect, each event id applied once (replays and
// concurrent twins), out-of-order events, and the seed's own Stripe snippet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import {
  checkoutSession,
  deliver,
  invoice,
  nowS,
  STRIPE_SECRET,
  stripeEvent,
  stripeId,
  subscription,
} from './helpers/stripe';

let t: TestApp;
let productId: string;
let otherProductId: string;
beforeAll(async () => {
  t = await makeApp();
  productId = (await t.call('POST', '/api/v1/products', { name: 'Pro App' })).body.product.id;
  otherProductId = (await t.call('POST', '/api/v1/products', { name: 'Team App' })).body.product.id;
  const put = await t.call('PUT', '/api/v1/integrations/stripe', {
    webhook_secret: STRIPE_SECRET,
    default_product_id: productId,
    prices: {
      price_team: { product_id: otherProductId, type: 'floating', max_activations: 10, plan: 'team' },
    },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});
afterAll(() => t.close());

const licenseOf = async (id: string) => (await t.call('GET', `/api/v1/licenses/${id}`)).body.license;
const validate = async (key: string) => (await t.call('POST', '/api/v1/validate', { key }, null)).body.code;

async function checkout(session: Record<string, unknown>) {
  const r = await deliver(t, stripeEvent('checkout.session.completed', session));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toEqual({ received: true });
  const list = await t.call('GET', `/api/v1/licenses?limit=100`);
  const license = list.body.data.find(
    (l: { metadata: Record<string, unknown> }) => l.metadata.stripeCheckoutSessionId === session.id,
  );
  expect(license).toBeDefined();
  return license;
}

describe('events', () => {
  it('checkout.session.completed makes a subscription license for the customer, and emails the key', async () => {
    const session = checkoutSession({ metadata: { plan: 'pro', max_activations: '3' } });
    const l = await checkout(session);
    expect(l).toMatchObject({
      productId,
      type: 'subscription',
      status: 'active',
      plan: 'pro',
      maxActivations: 3,
      email: 'buyer@example.com',
      expiresAt: null,
      metadata: {
        stripeCustomerId: session.customer,
        stripeSubscriptionId: session.subscription,
        stripeCheckoutSessionId: session.id,
      },
    });
    expect(await validate(l.key)).toBe('VALID');
    const emails = (await t.call('GET', `/api/v1/emails?license_id=${l.id}`)).body.data;
    expect(emails.map((e: { template: string; to: string }) => [e.template, e.to])).toEqual([
      ['license_key', 'buyer@example.com'],
    ]);
  });

  it('uses customer_email when customer_details has none, the prices entry, and makes a perpetual one without a subscription', async () => {
    const l = await checkout(
      checkoutSession({
        mode: 'payment',
        subscription: null,
        customer_details: { email: null },
        customer_email: 'Direct@Example.com',
        metadata: { price_id: 'price_team' },
      }),
    );
    expect(l).toMatchObject({
      productId: otherProductId,
      type: 'floating',
      maxActivations: 10,
      plan: 'team',
      email: 'direct@example.com',
    });
    const p = await checkout(
      checkoutSession({ mode: 'payment', subscription: null, metadata: { product_id: otherProductId } }),
    );
    expect(p).toMatchObject({ productId: otherProductId, type: 'perpetual', expiresAt: null });
  });

  it('waits for async_payment_succeeded when the payment is still processing', async () => {
    const session = checkoutSession({ payment_status: 'unpaid' });
    const first = await deliver(t, stripeEvent('checkout.session.completed', session));
    expect(first.body).toEqual({ received: true, ignored: true });
    const r = await deliver(
      t,
      stripeEvent('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' }),
    );
    expect(r.body).toEqual({ received: true });
    // Both events of one session make one license.
    const again = await deliver(
      t,
      stripeEvent('checkout.session.completed', { ...session, payment_status: 'paid' }),
    );
    expect(again.body).toEqual({ received: true, ignored: true });
    const list = (await t.call('GET', '/api/v1/licenses?limit=100')).body.data.filter(
      (l: { metadata: Record<string, unknown> }) => l.metadata.stripeCheckoutSessionId === session.id,
    );
    expect(list).toHaveLength(1);
  });

  it('applies each event id once: a replay answers duplicate and changes nothing, even when concurrent', async () => {
    const session = checkoutSession();
    const payload = stripeEvent('checkout.session.completed', session);
    const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(t, payload)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate)).toHaveLength(7);
    const replay = await deliver(t, payload);
    expect(replay.body).toEqual({ received: true, duplicate: true });
    const list = (await t.call('GET', '/api/v1/licenses?limit=100')).body.data.filter(
      (l: { metadata: Record<string, unknown> }) => l.metadata.stripeCheckoutSessionId === session.id,
    );
    expect(list).toHaveLength(1);
  });

  it('invoice.paid runs the license to the paid period end; subscription.updated suspends and reinstates for billing', async () => {
    const session = checkoutSession();
    const l = await checkout(session);
    const sub = session.subscription as string;
    const end = nowS() + 31 * 86400;
    expect((await deliver(t, stripeEvent('invoice.paid', invoice(sub, end)))).body).toEqual({
      received: true,
    });
    expect(await licenseOf(l.id)).toMatchObject({
      expiresAt: new Date(end * 1000).toISOString(),
      status: 'active',
    });

    const created = nowS();
    await deliver(t, stripeEvent('customer.subscription.updated', subscription(sub, 'unpaid'), { created }));
    expect(await validate(l.key)).toBe('SUSPENDED');
    await deliver(
      t,
      stripeEvent('customer.subscription.updated', subscription(sub, 'active'), { created: created + 1 }),
    );
    expect(await validate(l.key)).toBe('VALID');

    // A person's suspension is theirs: billing coming back does not lift it.
    await t.call('POST', `/api/v1/licenses/${l.id}/suspend`);
    await deliver(
      t,
      stripeEvent('customer.subscription.updated', subscription(sub, 'active'), { created: created + 2 }),
    );
    expect(await validate(l.key)).toBe('SUSPENDED');
    await t.call('POST', `/api/v1/licenses/${l.id}/reinstate`);

    // Billing suspends, a paid invoice lifts it.
    await deliver(
      t,
      stripeEvent('customer.subscription.updated', subscription(sub, 'paused'), { created: created + 3 }),
    );
    expect(await validate(l.key)).toBe('SUSPENDED');
    const next = end + 30 * 86400;
    await deliver(t, stripeEvent('invoice.paid', invoice(sub, next), { created: created + 4 }));
    expect(await licenseOf(l.id)).toMatchObject({
      status: 'active',
      expiresAt: new Date(next * 1000).toISOString(),
    });

    const types = (await t.call('GET', `/api/v1/events?license_id=${l.id}&limit=100`)).body.data
      .filter((e: { event: string }) => e.event !== 'validation.failed')
      .map(
        (e: { event: string; data: { reason?: string } }) =>
          `${e.event}${e.data.reason ? `:${e.data.reason}` : ''}`,
      );
    types.reverse();
    expect(types.slice(0, -2)).toEqual([
      'license.created',
      'license.renewed:billing',
      'license.suspended:billing',
      'license.reinstated:billing',
      'license.suspended',
      'license.reinstated',
      'license.suspended:billing',
    ]);
    // One invoice, one transaction: both of its events carry the same time.
    expect(types.slice(-2).sort()).toEqual(['license.reinstated:billing', 'license.renewed:billing']);
  });

  it('cancel_at_period_end sets the expiry; subscription.deleted expires the license', async () => {
    const session = checkoutSession();
    const l = await checkout(session);
    const sub = session.subscription as string;
    const end = nowS() + 10 * 86400;
    const created = nowS();
    const canceling = subscription(sub, 'active', {
      cancel_at_period_end: true,
      items: { object: 'list', data: [{ id: 'si_1', current_period_end: end }] },
    });
    await deliver(t, stripeEvent('customer.subscription.updated', canceling, { created }));
    expect((await licenseOf(l.id)).expiresAt).toBe(new Date(end * 1000).toISOString());
    expect(await validate(l.key)).toBe('VALID');
    const gone = await deliver(
      t,
      stripeEvent('customer.subscription.deleted', subscription(sub, 'canceled'), { created: created + 1 }),
    );
    expect(gone.body).toEqual({ received: true });
    expect(await validate(l.key)).toBe('EXPIRED');
    expect((await licenseOf(l.id)).status).toBe('expired');
    const emails = (await t.call('GET', `/api/v1/emails?license_id=${l.id}`)).body.data;
    expect(emails.map((e: { template: string }) => e.template)).toContain('license_expired');
  });

  it('never lets an older event undo newer state', async () => {
    const session = checkoutSession();
    const l = await checkout(session);
    const sub = session.subscription as string;
    const t0 = nowS();
    await deliver(
      t,
      stripeEvent('customer.subscription.updated', subscription(sub, 'unpaid'), { created: t0 + 10 }),
    );
    expect(await validate(l.key)).toBe('SUSPENDED');
    // An "active" from before the "unpaid" arrives late: ignored.
    const late = await deliver(
      t,
      stripeEvent('customer.subscription.updated', subscription(sub, 'active'), { created: t0 + 5 }),
    );
    expect(late.body).toEqual({ received: true, ignored: true });
    expect(await validate(l.key)).toBe('SUSPENDED');
    // After the deletion, nothing brings it back.
    await deliver(
      t,
      stripeEvent('customer.subscription.deleted', subscription(sub, 'canceled'), { created: t0 + 20 }),
    );
    const after = await deliver(
      t,
      stripeEvent('invoice.paid', invoice(sub, t0 + 90 * 86400), { created: t0 + 30 }),
    );
    expect(after.body).toEqual({ received: true, ignored: true });
    expect(await validate(l.key)).toBe('EXPIRED');
  });

  it('keeps a period learnt from invoice.paid before the checkout event, for the license it makes', async () => {
    const session = checkoutSession();
    const end = nowS() + 365 * 86400;
    const early = await deliver(t, stripeEvent('invoice.paid', invoice(session.subscription as string, end)));
    expect(early.body).toEqual({ received: true });
    const l = await checkout(session);
    expect(l.expiresAt).toBe(new Date(end * 1000).toISOString());
  });

  it('refuses a checkout it cannot place (no product) so that Stripe retries it, and records nothing', async () => {
    const bare = await makeApp();
    try {
      await bare.call('PUT', '/api/v1/integrations/stripe', { webhook_secret: STRIPE_SECRET });
      const payload = stripeEvent('checkout.session.completed', checkoutSession());
      const r = await deliver(bare, payload);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_ERROR');
      const p = await bare.call('POST', '/api/v1/products', { name: 'Late' });
      await bare.call('PUT', '/api/v1/integrations/stripe', {
        webhook_secret: STRIPE_SECRET,
        default_product_id: p.body.product.id,
      });
      expect((await deliver(bare, payload)).body).toEqual({ received: true });
    } finally {
      await bare.close();
    }
  });
});

describe("the seed's own Stripe snippet", () => {
  it('makes a subscription without a fixed expiry that invoice.paid renews, or a perpetual license', async () => {
    const sub = stripeId('sub');
    const r = await t.call('POST', '/api/v1/portal/licenses', {
      product: productId,
      plan: 'pro',
      customer_email: null,
      metadata: {
        stripeCustomerId: stripeId('cus'),
        stripeSubscriptionId: sub,
        email: 'snippet@example.com',
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.license).toMatchObject({
      type: 'subscription',
      expiresAt: null,
      email: 'snippet@example.com',
    });
    const end = nowS() + 30 * 86400;
    await deliver(t, stripeEvent('invoice.paid', invoice(sub, end)));
    expect((await licenseOf(r.body.license.id)).expiresAt).toBe(new Date(end * 1000).toISOString());

    const once = await t.call('POST', '/api/v1/portal/licenses', {
      product: productId,
      plan: 'pro',
      customer_email: 'once@example.com',
      metadata: { stripeCustomerId: 'cus_once', stripeSubscriptionId: null },
    });
    expect(once.body.license).toMatchObject({
      type: 'perpetual',
      expiresAt: null,
      email: 'once@example.com',
    });
  });

  it('finds the customer for customer_email: null from a Stripe customer it already knows', async () => {
    const stripeCustomer = stripeId('cus');
    const first = await t.call('POST', '/api/v1/portal/licenses', {
      product: productId,
      customer_email: 'known@example.com',
      metadata: { stripeCustomerId: stripeCustomer },
    });
    const second = await t.call('POST', '/api/v1/portal/licenses', {
      product: productId,
      customer_email: null,
      metadata: { stripeCustomerId: stripeCustomer, stripeSubscriptionId: null },
    });
    expect(second.status).toBe(201);
    expect(second.body.license.customerId).toBe(first.body.license.customerId);
    expect(second.body.license.email).toBe('known@example.com');
  });
});
