// /docs as a reader meets it: the groups in the order of the product document (what an app calls
// first), no internal plumbing, and an example for every operation that works as shown: each one is
// sent to a real server, with real ids in place of the placeholders, and answers the status and the
// fields its example shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { TAG_ORDER } from '../src/http/openapi';
import { makeApp, type TestApp } from './helpers/app';
import { exampleRequest, fixtures, operationsOf, OWNER } from './helpers/examples';

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

const operations = () => operationsOf(doc);

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
    const shared = await fixtures(t, admin, 'get', '');
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      const f = method === 'get' ? shared : await fixtures(t, admin, method, path, op);
      const { url, body, key, headers } = exampleRequest({ method, path, op }, f, admin);
      const r = await t.call(method.toUpperCase(), url, body, key, headers);
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
