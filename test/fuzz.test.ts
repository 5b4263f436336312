// Hostile input on every door: every REST route and method of the route table (body fields, path
// ids, query filters) and every GraphQL mutation's input fields get NUL bytes, lone surrogates,
// nesting 5,000 deep, extreme dates and huge or odd numbers. None may answer 5xx, leak a stack
// trace, or log an unhandled error. PostgreSQL refuses NUL in text and lone surrogates in jsonb,
// so this file is run on both databases (DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchema } from '../src/http/openapi-json-schema';
import type { RouteDef } from '../src/rest/route';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { BAD_VALUES, bodyWith, deep, unsafe } from './helpers/fuzz';

let t: TestApp;
const ids: Record<string, string> = {};
const unhandled: unknown[] = [];
const refusedByDb: unknown[] = [];

beforeAll(async () => {
  t = await makeApp({
    webhookAllowPrivate: true,
    rateLimit: { ...(await import('../src/config')).testConfig().rateLimit, enabled: false },
  });
  const pl = await productAndLicense(t, { max_activations: 1000 });
  ids.product = pl.product.id;
  ids.license = pl.license.id;
  ids.key = pl.license.key;
  const act = await t.call('POST', '/api/v1/activate', { key: ids.key, machine_id: 'fuzz-device' }, null);
  ids.activation = act.body.activation.id;
  ids.customer = (await t.call('POST', '/api/v1/customers', { email: 'fuzz@example.com' })).body.customer.id;
  ids.webhook = (
    await t.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })
  ).body.webhook.id;
  ids.account = t.accountId;
  // Every unhandled error the server logs is a 500 somewhere; collect them.
  const error = t.app.deps.logger.error.bind(t.app.deps.logger);
  t.app.deps.logger.error = ((obj: unknown, msg?: string, ...rest: unknown[]) => {
    if (msg && /unhandled|unexpected/.test(msg)) unhandled.push({ obj, msg });
    return (error as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof t.app.deps.logger.error;
  // A value the input layer let through and the database refused is a 400 too, but it should
  // have been refused before any query ran.
  const warn = t.app.deps.logger.warn.bind(t.app.deps.logger);
  t.app.deps.logger.warn = ((obj: unknown, msg?: string, ...rest: unknown[]) => {
    if (msg === 'database refused the request') refusedByDb.push(obj);
    return (warn as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof t.app.deps.logger.warn;
});
afterAll(() => t.close());

/** Hostile query-string values (already URL-encoded). */
const BAD_QUERY: [string, string][] = [
  ['NUL byte', 'a%00b'],
  ['lone surrogate (as CESU-8)', '%ED%A0%80'],
  ['malformed escape', '%E0%A4%A'],
  ['year 0', '0000-01-01'],
  ['year 10000', '%2B010000-01-01T00%3A00%3A00Z'],
  ['1e308', '1e308'],
  ['2^63', '9223372036854775808'],
  ['-1', '-1'],
  ['1.5', '1.5'],
];

/** Hostile path ids (already URL-encoded). */
const BAD_IDS: [string, string][] = [
  ['NUL byte', 'lic_%00'],
  ['lone surrogate (as CESU-8)', 'lic_%ED%A0%80'],
  ['long id', 'x'.repeat(5000)],
];

/** A real id for a path parameter, by the collection it names. */
function realPath(path: string): string {
  return path
    .replace('/licenses/:id', `/licenses/${ids.license}`)
    .replace('/products/:id', `/products/${ids.product}`)
    .replace('/customers/:id', `/customers/${ids.customer}`)
    .replace('/webhooks/:id', `/webhooks/${ids.webhook}`)
    .replace('/admin/accounts/:id', `/admin/accounts/${ids.account}`)
    .replace(':accountId', ids.account!)
    .replace(/:[a-zA-Z]+/g, 'x_unknown');
}

const fieldsOf = (schema: RouteDef['body'] | undefined, where: 'body' | 'query', r?: RouteDef) => {
  if (!schema) return [];
  const props = jsonSchema(schema, where, r?.aliases).properties as Record<string, unknown> | undefined;
  return Object.keys(props ?? {});
};

/** The credential a route's access needs; public routes get none. */
const keyFor = (r: RouteDef) => (r.access === 'public' ? null : t.liveKey);

// Routes that would end the test's own session or account, or change every license at once.
const SKIP = new Set(['DELETE /api/v1/api-keys/:id', 'POST /api/v1/admin/accounts/:id/suspend']);

function expectSafe(what: string, res: { status: number; body: unknown }) {
  expect(unsafe(what, res)).toBeNull();
}

describe('REST fuzz, derived from the route table', () => {
  it('no route answers 5xx to hostile body fields, path ids or query filters', async () => {
    const routes = t.app.routes.filter((r) => r.path.startsWith('/api/v1/'));
    let sent = 0;
    const failures: string[] = [];
    const check = (what: string, res: { status: number; body: unknown }) => {
      sent++;
      const why = unsafe(what, res);
      if (why) failures.push(why);
    };
    for (const r of routes) {
      const name = `${r.method.toUpperCase()} ${r.path}`;
      if (SKIP.has(name)) continue;
      const method = r.method.toUpperCase();
      const path = realPath(r.path);
      if (r.body && !r.rawBody) {
        const fields = [...new Set([...fieldsOf(r.body, 'body', r), 'metadata'])];
        const base = (r.example?.request ?? {}) as Record<string, unknown>;
        for (const field of fields) {
          for (const [label, value] of BAD_VALUES) {
            const body = bodyWith({ ...base, key: ids.key, machine_id: 'fuzz-device' }, field, value);
            check(`${name} body.${field} = ${label}`, await t.call(method, path, body, keyFor(r)));
          }
        }
      }
      for (const field of fieldsOf(r.query, 'query')) {
        for (const [label, value] of BAD_QUERY) {
          const res = await t.call(method, `${path}?${field}=${value}`, undefined, keyFor(r));
          check(`${name} ?${field}= ${label}`, res);
        }
      }
      if (r.path.includes('/:')) {
        for (const [label, value] of BAD_IDS) {
          const bad = r.path.replace(/:[a-zA-Z]+/g, value);
          check(`${name} path id ${label}`, await t.call(method, bad, r.body ? {} : undefined, keyFor(r)));
        }
      }
    }
    expect(failures.length, `${failures.length} of ${sent}:\n${failures.slice(0, 40).join('\n')}`).toBe(0);
    console.log(`fuzz: ${sent} requests, ${failures.length} unsafe`);
    expect(sent).toBeGreaterThan(2000);
    expect(unhandled, JSON.stringify(unhandled.slice(0, 3))).toEqual([]);
    expect(refusedByDb.map((o) => String((o as { err?: Error }).err?.message).slice(0, 200))).toEqual([]);
  }, 300_000);

  it('the customer page answers hostile form fields, path ids and queries without a 5xx', async () => {
    const { customerPageRoutes } = await import('../src/pages/pages.routes');
    const failures: string[] = [];
    const values = ['a%00b', '%ED%A0%80', 'x'.repeat(3000)];
    for (const r of customerPageRoutes(t.app.deps)) {
      for (const v of values) {
        const path = r.path.replace(/:[a-zA-Z]+/g, v);
        for (const base of [`/my/${t.accountId}`, `/my/acct_${v}`]) {
          const form = `email=${v}&key=${v}&csrf=${v}`;
          const res = await t.app.fetch(
            new Request(`http://test.local${base}${path}?q=${v}`, {
              method: r.method.toUpperCase(),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: r.method === 'post' ? form : undefined,
            }),
          );
          const why = unsafe(`${r.method} ${base}${r.path} ${v.slice(0, 12)}`, {
            status: res.status,
            body: await res.text(),
          });
          if (why) failures.push(why);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(refusedByDb).toEqual([]); // refused by the input guard, before any query
  });

  it.each([
    ['a number past the float range', '{"key":"K","max_activations":1e400}'],
    ['a 20-digit integer', '{"key":"K","limit":123456789012345678901234567890}'],
    ['a NUL escape in a key name', '{"k\\u0000ey":"x"}'],
    ['invalid UTF-8 bytes', '{"key":"\xff\xfe"}'],
    ['metadata 5,000 deep as text', `{"key":"K","metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
  ])('a raw body with %s gets a 4xx', async (_label, text) => {
    for (const path of ['/api/v1/validate', '/api/v1/activate', '/api/v1/licenses', '/api/v1/products']) {
      const res = await t.call('POST', path, text.replace('"K"', JSON.stringify(ids.key)));
      expectSafe(`${path} ${_label}`, res);
    }
  });

  it('refuses the hostile values themselves with 400 VALIDATION_ERROR on the anonymous routes', async () => {
    for (const path of ['/api/v1/validate', '/api/v1/activate', '/api/v1/deactivate', '/api/v1/heartbeat']) {
      for (const value of ['x\u0000y', '\ud800']) {
        const res = await t.call('POST', path, { key: ids.key, machine_id: value }, null);
        expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.code).toBe('VALIDATION_ERROR');
      }
      const nested = await t.call(
        'POST',
        path,
        bodyWith({ key: ids.key, machine_id: 'd' }, 'x', deep(5000)),
        null,
      );
      expect(nested.status, path).toBe(400);
      expect(nested.body.code).toBe('VALIDATION_ERROR');
    }
  });

  it('refuses dates outside 1970..9999 and numbers past their column', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'subscription', expires_at: '0000-01-01' }, 'expires_at'],
      [{ type: 'subscription', expires_at: '+010000-01-01T00:00:00Z' }, 'expires_at'],
      [{ type: 'perpetual', max_activations: 2 ** 31 }, 'max_activations'],
      [{ type: 'perpetual', max_activations: 1e308 }, 'max_activations'],
      [{ type: 'perpetual', metadata: JSON.parse(deep(40).text) }, 'metadata'],
      [{ type: 'perpetual', metadata: { big: 'x'.repeat(40_000) } }, 'metadata'],
    ];
    for (const [body, field] of cases) {
      const res = await t.call('POST', '/api/v1/licenses', { product_id: ids.product, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.error).toContain(field);
    }
  });
});
