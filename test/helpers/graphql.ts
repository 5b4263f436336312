// GraphQL over the real door (app.fetch POST /graphql). Every response carries `trace`: the
// operation, its variables and the response, so a failing assertion shows what was asked and answered.
import type { TestApp } from './app';

export interface GqlResponse {
  status: number;
  data: any;
  errors: { message: string; extensions?: { code?: string } }[] | undefined;
  body: any;
  /** The operation, variables and response, for assertion messages: `expect(x, r.trace)`. */
  trace: string;
}

export type Gql = (
  query: string,
  variables?: Record<string, unknown>,
  key?: string | null,
) => Promise<GqlResponse>;

/** A client for `t`; `key` defaults to the live key, null sends no Authorization header. */
export function gqlClient(t: TestApp): Gql {
  return async (query, variables = {}, key = t.liveKey) => {
    const res = await t.call('POST', '/graphql', { query, variables }, key);
    const body = res.body;
    const trace = [
      '--- operation',
      query.trim(),
      '--- variables',
      JSON.stringify(variables),
      `--- response (HTTP ${res.status})`,
      typeof body === 'string' ? body : JSON.stringify(body, null, 2),
    ].join('\n');
    return { status: res.status, data: body?.data, errors: body?.errors, body, trace };
  };
}

/** The first error's extensions.code. */
export const errorCode = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;

/** Asserts there were no errors and returns `data`, naming the operation and response if there were. */
export function dataOf(r: GqlResponse): any {
  if (r.errors?.length || r.status !== 200 || !r.data) throw new Error(`GraphQL request failed\n${r.trace}`);
  return r.data;
}

// Operations shared by the GraphQL tests.
export const CREATE_PRODUCT = `mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    __typename
    ... on CreateProductSuccess { product { id name } }
    ... on DomainError { code message }
  }
}`;
export const CREATE_LICENSE = `mutation($input: CreateLicenseInput!) {
  createLicense(input: $input) {
    __typename
    ... on CreateLicenseSuccess { license { id key type status maxActivations activationCount email product { id } } }
    ... on DomainError { code message }
  }
}`;
export const VALIDATE = `mutation($input: ValidateLicenseInput!) {
  validateLicense(input: $input) { valid code validatedAt license { id status } }
}`;
export const ACTIVATE = `mutation($input: ActivateLicenseInput!) {
  activateLicense(input: $input) {
    __typename
    ... on ActivateLicenseSuccess { created activation { id machineId } license { id activationCount } }
    ... on DomainError { code message }
  }
}`;
export const DEACTIVATE = `mutation($input: LicenseDeviceInput!) {
  deactivateLicense(input: $input) {
    __typename
    ... on DeactivateLicenseSuccess { activation { machineId } license { activationCount } }
    ... on DomainError { code message }
  }
}`;
export const TRANSITION = (name: string) => `mutation($id: ID!) {
  ${name}(id: $id) {
    __typename
    ... on ${name[0]!.toUpperCase()}${name.slice(1)}Success { license { id status } }
    ... on DomainError { code message }
  }
}`;

/** Creates a product through GraphQL (fails with the trace otherwise). */
export async function newProduct(gql: Gql, key?: string | null): Promise<{ id: string; name: string }> {
  const r = await gql(CREATE_PRODUCT, { input: { name: 'GraphQL App' } }, key);
  if (dataOf(r).createProduct.__typename !== 'CreateProductSuccess')
    throw new Error(`createProduct failed\n${r.trace}`);
  return r.data.createProduct.product;
}

/** Creates a product and a license on it through GraphQL. */
export async function newLicense(
  gql: Gql,
  input: Record<string, unknown> = {},
  key?: string | null,
): Promise<{ id: string; key: string; product: { id: string } }> {
  const product = await newProduct(gql, key);
  const r = await gql(CREATE_LICENSE, { input: { productId: product.id, type: 'perpetual', ...input } }, key);
  if (dataOf(r).createLicense.__typename !== 'CreateLicenseSuccess')
    throw new Error(`createLicense failed\n${r.trace}`);
  return r.data.createLicense.license;
}
