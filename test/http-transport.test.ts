// The server's node:http transport gives the same answers as app.fetch (which the rest of the suite
// uses): status, body and the headers clients rely on, for routes, errors, GraphQL, CORS and
// cookies. Each case is sent both ways and compared.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
let port: number;
let licenseKey: string;
let licenseId: string;

beforeAll(async () => {
  t = await makeApp({
    corsOrigins: ['https://dash.vendor.test'],
    ownerEmail: 'owner@transport.test',
    ownerPassword: 'correct horse battery staple',
  });
  port = await t.app.listen(0, '127.0.0.1');
  const { license } = await productAndLicense(t);
  licenseKey = license.key;
  licenseId = license.id;
});
afterAll(() => t.close());

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Over a real socket, with node:http (so that nothing web-standard sits on the client side either). */
function overHttp(s: Sent): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: s.method, path: s.path, headers: s.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(s.body);
  });
}

async function overFetch(s: Sent): Promise<Got> {
  const res = await t.app.fetch(
    new Request(`http://test.local${s.path}`, { method: s.method, headers: s.headers, body: s.body }),
  );
  const headers: Got['headers'] = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const cookies = res.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  return { status: res.status, headers, text: await res.text() };
}

const json = { 'content-type': 'application/json' };
const auth = () => ({ ...json, authorization: `Bearer ${t.liveKey}` });

/** Fields that differ between two answers by nature (times, ids, tokens, counters). */
const volatile =
  /"(validatedAt|createdAt|updatedAt|lastValidatedAt|offline|token|expiresAt|id)":("[^"]*"|\{[^}]*\}|null)/g;
const stable = (text: string) => text.replace(volatile, '"$1":…');
const CLIENT_HEADERS = [
  'content-type',
  'x-ratelimit-limit',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'x-api-version',
  'cache-control',
];

async function both(s: Sent) {
  const a = await overHttp(s);
  const b = await overFetch(s);
  expect(a.status, `${s.method} ${s.path}: status over HTTP vs app.fetch`).toBe(b.status);
  for (const h of CLIENT_HEADERS) expect(a.headers[h], `${s.method} ${s.path}: ${h}`).toEqual(b.headers[h]);
  expect(stable(a.text), `${s.method} ${s.path}: body`).toBe(stable(b.text));
  return a;
}

describe('node:http transport vs app.fetch', () => {
  it('validate: valid, unknown key, bad JSON, missing field, wrong type', async () => {
    const ok = await both({
      method: 'POST',
      path: '/api/v1/validate',
      headers: json,
      body: JSON.stringify({ license_key: licenseKey }),
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ valid: true, code: 'VALID' });
    expect(ok.headers['content-length']).toBe(String(Buffer.byteLength(ok.text)));
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const unknown = await both({
      method: 'POST',
      path: '/api/v1/validate',
      headers: json,
      body: '{"key":"NOPE-NOPE-NOPE-NOPE"}',
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ valid: false, code: 'NOT_FOUND' });

    const bad = await both({ method: 'POST', path: '/api/v1/validate', headers: json, body: '{"key":' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).code).toBe('VALIDATION_ERROR');

    const missing = await both({ method: 'POST', path: '/api/v1/validate', headers: json, body: '{}' });
    expect(JSON.parse(missing.text)).toMatchObject({ code: 'MISSING_FIELDS', fields: ['license_key'] });

    const wrong = await both({ method: 'POST', path: '/api/v1/validate', headers: json, body: '{"key":5}' });
    expect(wrong.status).toBe(400);
  });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE, declared or not', async () => {
    const big = JSON.stringify({ key: 'x'.repeat(t.app.deps.config.maxBodyBytes + 10) });
    const declared = await both({ method: 'POST', path: '/api/v1/validate', headers: json, body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).code).toBe('PAYLOAD_TOO_LARGE');
    // Chunked, so the server only finds out while reading.
    const chunked = await overHttp({
      method: 'POST',
      path: '/api/v1/validate',
      headers: { ...json, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
  });

  it('portal routes: path params (percent-encoded), query strings, auth failures, 404s', async () => {
    const got = await both({
      method: 'GET',
      path: `/api/v1/licenses/${encodeURIComponent(licenseId)}`,
      headers: auth(),
    });
    expect(JSON.parse(got.text).license.id).toBe(licenseId);
    const page = await both({
      method: 'GET',
      path: '/api/v1/licenses?limit=1&limit=50&page=1',
      headers: auth(),
    });
    expect(JSON.parse(page.text).data).toHaveLength(1);
    const badQuery = await both({ method: 'GET', path: '/api/v1/licenses?limit=abc', headers: auth() });
    expect(badQuery.status).toBe(400);
    const noKey = await both({ method: 'GET', path: '/api/v1/licenses', headers: json });
    expect(noKey.status).toBe(401);
    const badKey = await both({
      method: 'GET',
      path: '/api/v1/licenses',
      headers: { authorization: 'Bearer to_live_nope' },
    });
    expect(JSON.parse(badKey.text).code).toBe('INVALID_API_KEY');
    const wrongMethod = await both({ method: 'GET', path: '/api/v1/validate' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('POST');
    const none = await both({ method: 'GET', path: '/api/v1/nothing-here', headers: auth() });
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text).code).toBe('NOT_FOUND');
    // Escaped characters in the path are routed as Hono did, and the edge still applies: an escaped
    // public route is rate limited, an escaped portal route still needs the key.
    const escaped = await both({
      method: 'POST',
      path: '/%61pi/v1/validat%65',
      headers: json,
      body: JSON.stringify({ license_key: licenseKey }),
    });
    expect(escaped.status).toBe(200);
    expect(escaped.headers['x-ratelimit-limit']).toBeDefined();
    const escapedPortal = await both({ method: 'GET', path: '/api/v1/licens%65s', headers: json });
    expect(escapedPortal.status).toBe(401);
    const slash = await both({ method: 'GET', path: '/api/v1%2Flicenses', headers: auth() });
    expect(slash.status).toBe(404);
    const version = await both({
      method: 'GET',
      path: '/api/v1/health',
      headers: { 'x-api-version': '2026-01-01' },
    });
    expect(version.headers['x-api-version']).toBe('2026-01-01');
    const badVersion = await both({
      method: 'GET',
      path: '/api/v1/health',
      headers: { 'x-api-version': '1999' },
    });
    expect(badVersion.status).toBe(400);
  });

  it('GraphQL: the fast JSON path, a syntax error, and GET through yoga', async () => {
    const query =
      'mutation($k:String!){ validateLicense(input:{key:$k}){ __typename ... on LicenseValidation { valid code } } }';
    const ok = await both({
      method: 'POST',
      path: '/graphql',
      headers: json,
      body: JSON.stringify({ query, variables: { k: licenseKey } }),
    });
    expect(JSON.parse(ok.text).data.validateLicense).toEqual({
      __typename: 'LicenseValidation',
      valid: true,
      code: 'VALID',
    });
    const broken = await both({
      method: 'POST',
      path: '/graphql',
      headers: json,
      body: '{"query":"{ nope"}',
    });
    expect(JSON.parse(broken.text).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const get = await both({
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('{ __typename }')}`,
      headers: { accept: 'application/json' },
    });
    expect(JSON.parse(get.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('HEAD answers like GET without the body', async () => {
    const get = await overHttp({ method: 'GET', path: '/api/v1/health' });
    const head = await both({ method: 'HEAD', path: '/api/v1/health' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
  });

  it('CORS preflight and actual requests, and Set-Cookie on login', async () => {
    const pre = await both({
      method: 'OPTIONS',
      path: '/api/v1/licenses',
      headers: { origin: 'https://dash.vendor.test', 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://dash.vendor.test');
    const actual = await both({
      method: 'GET',
      path: '/api/v1/health',
      headers: { origin: 'https://dash.vendor.test' },
    });
    expect(actual.headers['access-control-expose-headers']).toContain('X-RateLimit-Remaining');
    const login = await overHttp({
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: json,
      body: JSON.stringify({ email: 'owner@transport.test', password: 'correct horse battery staple' }),
    });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toHaveLength(1);
    expect(login.headers['set-cookie']![0]).toMatch(/HttpOnly/);
  });
});
