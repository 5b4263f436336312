// `platforms` on products come from a documented set (windows, mac, linux, web, ios, android), on
// both doors; anything else is a VALIDATION_ERROR that names the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, gqlClient } from './helpers/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('product platforms', () => {
  it('REST: the documented set, case-insensitive, stored lower-case and once each', async () => {
    const r = await t.call('POST', '/api/v1/products', {
      name: 'Everywhere',
      platforms: ['Windows', 'mac', 'linux', 'web', 'iOS', 'android', 'MAC'],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.product.platforms).toEqual(['windows', 'mac', 'linux', 'web', 'ios', 'android']);
    const none = await t.call('POST', '/api/v1/products', { name: 'Nowhere', platforms: [] });
    expect(none.body.product.platforms).toEqual([]);
  });

  it('REST: anything else is 400 VALIDATION_ERROR naming the field, on create and on update', async () => {
    const bad = await t.call('POST', '/api/v1/products', { name: 'Retro', platforms: ['linux', 'amiga'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_ERROR', help: '/docs#errors' });
    expect(bad.body.error).toContain('platforms.1');
    expect(bad.body.error).toContain('windows, mac, linux, web, ios, android');

    const ok = await t.call('POST', '/api/v1/products', { name: 'Fine', platforms: ['linux'] });
    const id = ok.body.product.id;
    const patch = await t.call('PATCH', `/api/v1/products/${id}`, { platforms: ['macos'] });
    expect(patch.status).toBe(400);
    expect(patch.body.code).toBe('VALIDATION_ERROR');
    expect(patch.body.error).toContain('platforms.0');
    expect((await t.call('GET', `/api/v1/products/${id}`)).body.product.platforms).toEqual(['linux']);
    const notAList = await t.call('POST', '/api/v1/products', { name: 'Odd', platforms: 'linux' });
    expect(notAList.status).toBe(400);
    expect(notAList.body.error).toContain('platforms');
  });

  it('GraphQL: the same set, and the same VALIDATION_ERROR naming the field', async () => {
    const gql = gqlClient(t);
    const create = `mutation($input: CreateProductInput!) {
      createProduct(input: $input) {
        __typename
        ... on CreateProductSuccess { product { id platforms } }
      }
    }`;
    const ok = await gql(create, { input: { name: 'GQL', platforms: ['WEB', 'android'] } });
    expect(dataOf(ok).createProduct.product.platforms, ok.trace).toEqual(['web', 'android']);
    const bad = await gql(create, { input: { name: 'GQL bad', platforms: ['beos'] } });
    expect(errorCode(bad), bad.trace).toBe('VALIDATION_ERROR');
    expect(bad.errors![0]!.message).toContain('platforms.0');
    const update = await gql(
      `mutation($id: ID!, $input: UpdateProductInput!) {
        updateProduct(id: $id, input: $input) { __typename }
      }`,
      { id: dataOf(ok).createProduct.product.id, input: { platforms: ['symbian'] } },
    );
    expect(errorCode(update), update.trace).toBe('VALIDATION_ERROR');
  });
});
