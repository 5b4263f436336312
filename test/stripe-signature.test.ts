// The Stripe integration's settings per environment and the receiver's signature check, held to the
// `stripe` package's own test headers (stripe-events.test.ts has the events' effects).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { deliver, nowS, signature, STRIPE_SECRET, stripeEvent, stripeId } from './helpers/stripe';

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

describe('settings', () => {
  it('shows the secret only as a prefix, with the webhook URL, per environment', async () => {
    const got = await t.call('GET', '/api/v1/integrations/stripe');
    expect(got.status).toBe(200);
    expect(got.body.stripe).toMatchObject({
      environment: 'live',
      webhookUrl: `http://localhost:4000/api/v1/integrations/stripe/${t.accountId}/webhook`,
      webhookSecretPrefix: 'whsec_test',
      defaultProductId: productId,
      prices: {
        price_team: { productId: otherProductId, type: 'floating', maxActivations: 10, plan: 'team' },
      },
      sendLicenseEmail: true,
    });
    expect(JSON.stringify(got.body)).not.toContain(STRIPE_SECRET);
    expect((await t.call('GET', '/api/v1/integrations/stripe', undefined, t.testKey)).status).toBe(404);
  });

  it('refuses a malformed secret or a product of another environment', async () => {
    const bad = await t.call(
      'PUT',
      '/api/v1/integrations/stripe',
      { webhook_secret: 'sk_live_nope' },
      t.testKey,
    );
    expect(bad.status).toBe(400);
    const foreign = await t.call(
      'PUT',
      '/api/v1/integrations/stripe',
      { webhook_secret: 'whsec_other00000000', default_product_id: productId },
      t.testKey,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('VALIDATION_ERROR');
  });

  it('DELETE turns an environment off: its events are then refused', async () => {
    const secret = 'whsec_testmode0000000000';
    expect(
      (await t.call('PUT', '/api/v1/integrations/stripe', { webhook_secret: secret }, t.testKey)).status,
    ).toBe(200);
    const ev = stripeEvent('customer.created', { id: stripeId('cus') }, { livemode: false });
    expect((await deliver(t, ev, signature(ev, secret))).body).toEqual({ received: true, ignored: true });
    const del = await t.call('DELETE', '/api/v1/integrations/stripe', undefined, t.testKey);
    expect(del.body.deleted).toBe(true);
    // The account's only secret now is the live one, which did not sign it.
    const again = stripeEvent('customer.created', { id: stripeId('cus') }, { livemode: false });
    expect((await deliver(t, again, signature(again, secret))).body.code).toBe('INVALID_SIGNATURE');
  });
});

describe('signatures', () => {
  const ev = () => stripeEvent('customer.created', { id: stripeId('cus') });

  it('accepts the headers the stripe package generates', async () => {
    const r = await deliver(t, ev());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: true, ignored: true });
  });

  it('refuses a wrong secret, a tampered body, a stale timestamp and a missing header with 400 INVALID_SIGNATURE', async () => {
    const payload = ev();
    const cases = [
      signature(payload, 'whsec_not_the_right_one'),
      signature(payload.replace('customer.created', 'customer.updated')),
      signature(payload, STRIPE_SECRET, nowS() - 301),
      `t=${nowS()}`,
      '',
    ];
    for (const header of cases) {
      const r = await deliver(t, payload, header);
      expect(r.status, header).toBe(400);
      expect(r.body.code).toBe('INVALID_SIGNATURE');
    }
    // The tampered case, spelled out: a header for one body does not cover another.
    const other = payload.replace('customer.created', 'customer.updated');
    expect((await deliver(t, other, signature(payload))).body.code).toBe('INVALID_SIGNATURE');
  });

  it('accepts a header where any one of several v1 signatures matches, within 5 minutes', async () => {
    const payload = ev();
    const ts = nowS() - 240;
    const good = signature(payload, STRIPE_SECRET, ts).split(',')[1]!;
    const wrong = signature(payload, 'whsec_rolled_away_0000', ts).split(',')[1]!;
    const r = await deliver(t, payload, `t=${ts},${wrong},v0=abc,${good}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('is 404 for an account without the integration, and picks the environment by livemode', async () => {
    const payload = ev();
    expect((await deliver(t, payload, signature(payload), 'acct_nobody')).status).toBe(404);
    // A test-mode event: the test environment has no integration (any more).
    const testEvent = stripeEvent('customer.created', { id: stripeId('cus') }, { livemode: false });
    expect((await deliver(t, testEvent)).status).toBe(404);
  });

  it('checks the signature before parsing: garbage with a valid signature is a 400 of its own', async () => {
    const r = await deliver(t, 'not json');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_ERROR');
    expect((await deliver(t, 'not json', signature('other'))).body.code).toBe('INVALID_SIGNATURE');
  });
});
