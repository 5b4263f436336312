// Malformed requests get a 4xx with a stable code, never a 500, and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
let key: string;
let productId: string;
let licenseId: string;
beforeAll(async () => {
  t = await makeApp({ maxBodyBytes: 64 * 1024 });
  const pl = await productAndLicense(t);
  key = pl.license.key;
  productId = pl.product.id;
  licenseId = pl.license.id;
});
afterAll(() => t.close());

type Case = [
  name: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
  code: string,
  auth?: boolean,
];

const cases = (): Case[] => [
  ['malformed JSON', 'POST', '/api/v1/validate', '{"key": ', 400, 'VALIDATION_ERROR', false],
  ['JSON array body', 'POST', '/api/v1/validate', '[1,2]', 400, 'VALIDATION_ERROR', false],
  ['JSON string body', 'POST', '/api/v1/validate', '"key"', 400, 'VALIDATION_ERROR', false],
  ['empty body', 'POST', '/api/v1/validate', '', 400, 'MISSING_FIELDS', false],
  ['no key at all', 'POST', '/api/v1/validate', { domain: 'x.com' }, 400, 'MISSING_FIELDS', false],
  ['key of wrong type', 'POST', '/api/v1/validate', { key: 12345 }, 400, 'VALIDATION_ERROR', false],
  [
    'machine_id of wrong type',
    'POST',
    '/api/v1/validate',
    { key, machine_id: { a: 1 } },
    400,
    'VALIDATION_ERROR',
    false,
  ],
  ['activate without machine_id', 'POST', '/api/v1/activate', { key }, 400, 'MISSING_FIELDS', false],
  [
    'activate with empty machine_id',
    'POST',
    '/api/v1/activate',
    { key, machine_id: '' },
    400,
    'VALIDATION_ERROR',
    false,
  ],
  ['deactivate without anything', 'POST', '/api/v1/deactivate', {}, 400, 'MISSING_FIELDS', false],
  [
    'huge body',
    'POST',
    '/api/v1/validate',
    JSON.stringify({ key, pad: 'x'.repeat(100_000) }),
    413,
    'PAYLOAD_TOO_LARGE',
    false,
  ],
  ['license without product_id', 'POST', '/api/v1/licenses', { type: 'perpetual' }, 400, 'MISSING_FIELDS'],
  [
    'unknown license type',
    'POST',
    '/api/v1/licenses',
    { product_id: 'p', type: 'forever' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'max_activations as string',
    'POST',
    '/api/v1/licenses',
    { product_id: 'p', type: 'perpetual', max_activations: 'two' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'max_activations zero',
    'POST',
    '/api/v1/licenses',
    { product_id: 'p', type: 'perpetual', max_activations: 0 },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'bad expires_at',
    'POST',
    '/api/v1/licenses',
    { product_id: 'p', type: 'subscription', expires_at: 'tomorrow' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'bad email',
    'POST',
    '/api/v1/licenses',
    { product_id: 'p', type: 'perpetual', email: 'not-an-email' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'perpetual with expiry',
    'POST',
    '/api/v1/licenses',
    { product_id: 'PRODUCT', type: 'perpetual', expires_at: '2030-01-01T00:00:00Z' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'unknown product',
    'POST',
    '/api/v1/licenses',
    { product_id: 'prod_nope', type: 'perpetual' },
    404,
    'NOT_FOUND',
  ],
  [
    'bad imported key',
    'POST',
    '/api/v1/licenses',
    { product_id: 'PRODUCT', type: 'perpetual', key: 'has spaces!' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'metadata not an object',
    'POST',
    '/api/v1/products',
    { name: 'x', metadata: 'nope' },
    400,
    'VALIDATION_ERROR',
  ],
  ['product without name', 'POST', '/api/v1/products', { platforms: ['mac'] }, 400, 'MISSING_FIELDS'],
  ['lease below 10 s', 'POST', '/api/v1/products', { name: 'x', lease_duration: 5 }, 400, 'VALIDATION_ERROR'],
  ['unknown status filter', 'GET', '/api/v1/licenses?status=bogus', undefined, 400, 'VALIDATION_ERROR'],
  ['negative page', 'GET', '/api/v1/licenses?page=-1', undefined, 400, 'VALIDATION_ERROR'],
  ['non-numeric limit', 'GET', '/api/v1/licenses?limit=lots', undefined, 400, 'VALIDATION_ERROR'],
  ['unknown license id', 'GET', '/api/v1/licenses/lic_doesnotexist', undefined, 404, 'NOT_FOUND'],
  [
    'patch with wrong type',
    'PATCH',
    '/api/v1/licenses/LICENSE',
    { max_activations: -3 },
    400,
    'VALIDATION_ERROR',
  ],
  ['renew a perpetual license', 'POST', '/api/v1/licenses/LICENSE/renew', {}, 409, 'CONFLICT'],
  ['unknown route', 'GET', '/api/v1/nope', undefined, 404, 'NOT_FOUND'],
  ['GET on a POST-only route', 'GET', '/api/v1/validate', undefined, 405, 'METHOD_NOT_ALLOWED', false],
  ['PUT on a license', 'PUT', '/api/v1/licenses/LICENSE', { status: 'active' }, 405, 'METHOD_NOT_ALLOWED'],
  ['malformed Authorization header', 'GET', '/api/v1/licenses', undefined, 403, 'INVALID_TOKEN'],
  // Input the database cannot store (test/fuzz.test.ts sends these to every route and field).
  ['NUL in the key', 'POST', '/api/v1/validate', { key: 'AAAA\u0000' }, 400, 'VALIDATION_ERROR', false],
  [
    'lone surrogate',
    'POST',
    '/api/v1/activate',
    { key, machine_id: '\ud800' },
    400,
    'VALIDATION_ERROR',
    false,
  ],
  ['NUL in a path id', 'GET', '/api/v1/licenses/lic_%00', undefined, 400, 'VALIDATION_ERROR'],
  ['NUL in a query filter', 'GET', '/api/v1/licenses?email=a%00b', undefined, 400, 'VALIDATION_ERROR'],
  [
    'metadata nested 5,000 deep',
    'POST',
    '/api/v1/products',
    `{"name":"x","metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    400,
    'VALIDATION_ERROR',
  ],
  [
    'expires_at in year 0',
    'POST',
    '/api/v1/licenses',
    { product_id: 'PRODUCT', type: 'subscription', expires_at: '0000-01-01' },
    400,
    'VALIDATION_ERROR',
  ],
  [
    'max_activations 1e308',
    'POST',
    '/api/v1/licenses',
    { product_id: 'PRODUCT', type: 'perpetual', max_activations: 1e308 },
    400,
    'VALIDATION_ERROR',
  ],
];

describe('bad input', () => {
  it.each(cases())('%s → %i %s', async (name, method, path, body, status, code, auth = true) => {
    const resolved =
      typeof body === 'object' && body !== null
        ? JSON.parse(JSON.stringify(body).replace('"PRODUCT"', JSON.stringify(productId)))
        : body;
    const headers: Record<string, string> =
      name === 'malformed Authorization header' ? { authorization: 'Token abc' } : {};
    const res = await t.call(
      method,
      path.replace('LICENSE', licenseId),
      resolved,
      auth && !headers.authorization ? t.liveKey : null,
      headers,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toMatchObject({ code, help: '/docs#errors', error: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('ignores extra fields, because older clients send them', async () => {
    const res = await t.call(
      'POST',
      '/api/v1/validate',
      { key, sdk_version: '1.2.3', extra: { a: 1 } },
      null,
    );
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
  });

  it('lost nothing: the license is unchanged after the bad requests', async () => {
    const res = await t.call('GET', `/api/v1/licenses/${licenseId}`);
    expect(res.body.license).toMatchObject({ status: 'active', maxActivations: 1, activations: 0 });
    expect((await t.call('GET', '/api/v1/licenses')).body.pagination.total).toBe(1);
  });
});
