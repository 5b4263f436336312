// Abusive GraphQL documents are refused before anything runs (graphql-armor: depth, aliases, cost,
// tokens, directives), with a clear message and extensions.code; ordinary dashboard queries pass;
// introspection can be switched off (it is off by default in production).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, testConfig } from '../src/config';
import { getIntrospectionQuery } from '../src/graphql/graphql-js';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, type GqlResponse, gqlClient, newLicense } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

/** Refused as a whole, nothing executed: no data, and an error with this code and message (a
 * document over several limits gets one error for each). */
function expectRefused(r: GqlResponse, code: string, message: RegExp) {
  expect(r.data ?? null, r.trace).toBeNull();
  expect(r.status, r.trace).toBe(200);
  const error = r.errors?.find((e) => e.extensions?.code === code);
  expect(error?.message, r.trace).toMatch(message);
}

/** licenses → nodes → product → licenses → …, `levels` selections deep (the leaf included). */
function nested(levels: number, page = ''): string {
  const path = [`licenses${page}`, 'nodes', 'product'];
  const fields = Array.from({ length: levels - 1 }, (_, i) => path[i % 3]!);
  let q = fields.at(-1)?.startsWith('licenses') ? 'totalCount' : 'id';
  for (const f of fields.reverse()) q = `${f} { ${q} }`;
  return `{ ${q} }`;
}

describe('document limits', () => {
  it('refuses a query 20 levels deep with QUERY_TOO_DEEP', async () => {
    const r = await gql(nested(20));
    expectRefused(r, 'QUERY_TOO_DEEP', /^Query depth limit of 12 exceeded, found 20\.$/);

    let type = 'name';
    for (let i = 0; i < 19; i++) type = `ofType { ${type} }`;
    const intro = await gql(`{ __type(name: "License") { ${type} } }`);
    expectRefused(intro, 'QUERY_TOO_DEEP', /depth limit of 12/);

    // Twelve levels are fine (and union fragments don't count as a level), with pages small enough
    // for the object count (at the default page of 20 these four license lists are 160,000).
    const ok = await gql(nested(12, '(first: 1)'));
    expect(ok.errors, ok.trace).toBeUndefined();
  });

  it('refuses 1,000 aliases with TOO_MANY_ALIASES', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: kind`).join(' ');
    const r = await gql(`{ viewer { ${aliases} } }`);
    expectRefused(r, 'TOO_MANY_ALIASES', /^Aliases limit of 30 exceeded, found 1000\.$/);
  });

  it('refuses a costly query with QUERY_TOO_COMPLEX', async () => {
    const r = await gql(
      `{ licenses(first: 100) { nodes { product { licenses(first: 100) { nodes { id key } } } } } }`,
    );
    expectRefused(r, 'QUERY_TOO_COMPLEX', /^Query Cost limit of 5000 exceeded, found \d+\.$/);
  });

  it('refuses an oversized document with TOO_MANY_TOKENS, and too many directives', async () => {
    const r = await gql(`{ viewer { ${'kind '.repeat(6000)}} }`);
    expectRefused(r, 'TOO_MANY_TOKENS', /^Token limit of 5000 exceeded\.$/);

    const d = await gql(`{ viewer { ${'kind @include(if: true) '.repeat(60)}} }`);
    expectRefused(d, 'TOO_MANY_DIRECTIVES', /Directives limit of 50 exceeded, found 60/);
  });

  it('runs an ordinary dashboard query and the GraphiQL introspection query', async () => {
    const license = await newLicense(gql, { email: 'dash@example.com' });
    const r = await gql(`query Dashboard {
      viewer { kind environment account { id name plan } }
      products(first: 20) { totalCount nodes { id name createdAt } }
      licenses(first: 25) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            id key status type email activationCount maxActivations expiresAt
            product { id name }
            customer { id email }
            activations { id machineId createdAt }
          }
        }
      }
      events(first: 10) { nodes { id type createdAt license { id key } } }
    }`);
    const data = dataOf(r);
    expect(
      data.licenses.edges.map((e: { node: { id: string } }) => e.node.id),
      r.trace,
    ).toContain(license.id);

    const intro = await gql(getIntrospectionQuery());
    expect(dataOf(intro).__schema.queryType.name, intro.trace).toBe('Query');
  });
});

/** `levels` nested `licenses(first: $n) → nodes → product` steps, ending in `licenses { nodes { id } }`. */
function nestedPages(levels: number): string {
  let q = 'licenses(first: $n) { nodes { id } }';
  for (let i = 1; i < levels; i++) q = `licenses(first: $n) { nodes { product { ${q} } } }`;
  return `query Nested($n: Int) { ${q} }`;
}

describe('cost with the variables (issue 10, hole 4)', () => {
  it('refuses 4 nested licenses → product → licenses levels at first: $n = 20 (160,000 objects), 400 QUERY_TOO_COMPLEX', async () => {
    const doc = nestedPages(4);
    const r = await gql(doc, { n: 20 });
    expect(r.status, r.trace).toBe(400);
    expect(r.data ?? null, r.trace).toBeNull();
    expect(errorCode(r), r.trace).toBe('QUERY_TOO_COMPLEX');
    expect(r.errors?.[0]?.message, r.trace).toMatch(/more than 50000 objects/);
    // The same through yoga's own door (GET), where the variables come in the URL.
    const url = `/graphql?query=${encodeURIComponent(doc)}&variables=${encodeURIComponent('{"n":20}')}`;
    const get = await t.call('GET', url);
    expect(get.status, JSON.stringify(get.body)).toBe(400);
    expect(get.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    // A page size over the cap counts as the cap (100), not less; without `first`, the default (20).
    expect(errorCode(await gql(nestedPages(3), { n: 1000 }))).toBe('QUERY_TOO_COMPLEX');
    const unpaged = nestedPages(4).replaceAll('(first: $n)', '').replace('($n: Int)', '');
    expect(errorCode(await gql(unpaged, {}))).toBe('QUERY_TOO_COMPLEX');
    // Small pages of the same shape run: 4 levels at n = 5 is 625 licenses at most.
    const small = await gql(doc, { n: 5 });
    expect(small.status, small.trace).toBe(200);
    expect(dataOf(small).licenses.nodes).toBeInstanceOf(Array);
    // Three levels at 20 (8,000) and one page of 100 with its devices pass.
    expect((await gql(nestedPages(3), { n: 20 })).errors).toBeUndefined();
    const page = await gql(
      `query($n: Int) { licenses(first: $n) { nodes { id product { name } customer { email } activations { id } } } }`,
      { n: 100 },
    );
    expect(page.errors, page.trace).toBeUndefined();
  });

  it('counts fragments and a variable default too', async () => {
    // 3 levels at the variable's default of 40: 64,000 licenses.
    const doc = `query($n: Int = 40) { ...L }
      fragment L on Query { licenses(first: $n) { edges { node { product { ...P } } } } }
      fragment P on Product { licenses(first: $n) { nodes { product { licenses(last: $n) { totalCount nodes { id } } } } } }`;
    expect(errorCode(await gql(doc, {}))).toBe('QUERY_TOO_COMPLEX');
    expect((await gql(doc, { n: 3 })).errors).toBeUndefined();
  });
});

describe('production (issue 10, hole 9)', () => {
  let prod: TestApp;
  let prodGql: Gql;
  beforeAll(async () => {
    // The configuration the app gets from NODE_ENV=production, not hand-picked limits.
    const fromEnv = loadConfig({ NODE_ENV: 'production' });
    prod = await makeApp({ env: 'production', graphql: fromEnv.graphql });
    prodGql = gqlClient(prod);
  });
  afterAll(() => prod.close());

  it('gives no "Did you mean" suggestions for fields, arguments or enum values', async () => {
    const cases = [
      [`{ licences { totalCount } }`, {}],
      [`{ licenses(frist: 2) { totalCount } }`, {}],
      [`{ licenses(filter: { status: activ }) { totalCount } }`, {}],
      [`query($s: LicenseStatus) { licenses(filter: { status: $s }) { totalCount } }`, { s: 'activ' }],
      [
        `mutation($i: CreateApiKeyInput) { createApiKey(input: $i) { __typename } }`,
        { i: { environment: 'liv' } },
      ],
    ] as const;
    for (const [doc, vars] of cases) {
      const r = await prodGql(doc, vars, prod.liveKey);
      expect(errorCode(r), r.trace).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(r.body), r.trace).not.toMatch(/Did you mean/i);
    }
  });
});

describe('configuration', () => {
  let strict: TestApp;
  let strictGql: Gql;
  beforeAll(async () => {
    strict = await makeApp({
      graphql: { ...testConfig().graphql, introspection: false, maxDepth: 4, maxAliases: 2 },
    });
    strictGql = gqlClient(strict);
  });
  afterAll(() => strict.close());

  it('switches introspection off, and with it field suggestions', async () => {
    const schema = await strictGql(`{ __schema { types { name } } }`);
    expectRefused(schema, 'VALIDATION_ERROR', /introspection has been disabled/);
    const type = await strictGql(`{ __type(name: "License") { name } }`);
    expectRefused(type, 'VALIDATION_ERROR', /introspection has been disabled/);
    const typename = await strictGql(`{ __typename viewer { __typename kind } }`);
    expect(dataOf(typename), typename.trace).toEqual({
      __typename: 'Query',
      viewer: { __typename: 'Viewer', kind: 'api_key' },
    });
    const typo = await strictGql(`{ licences { totalCount } }`);
    expect(errorCode(typo), typo.trace).toBe('VALIDATION_ERROR');
    expect(typo.errors?.[0]?.message, typo.trace).not.toMatch(/Did you mean/);
  });

  it('takes its limits from the config', async () => {
    expectRefused(await strictGql(nested(5)), 'QUERY_TOO_DEEP', /depth limit of 4 exceeded, found 5/);
    expect((await strictGql(nested(4))).errors).toBeUndefined();
    expectRefused(
      await strictGql(`{ viewer { a: kind b: kind c: kind } }`),
      'TOO_MANY_ALIASES',
      /Aliases limit of 2 exceeded, found 3/,
    );
  });

  it('answers a document seen before as it did the first time (parse and validation are kept per text)', async () => {
    // The HTTP door keeps each query text's parse and validation outcome (graphql-http.ts): a refusal
    // must come back every time, and a kept document must still run with each request's own variables.
    for (let i = 0; i < 3; i++) {
      expectRefused(await strictGql(nested(5)), 'QUERY_TOO_DEEP', /depth limit of 4 exceeded, found 5/);
      expectRefused(
        await strictGql(`{ __schema { queryType { name } } }`),
        'VALIDATION_ERROR',
        /introspection/,
      );
      const typo = await strictGql(`{ licences { totalCount } }`);
      expect(errorCode(typo), typo.trace).toBe('VALIDATION_ERROR');
    }
    const doc = `query($n: Int) { licenses(first: $n) { nodes { id } } }`;
    const first = await strictGql(doc, { n: 1 });
    expect(first.errors, first.trace).toBeUndefined();
    const refused = await strictGql(doc, { n: 'many' });
    expect(errorCode(refused), refused.trace).toBe('VALIDATION_ERROR');
    expect((await strictGql(doc, { n: 2 })).errors).toBeUndefined();
  });

  it('reads TO_GRAPHQL_* from the environment; introspection defaults to off in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).graphql.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).graphql.introspection).toBe(true);
    const c = loadConfig({
      NODE_ENV: 'production',
      TO_GRAPHQL_INTROSPECTION: 'true',
      TO_GRAPHQL_MAX_DEPTH: '8',
      TO_GRAPHQL_MAX_ALIASES: '5',
      TO_GRAPHQL_MAX_COST: '900',
      TO_GRAPHQL_MAX_TOKENS: '700',
      TO_GRAPHQL_MAX_DIRECTIVES: '3',
    }).graphql;
    expect(c).toEqual({
      introspection: true,
      maxDepth: 8,
      maxAliases: 5,
      maxCost: 900,
      maxNodes: 50_000,
      maxTokens: 700,
      maxDirectives: 3,
    });
    expect(() => loadConfig({ TO_GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/TO_GRAPHQL_MAX_DEPTH/);
  });
});
