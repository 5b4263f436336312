// No N+1: a page of licenses with product, customer and activations costs a small, fixed number of
// SQL statements (counted by Prisma's query event), the same for 10 rows as for 100.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCallerFor, systemCaller, type Tenant } from '../src/lib/principal';
import { activateLicense } from '../src/licensing/activations.service';
import { createLicense } from '../src/licensing/licenses.service';
import { createProduct } from '../src/products/products.service';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, type Gql, gqlClient } from './helpers/graphql';

const LICENSES = 100;
const MAX_QUERIES = 8;

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
  const deps = t.app.deps;
  const tenant: Tenant = { accountId: t.accountId, environment: 'live' };
  const caller = systemCaller(tenant);
  // Services directly, for speed: the GraphQL read path is what is measured.
  const products = [
    await createProduct(deps, caller, { name: 'Desktop' }),
    await createProduct(deps, caller, { name: 'Mobile' }),
  ];
  for (let i = 0; i < LICENSES; i++) {
    const license = await createLicense(deps, caller, {
      productId: products[i % 2]!.id,
      type: 'perpetual',
      maxActivations: 2,
      email: `buyer${i}@example.com`,
    });
    for (let m = 0; m < 1 + (i % 2); m++) {
      await activateLicense(deps, keyCallerFor(tenant), { key: license.key, machineId: `device-${i}-${m}` });
    }
  }
  await deps.usage.flush();
}, 180_000);
afterAll(() => t.close());

const PAGE = `query($first: Int!) {
  licenses(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id key status email activationCount
        product { id name }
        customer { id email }
        activations { id machineId createdAt }
      }
    }
  }
}`;

/** SQL statements one request costs (background usage writes are flushed first). */
async function measure(first: number) {
  await t.app.deps.usage.flush();
  const before = t.app.deps.database.queryCount();
  const r = await gql(PAGE, { first });
  const queries = t.app.deps.database.queryCount() - before;
  return { r, queries };
}

describe('licenses connection', () => {
  it(`loads ${LICENSES} licenses with product, customer and activations in ≤ ${MAX_QUERIES} queries`, async () => {
    await measure(1); // warm the API key cache so authentication is not counted

    const small = await measure(10);
    const large = await measure(LICENSES);
    const page = dataOf(large.r).licenses;
    expect(page.totalCount, large.r.trace).toBe(LICENSES);
    expect(page.edges, large.r.trace).toHaveLength(LICENSES);
    for (const { node } of page.edges) {
      expect(node.product.name).toMatch(/^(Desktop|Mobile)$/);
      expect(node.customer.email).toBe(node.email);
      expect(node.activations.length).toBe(node.activationCount);
      expect(node.activations.length).toBeGreaterThanOrEqual(1);
    }
    expect(dataOf(small.r).licenses.edges).toHaveLength(10);

    console.info(`licenses page: ${small.queries} SQL queries for 10 rows, ${large.queries} for ${LICENSES}`);
    expect(large.queries, `SQL statements for a page of ${LICENSES}`).toBeLessThanOrEqual(MAX_QUERIES);
    expect(large.queries, 'the query count must not grow with the page size').toBe(small.queries);
  });

  it('pages with cursors, newest first, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await gql(
        `query($after: String) { licenses(first: 30, after: $after) { pageInfo { hasNextPage endCursor } nodes { id createdAt } } }`,
        { after },
      );
      const { pageInfo, nodes } = dataOf(r).licenses;
      seen.push(...nodes.map((n: { id: string }) => n.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(LICENSES);
    expect(new Set(seen).size).toBe(LICENSES);
  });
});
