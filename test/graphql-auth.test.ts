// GraphQL authentication and authorisation codes, sessions, input validation and error masking,
// through app.fetch POST /graphql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import {
  CREATE_LICENSE,
  CREATE_PRODUCT,
  dataOf,
  errorCode,
  type Gql,
  gqlClient,
  newProduct as createProductVia,
  VALIDATE,
} from './helpers/graphql';

const OWNER = { email: 'owner@graphql.test', password: 'owner-password-1' };
let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password });
  gql = gqlClient(t);
});
afterAll(() => t.close());

const newProduct = () => createProductVia(gql, t.liveKey);
const validate = (key: string, extra: Record<string, unknown> = {}, auth: string | null = null) =>
  gql(VALIDATE, { input: { key, ...extra } }, auth);

describe('authentication and authorisation', () => {
  it('a portal query without a credential fails with AUTH_REQUIRED', async () => {
    const r = await gql(`{ licenses { totalCount } }`, {}, null);
    expect(r.status, r.trace).toBe(200);
    expect(errorCode(r), r.trace).toBe('AUTH_REQUIRED');
    const m = await gql(CREATE_PRODUCT, { input: { name: 'x' } }, null);
    expect(errorCode(m), m.trace).toBe('AUTH_REQUIRED');
    const viewer = await gql(`{ viewer { kind } }`, {}, null);
    expect(dataOf(viewer).viewer, viewer.trace).toBeNull();
  });

  it('an unknown or revoked API key fails with INVALID_API_KEY', async () => {
    const unknown = await gql(`{ viewer { kind } }`, {}, `to_live_${'x'.repeat(40)}`);
    expect(unknown.status, unknown.trace).toBe(401);
    expect(errorCode(unknown), unknown.trace).toBe('INVALID_API_KEY');

    const created = await gql(`mutation { createApiKey(input: { name: "CI" }) {
      __typename ... on CreateApiKeySuccess { secret apiKey { id prefix environment revokedAt } } } }`);
    const { secret, apiKey } = dataOf(created).createApiKey;
    expect(secret, created.trace).toMatch(/^to_live_[0-9A-Za-z]{32,}$/);
    expect(apiKey, created.trace).toMatchObject({
      environment: 'live',
      revokedAt: null,
      prefix: secret.slice(0, 12),
    });
    const works = await gql(`{ viewer { kind apiKeyId environment account { id } } }`, {}, secret);
    expect(dataOf(works).viewer, works.trace).toEqual({
      kind: 'api_key',
      apiKeyId: apiKey.id,
      environment: 'live',
      account: { id: t.accountId },
    });
    const listed = await gql(`{ apiKeys { nodes { id prefix } } }`);
    expect(JSON.stringify(dataOf(listed)), listed.trace).not.toContain(secret);

    const revoked = await gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on RevokeApiKeySuccess { apiKey { revokedAt } } } }`,
      { id: apiKey.id },
    );
    expect(dataOf(revoked).revokeApiKey.apiKey.revokedAt, revoked.trace).toBeTruthy();
    const after = await gql(`{ viewer { kind } }`, {}, secret);
    expect(after.status, after.trace).toBe(401);
    expect(errorCode(after), after.trace).toBe('INVALID_API_KEY');
    // A sent-but-bad credential fails public fields too, as in REST.
    const pub = await validate('AAAA-BBBB-CCCC-DDDD', {}, secret);
    expect(errorCode(pub), pub.trace).toBe('INVALID_API_KEY');
  });
});

describe('dashboard sessions', () => {
  it('a session cookie authenticates JSON requests, not ones a form could send cross-site', async () => {
    const login = await t.call('POST', '/api/v1/auth/login', OWNER, null);
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const cookie = `to_session=${login.body.token}`;
    const query = '{ viewer { kind } }';

    const json = await t.call('POST', '/graphql', { query }, null, { cookie });
    expect(json.body, JSON.stringify(json.body)).toEqual({ data: { viewer: { kind: 'user' } } });
    const bearer = await gql(query, {}, login.body.token);
    expect(dataOf(bearer).viewer, bearer.trace).toEqual({ kind: 'user' });

    const form = await t.call('POST', '/graphql', `query=${encodeURIComponent(query)}`, null, {
      cookie,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status, JSON.stringify(form.body)).toBeLessThan(500);
    expect(form.body?.data?.viewer ?? null, JSON.stringify(form.body)).toBeNull();
  });
});

describe('input validation', () => {
  it('bad input is a GraphQLError with VALIDATION_ERROR, never a 500', async () => {
    const product = await newProduct();
    const cases: [string, Record<string, unknown>][] = [
      [CREATE_LICENSE, { input: { productId: product.id, maxActivations: 0 } }],
      [CREATE_LICENSE, { input: { productId: product.id, email: 'not-an-email' } }],
      [CREATE_LICENSE, { input: { productId: product.id, type: 'lifetime' } }],
      [CREATE_LICENSE, { input: { productId: product.id, expiresAt: 'yesterday' } }],
      [CREATE_LICENSE, { input: { productId: product.id, maxActivations: 'two' } }],
      [CREATE_LICENSE, { input: {} }],
      [CREATE_PRODUCT, { input: { name: '' } }],
      [VALIDATE, { input: { key: '' } }],
      [`{ licenses(first: "x") { totalCount } }`, {}],
      [`{ nope }`, {}],
    ];
    for (const [query, variables] of cases) {
      const r = await gql(query, variables);
      expect(r.status, r.trace).toBeLessThan(500);
      expect(errorCode(r), r.trace).toBe('VALIDATION_ERROR');
    }
    const named = await gql(CREATE_LICENSE, { input: { productId: product.id, maxActivations: 0 } });
    expect(named.errors?.[0]?.message, named.trace).toContain('maxActivations');
  });
});

describe('key enumeration', () => {
  it('an IP trying unknown keys is refused with RATE_LIMITED, as in REST', async () => {
    const own = await makeApp();
    try {
      const ownGql = gqlClient(own);
      const codes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await ownGql(
          VALIDATE,
          { input: { key: `UNKN-OWN0-KEY0-${String(i).padStart(4, '0')}` } },
          null,
        );
        codes.push(r.data?.validateLicense?.code ?? errorCode(r));
      }
      expect(codes.slice(0, 3)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
      expect(codes.at(-1)).toBe('RATE_LIMITED');
    } finally {
      await own.close();
    }
  });
});

describe('unexpected errors', () => {
  it('are masked as INTERNAL_ERROR without details', async () => {
    const products = t.app.deps.prisma.product;
    const original = products.findMany.bind(products);
    products.findMany = (() => Promise.reject(new Error('secret internal detail'))) as never;
    try {
      const r = await gql(`{ products { nodes { id } } }`);
      expect(errorCode(r), r.trace).toBe('INTERNAL_ERROR');
      expect(JSON.stringify(r.body), r.trace).not.toContain('secret');
    } finally {
      products.findMany = original;
    }
  });
});

describe('GraphiQL', () => {
  it('is served on GET /graphql for a browser, with its assets inlined rather than from a CDN', async () => {
    const res = await t.app.fetch(
      new Request('http://test.local/graphql', { headers: { accept: 'text/html' } }),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(html).not.toContain('unpkg.com');
  });
});
