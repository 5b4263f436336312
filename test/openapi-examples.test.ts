// /docs as a reader meets it: the groups in the order of the product document (what an app calls
// first), no internal plumbing, and an example for every operation that works as shown: each one is
// sent to a real server, with real ids in place of the placeholders, and answers the status and the
// fields its example shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { IDS } from '../src/http/examples';
import { TAG_ORDER } from '../src/http/openapi';
import { makeApp, type TestApp } from './helpers/app';
import { signature, STRIPE_SECRET } from './helpers/stripe';

const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery-staple' };
let t: TestApp;
let doc: any;
let admin: string;
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, webhookAllowPrivate: true });
  admin = (
    await createApiKey(t.app.deps.prisma, { accountId: t.accountId, environment: 'live', scope: 'admin' })
  ).secret;
  doc = (await t.call('GET', '/api/v1/openapi.json', undefined, null)).body;
});
afterAll(() => t.close());

type Op = { method: string; path: string; op: any };
const operations = (): Op[] =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op })),
  );

describe('/docs groups and examples', () => {
  it('lists the groups in the order of the product document, validate then activate first', () => {
    const tags: string[] = doc.tags.map((x: { name: string }) => x.name);
    expect(tags).toEqual(TAG_ORDER.filter((x) => tags.includes(x)));
    expect(tags.slice(0, 3)).toEqual(['License keys', 'Offline tokens', 'Licenses']);
    // Operations follow their groups: the document's first ones are validate and activate.
    const order = operations().map((o) => `${o.method} ${o.path}`);
    expect(order.slice(0, 2)).toEqual(['post /api/v1/validate', 'post /api/v1/activate']);
    const groupOf = operations().map((o) => tags.indexOf(o.op.tags[0]));
    expect(groupOf).toEqual([...groupOf].sort((a, b) => a - b));
  });

  it('leaves out internal routes (the Scalar bundle, the docs page itself)', () => {
    expect(doc.paths['/docs/scalar.js']).toBeUndefined();
    expect(doc.paths['/docs']).toBeUndefined();
    expect(t.app.routes.some((r) => r.path === '/docs/scalar.js')).toBe(true); // still served
  });

  it('has an example answer for every operation, and an example body for every one that takes a body', () => {
    for (const { method, path, op } of operations()) {
      const ok = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      expect(
        (ok[1] as any).content['application/json'].example,
        `${method} ${path}: response example`,
      ).toBeDefined();
      if (op.requestBody) {
        expect(
          op.requestBody.content['application/json'].example,
          `${method} ${path}: request example`,
        ).toBeDefined();
      }
      for (const p of op.parameters.filter((p: any) => p.in === 'path')) {
        expect(p.example, `${method} ${path}: example of ${p.name}`).toBeDefined();
      }
    }
  });

  it('every example works as shown against a real server', async () => {
    const shared = await fixtures('get', '');
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      const f = method === 'get' ? shared : await fixtures(method, path);
      const swap = (s: string) =>
        Object.entries(f.ids).reduce((acc, [from, to]) => acc.split(from).join(to), s);
      let url = path;
      const query = new URLSearchParams();
      for (const p of op.parameters) {
        if (p.in === 'path') url = url.replace(`{${p.name}}`, swap(p.example));
        if (p.in === 'query' && p.example !== undefined) query.set(p.name, swap(String(p.example)));
      }
      if ([...query].length) url += `?${query}`;
      const request = op.requestBody?.content['application/json'].example;
      const body = request === undefined ? undefined : JSON.parse(swap(JSON.stringify(request)));
      const key = op['x-scope'] === 'admin' ? admin : op['x-scope'] === 'portal' ? f.key : null;
      const headers: Record<string, string> =
        path === '/api/v1/auth/refresh' ? { authorization: `Bearer ${f.session}` } : {};
      // Stripe's receiver takes the raw body Stripe signed: sign the example as Stripe would.
      const stripeBody = path.endsWith('/webhook') && body ? JSON.stringify(body) : undefined;
      if (stripeBody) headers['stripe-signature'] = signature(stripeBody);
      const r = await t.call(method.toUpperCase(), url, stripeBody ?? body, key, headers);
      const [status, answer] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))! as [
        string,
        any,
      ];
      const example = answer.content['application/json'].example;
      const missing = Object.keys(example).filter((k) => !(k in (r.body ?? {})));
      if (String(r.status) !== status || missing.length) {
        failures.push(
          `${method} ${url}: HTTP ${r.status} (example says ${status}), missing ${missing.join(', ') || 'nothing'}: ${JSON.stringify(r.body).slice(0, 200)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

let n = 0;
/** A fresh account with one of everything, so that each writing example meets the state it needs. */
async function fixtures(method: string, path: string) {
  const i = ++n;
  const acct = await t.call(
    'POST',
    '/api/v1/admin/accounts',
    { name: `Examples ${i}`, owner_email: `examples-${i}@example.com`, owner_password: OWNER.password },
    admin,
  );
  const key: string = acct.body.liveKey;
  const call = async (m: string, p: string, body?: unknown) => {
    const r = await t.call(m, p, body, key);
    if (r.status >= 300) throw new Error(`fixture ${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const product = (await call('POST', '/api/v1/products', { name: 'Fixture' })).product;
  const licensed = !(method === 'delete' && path === '/api/v1/products/{id}');
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
  if (path === '/api/v1/licenses/{id}/reinstate')
    await call('POST', `/api/v1/licenses/${license.id}/suspend`);
  const customer = (await call('POST', '/api/v1/customers', { email: `customer-${i}@example.com` })).customer;
  const webhook = (await call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).webhook;
  const delivery = (await call('POST', `/api/v1/webhooks/${webhook.id}/test`)).delivery;
  const apiKey = (await call('POST', '/api/v1/api-keys', { name: 'Fixture key' })).apiKey;
  const user = (await call('POST', '/api/v1/users', { email: `user-${i}@example.com`, role: 'developer' }))
    .user;
  const session = (await t.call('POST', '/api/v1/auth/login', OWNER, null)).body.token;
  const email = licensed
    ? (await call('POST', `/api/v1/licenses/${license.id}/send-key`)).email
    : { id: 'eml_none' };
  const domain = (await call('POST', '/api/v1/domains', { host: `portal-${i}.examples.test` })).domain;
  if (path !== '/api/v1/integrations/stripe' || method !== 'put')
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
      prod_123: product.id,
    } as Record<string, string>,
  };
}
