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
function nested(levels: number): string {
  const path = ['licenses', 'nodes', 'product'];
  const fields = Array.from({ length: levels - 1 }, (_, i) => path[i % 3]!);
  let q = fields.at(-1) === 'licenses' ? 'totalCount' : 'id';
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

    // Twelve levels are fine (and union fragments don't count as a level).
    const ok = await gql(nested(12));
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
      maxTokens: 700,
      maxDirectives: 3,
    });
    expect(() => loadConfig({ TO_GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/TO_GRAPHQL_MAX_DEPTH/);
  });
});
