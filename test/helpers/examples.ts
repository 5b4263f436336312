// The fixtures the OpenAPI examples need: a fresh account with one of everything, and the real ids
// that replace the examples' placeholders. Shared by the examples test and the idempotency test,
// which both send every example to a real server.
import { IDS } from '../../src/http/examples';
import type { TestApp } from './app';
import { signature, STRIPE_SECRET } from './stripe';

export const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery-staple' };

/** Every operation of the served OpenAPI document. */
export type Op = { method: string; path: string; op: any };
export const operationsOf = (doc: any): Op[] =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op })),
  );

/** The request an operation's example describes, with real ids in place of the placeholders. */
export function exampleRequest(
  op: Op,
  f: { key: string; session: string; ids: Record<string, string> },
  admin: string,
) {
  const swap = (s: string) => Object.entries(f.ids).reduce((acc, [from, to]) => acc.split(from).join(to), s);
  let url = op.path;
  const query = new URLSearchParams();
  for (const p of op.op.parameters) {
    if (p.in === 'path') url = url.replace(`{${p.name}}`, swap(p.example));
    if (p.in === 'query' && p.example !== undefined) query.set(p.name, swap(String(p.example)));
  }
  if ([...query].length) url += `?${query}`;
  const request = op.op.requestBody?.content['application/json'].example;
  const body = request === undefined ? undefined : JSON.parse(swap(JSON.stringify(request)));
  const key = op.op['x-scope'] === 'admin' ? admin : op.op['x-scope'] === 'portal' ? f.key : null;
  const headers: Record<string, string> =
    op.path === '/api/v1/auth/refresh' ? { authorization: `Bearer ${f.session}` } : {};
  // Stripe's receiver takes the raw body Stripe signed: sign the example as Stripe would.
  const stripeBody = op.path.endsWith('/webhook') && body ? JSON.stringify(body) : undefined;
  if (stripeBody) headers['stripe-signature'] = signature(stripeBody);
  return { method: op.method.toUpperCase(), url, body: stripeBody ?? body, key, headers };
}

let n = 0;
/** A fresh account with what an operation's example needs, so that each writing example meets the
 * state it expects. With `op`, only the objects its example names (its path, query and body
 * placeholders) and what they depend on are made; without, one of everything (for the reads). */
export async function fixtures(t: TestApp, admin: string, method: string, path: string, op?: any) {
  const i = ++n;
  const named = op ? JSON.stringify([op.parameters, op.requestBody ?? null]) : undefined;
  const needs = (...marks: string[]) => named === undefined || marks.some((m) => named.includes(m));
  const acct = await t.call(
    'POST',
    '/api/v1/admin/accounts',
    { name: `Examples ${i}`, owner_email: `examples-${i}@example.com` },
    admin,
  );
  const key: string = acct.body.liveKey;
  const call = async (m: string, p: string, body?: unknown) => {
    const r = await t.call(m, p, body, key);
    if (r.status >= 300) throw new Error(`fixture ${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const product = (await call('POST', '/api/v1/products', { name: 'Fixture' })).product;
  const wantsEmail = needs(IDS.email);
  const licensed =
    !(method === 'delete' && path === '/api/v1/products/{id}') &&
    (wantsEmail || needs(IDS.license, IDS.activation, 'XXXX-XXXX-XXXX-XXXX'));
  const license = licensed
    ? (
        await call('POST', '/api/v1/licenses', {
          product_id: product.id,
          type: 'subscription',
          max_activations: 3,
          email: `fixture-${i}@example.com`,
        })
      ).license
    : { id: 'lic_none', key: 'NONE-NONE-NONE-NONE' };
  // Deactivate, heartbeat and the activation routes meet a device already there.
  let activation = { id: 'mach_none' };
  if (licensed && path !== '/api/v1/activate') {
    activation = (
      await call('POST', '/api/v1/activate', {
        license_key: license.key,
        machine_id: 'unique-device-fingerprint',
      })
    ).activation;
  }
  if (path === '/api/v1/licenses/{id}/reinstate')
    await call('POST', `/api/v1/licenses/${license.id}/suspend`);
  // Taking a use off needs one to be there.
  if (path === '/api/v1/licenses/{id}/decrement-usage')
    await call('POST', `/api/v1/licenses/${license.id}/increment-usage`, { amount: 2 });
  const none = { id: 'none' };
  const customer = needs(IDS.customer)
    ? (await call('POST', '/api/v1/customers', { email: `customer-${i}@example.com` })).customer
    : none;
  const webhook = needs(IDS.webhook, IDS.delivery)
    ? (await call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).webhook
    : none;
  const delivery = needs(IDS.delivery)
    ? (await call('POST', `/api/v1/webhooks/${webhook.id}/test`)).delivery
    : none;
  const apiKey = needs(IDS.apiKey)
    ? (await call('POST', '/api/v1/api-keys', { name: 'Fixture key' })).apiKey
    : none;
  const user = needs(IDS.user)
    ? (await call('POST', '/api/v1/users', { email: `user-${i}@example.com`, role: 'developer' })).user
    : none;
  // Only the session routes take a session; a sign-in costs a password hash.
  const session =
    named === undefined || path.startsWith('/api/v1/auth/')
      ? (await t.call('POST', '/api/v1/auth/login', OWNER, null)).body.token
      : '';
  const email =
    licensed && wantsEmail ? (await call('POST', `/api/v1/licenses/${license.id}/send-key`)).email : none;
  const domain = needs(IDS.domain)
    ? (await call('POST', '/api/v1/domains', { host: `portal-${i}.examples.test` })).domain
    : none;
  // The entitlement examples name `export` and `sso`; the detach examples detach `export`.
  let entitlement = none;
  if (needs(IDS.entitlement, 'entitlement', '"export"', '"sso"') || path.includes('entitlements')) {
    entitlement = (await call('POST', '/api/v1/entitlements', { code: 'export' })).entitlement;
    await call('POST', '/api/v1/entitlements', { code: 'sso' });
  }
  if (method === 'delete' && path === '/api/v1/products/{id}/entitlements/{code}')
    await call('POST', `/api/v1/products/${product.id}/entitlements`, { codes: ['export'] });
  if (licensed && method === 'delete' && path === '/api/v1/licenses/{id}/entitlements/{code}')
    await call('POST', `/api/v1/licenses/${license.id}/entitlements`, { codes: ['export'] });
  const stripe = named === undefined || path.includes('stripe') || path.endsWith('/webhook');
  if (stripe && (path !== '/api/v1/integrations/stripe' || method !== 'put'))
    await call('PUT', '/api/v1/integrations/stripe', {
      webhook_secret: STRIPE_SECRET,
      default_product_id: product.id,
    });
  return {
    key,
    session,
    ids: {
      [IDS.product]: product.id,
      [IDS.license]: license.id,
      'XXXX-XXXX-XXXX-XXXX': license.key,
      [IDS.activation]: activation.id,
      [IDS.customer]: customer.id,
      [IDS.webhook]: webhook.id,
      [IDS.delivery]: delivery.id,
      [IDS.apiKey]: apiKey.id,
      [IDS.user]: user.id,
      [IDS.account]: acct.body.account.id,
      [IDS.email]: email.id,
      [IDS.domain]: domain.id,
      [IDS.entitlement]: entitlement.id,
      prod_123: product.id,
    } as Record<string, string>,
  };
}
