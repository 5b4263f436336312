// Entitlements through GraphQL (PRODUCT.md §15: "GraphQL has the same fields and mutations"):
// create, attach to a product and to a license, the license's effective set sorted, the typed
// results (EntitlementInheritedError for a code the product grants, NotFoundError for an unknown
// code), and detach of a license's own code. The same rules as REST (test/entitlements.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, gqlClient, newLicense } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

const CREATE = `mutation($input: CreateEntitlementInput!) { createEntitlement(input: $input) {
  __typename ... on CreateEntitlementSuccess { entitlement { id code name } } ... on DomainError { code message } } }`;
const ATTACH_PRODUCT = `mutation($productId: ID!, $codes: [String!]!) {
  attachProductEntitlements(productId: $productId, codes: $codes) {
    __typename ... on AttachProductEntitlementsSuccess { product { id entitlements } }
    ... on DomainError { code message } } }`;
const ATTACH_LICENSE = `mutation($licenseId: ID!, $codes: [String!]!) {
  attachLicenseEntitlements(licenseId: $licenseId, codes: $codes) {
    __typename ... on AttachLicenseEntitlementsSuccess { license { id entitlements } }
    ... on DomainError { code message } } }`;
const DETACH_LICENSE = `mutation($licenseId: ID!, $code: String!) {
  detachLicenseEntitlement(licenseId: $licenseId, code: $code) {
    __typename ... on DetachLicenseEntitlementSuccess { license { id entitlements } }
    ... on DomainError { code message } } }`;
const LICENSE = `query($id: ID!) { license(id: $id) { id entitlements } }`;

async function entitlement(code: string, name?: string) {
  const r = await gql(CREATE, { input: { code, ...(name ? { name } : {}) } });
  const out = dataOf(r).createEntitlement;
  expect(out.__typename, r.trace).toBe('CreateEntitlementSuccess');
  return out.entitlement as { id: string; code: string; name: string | null };
}

describe('entitlement mutations', () => {
  it('create, attach to product and license, sorted effective set, typed detach results', async () => {
    const made = await entitlement('sso', 'Single sign-on');
    expect(made).toMatchObject({ code: 'sso', name: 'Single sign-on' });
    expect(made.id).toMatch(/^ent_/);
    await entitlement('Export');
    await entitlement('api.access');
    // The same code in another case is taken: a typed ConflictError, not a GraphQL error.
    const dup = dataOf(await gql(CREATE, { input: { code: 'SSO' } })).createEntitlement;
    expect(dup).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    // A code outside the allowed characters is an input error, as on REST (400 VALIDATION_ERROR).
    const bad = await gql(CREATE, { input: { code: 'no spaces' } });
    expect(errorCode(bad), bad.trace).toBe('VALIDATION_ERROR');

    const license = await newLicense(gql);
    const onProduct = await gql(ATTACH_PRODUCT, { productId: license.product.id, codes: ['sso', 'EXPORT'] });
    expect(dataOf(onProduct).attachProductEntitlements, onProduct.trace).toEqual({
      __typename: 'AttachProductEntitlementsSuccess',
      product: { id: license.product.id, entitlements: ['Export', 'sso'] },
    });
    const onLicense = await gql(ATTACH_LICENSE, { licenseId: license.id, codes: ['api.access'] });
    // The effective set: the product's plus the license's own, sorted by code point.
    expect(dataOf(onLicense).attachLicenseEntitlements, onLicense.trace).toEqual({
      __typename: 'AttachLicenseEntitlementsSuccess',
      license: { id: license.id, entitlements: ['Export', 'api.access', 'sso'] },
    });
    expect(dataOf(await gql(LICENSE, { id: license.id })).license.entitlements).toEqual([
      'Export',
      'api.access',
      'sso',
    ]);
    // An unknown code: NotFoundError, and nothing attached.
    const unknown = dataOf(
      await gql(ATTACH_LICENSE, { licenseId: license.id, codes: ['nope'] }),
    ).attachLicenseEntitlements;
    expect(unknown).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });

    // Detaching from the license a code its product grants is the typed ENTITLEMENT_INHERITED.
    const inherited = await gql(DETACH_LICENSE, { licenseId: license.id, code: 'SSO' });
    expect(dataOf(inherited).detachLicenseEntitlement, inherited.trace).toMatchObject({
      __typename: 'EntitlementInheritedError',
      code: 'ENTITLEMENT_INHERITED',
    });
    expect(dataOf(await gql(LICENSE, { id: license.id })).license.entitlements).toEqual([
      'Export',
      'api.access',
      'sso',
    ]);
    // The license's own code detaches.
    const own = await gql(DETACH_LICENSE, { licenseId: license.id, code: 'API.ACCESS' });
    expect(dataOf(own).detachLicenseEntitlement, own.trace).toEqual({
      __typename: 'DetachLicenseEntitlementSuccess',
      license: { id: license.id, entitlements: ['Export', 'sso'] },
    });
    // Validate sees the same set: what was detached is now missing.
    const v = await t.call('POST', '/api/v1/validate', {
      license_key: license.key,
      entitlements: ['sso', 'api.access'],
    });
    expect(v.body).toMatchObject({ valid: false, code: 'ENTITLEMENTS_MISSING' });
  });
});
