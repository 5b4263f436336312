// The GraphQL the dashboard reads, as every client gets it: one connection type per node type,
// shared by every list of it; search and sorting of licenses; the licenses' stats and each day's
// failures by code; and an Overview request whose SQL statement count does not grow with the data.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from '../src/graphql/graphql-js';
import { LicensesDocument, type LicensesQuery, OverviewDocument } from '../src/dashboard/gql/graphql';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, type Gql, gqlClient, newProduct } from './helpers/graphql';
import { seedLicenses } from './helpers/seed';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

async function exec<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  return dataOf(await gql(print(doc), variables as Record<string, unknown>)) as R;
}

const DAY = 86_400_000;
const overviewVars = () => {
  const now = Date.now();
  return {
    from: new Date(now - 30 * DAY).toISOString(),
    to: new Date(now).toISOString(),
    soon: new Date(now + 30 * DAY).toISOString(),
  };
};

describe('connections', () => {
  it("every list of a node type returns that type's one connection (LicenseConnection, LicenseEdge)", async () => {
    const r = dataOf(
      await gql(
        `{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }`,
      ),
    );
    const types: { name: string; fields: { name: string; type: any }[] | null }[] = r.__schema.types;
    const returns = (type: string, field: string) =>
      types.find((x) => x.name === type)!.fields!.find((f) => f.name === field)!.type.ofType.name;
    expect(returns('Query', 'licenses')).toBe('LicenseConnection');
    expect(returns('Product', 'licenses')).toBe('LicenseConnection');
    expect(returns('Customer', 'licenses')).toBe('LicenseConnection');
    expect(returns('WebhookEndpoint', 'deliveries')).toBe('WebhookDeliveryConnection');
    const connections = types.filter((x) => x.name.endsWith('Connection')).map((x) => x.name);
    // One per node type, each named after it, each with a totalCount and edges of `<Type>Edge`.
    for (const name of connections) {
      const node = name.replace(/Connection$/, '');
      const fields = types.find((x) => x.name === name)!.fields!;
      expect(fields.map((f) => f.name).sort(), name).toEqual(['edges', 'nodes', 'pageInfo', 'totalCount']);
      expect(fields.find((f) => f.name === 'edges')!.type.ofType.ofType.ofType.name, name).toBe(
        `${node}Edge`,
      );
    }
    expect(connections.sort()).toEqual(
      [
        'Account',
        'Activation',
        'ApiKey',
        'AuditEntry',
        'CustomDomain',
        'Customer',
        'EmailMessage',
        'Entitlement',
        'Event',
        'License',
        'Product',
        'User',
        'WebhookDelivery',
        'WebhookEndpoint',
      ].map((n) => `${n}Connection`),
    );
  });
});

describe('licenses: search, sorting, stats', () => {
  let productId: string;
  beforeAll(async () => {
    productId = (await newProduct(gql)).id;
    await seedLicenses(
      t.app,
      { accountId: t.accountId, environment: 'live' },
      { productId, count: 60, tag: 'a' },
    );
  });

  it('finds licenses by part of the key or of the customer email, any case', async () => {
    const byKey = await exec(LicensesDocument, { first: 5, search: 'seed-a-00004' });
    expect(byKey.licenses.totalCount).toBe(10); // 000040 … 000049
    expect(byKey.licenses.nodes.every((l) => l.key.startsWith('SEED-A-00004'))).toBe(true);
    const byEmail = await exec(LicensesDocument, { first: 5, search: 'BUYER-a-7@' });
    expect(byEmail.licenses.totalCount).toBe(1);
    expect(byEmail.licenses.nodes[0]!.email).toBe('buyer-a-7@example.com');
    const product = dataOf(
      await gql(
        `query($id: ID!) { product(id: $id) { licenses(first: 1, search: "a-000059") { totalCount nodes { key } } } }`,
        { id: productId },
      ),
    );
    expect(product.product.licenses).toEqual({ totalCount: 1, nodes: [{ key: 'SEED-A-000059' }] });
  });

  it('pages through a sort on a nullable field with cursors: no gaps, no repeats, nulls last', async () => {
    const seen: { id: string; expiresAt: string | null }[] = [];
    let after: string | null | undefined = null;
    let cursorAt = -1; // the index in `seen` of the node `after` points at
    for (let i = 0; i < 20; i++) {
      const r: LicensesQuery = await exec(LicensesDocument, {
        first: 7,
        after,
        filter: { productId },
        orderBy: { field: 'EXPIRES_AT', direction: 'ASC' },
      });
      seen.push(...r.licenses.nodes);
      if (!r.licenses.pageInfo.hasNextPage) break;
      cursorAt = seen.length - 1;
      after = r.licenses.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((l) => l.id)).size).toBe(60);
    const dated = seen.filter((l) => l.expiresAt).map((l) => l.expiresAt!);
    expect(dated).toHaveLength(20);
    expect(dated).toEqual([...dated].sort());
    expect(seen.slice(0, 20).every((l) => l.expiresAt)).toBe(true); // then the 40 without expiry

    const back = await exec(LicensesDocument, {
      last: 7,
      before: after,
      filter: { productId },
      orderBy: { field: 'EXPIRES_AT', direction: 'ASC' },
    });
    expect(back.licenses.nodes.map((l) => l.id)).toEqual(seen.slice(cursorAt - 7, cursorAt).map((l) => l.id));
  });

  it('sorts by key both ways', async () => {
    const asc = await exec(LicensesDocument, {
      first: 3,
      filter: { productId },
      orderBy: { field: 'KEY', direction: 'ASC' },
    });
    expect(asc.licenses.nodes.map((l) => l.key)).toEqual(['SEED-A-000001', 'SEED-A-000002', 'SEED-A-000003']);
    const desc = await exec(LicensesDocument, {
      first: 1,
      filter: { productId },
      orderBy: { field: 'KEY', direction: 'DESC' },
    });
    expect(desc.licenses.nodes[0]!.key).toBe('SEED-A-000060');
  });

  it("the Overview reads the stats by effective status, each day's failures by code, and what expires soon", async () => {
    const o = await exec(OverviewDocument, overviewVars());
    // 60 seeded: every 17th suspended (3), every 29th revoked (2, none also a 17th); of the active
    // subscriptions (i % 3 = 0) those with (i % 90) < 20 have expired.
    const count = Object.fromEntries(o.licenseStats.byStatus.map((s) => [s.status, s.count]));
    expect(o.licenseStats.total).toBe(60);
    expect(count.suspended).toBe(3);
    expect(count.revoked).toBe(2);
    expect(count.active + count.expired).toBe(55);
    expect(count.expired).toBeGreaterThan(0);
    expect(o.licenseStats.activeDevices).toBe(
      Array.from({ length: 60 }, (_, i) => (i + 1) % 3).reduce((a, b) => a + b),
    );
    const failures = o.usageAnalytics.series.flatMap((b) => b.byCode.filter((c) => !c.success));
    expect(new Set(failures.map((c) => c.code))).toEqual(new Set(['SUSPENDED', 'EXPIRED', 'NOT_ACTIVATED']));
    for (const b of o.usageAnalytics.series) {
      expect(b.byCode.reduce((n, c) => n + c.count, 0)).toBe(b.total);
      expect(b.byCode.filter((c) => !c.success).reduce((n, c) => n + c.count, 0)).toBe(b.failure);
    }
    const soon = o.expiring.nodes.map((l) => l.expiresAt!);
    expect(soon).toEqual([...soon].sort());
    for (const at of soon) expect(Date.parse(at)).toBeGreaterThan(Date.now() - 60_000);
    expect(o.expiring.totalCount).toBeGreaterThan(0);
    expect(o.events.nodes[0]).toMatchObject({ type: 'LICENSE_CREATED', product: { id: productId } });
  });
});

describe('the Overview request', () => {
  it('costs the same number of SQL statements at 100 and at 10,000 licenses', async () => {
    const app = await makeApp();
    try {
      const g = gqlClient(app);
      const productId = (await newProduct(g)).id;
      const tenant = { accountId: app.accountId, environment: 'live' as const };
      const measure = async () => {
        // Authentication is not the Overview's cost: warm the API key cache (its TTL is 5 s, and
        // seeding 10,000 licenses can take longer) right before the measured request.
        await g('{ viewer { kind } }');
        await app.app.deps.usage.flush();
        const before = app.app.deps.database.queryCount();
        const r = await g(print(OverviewDocument), overviewVars());
        const statements = app.app.deps.database.queryCount() - before;
        return { total: dataOf(r).licenseStats.total as number, statements };
      };
      await seedLicenses(app.app, tenant, { productId, count: 100, tag: 'small' });
      const small = await measure();
      await seedLicenses(app.app, tenant, { productId, count: 9_900, tag: 'large' });
      const large = await measure();
      console.info(
        `Overview: ${small.statements} SQL statements at 100 licenses, ${large.statements} at 10,000`,
      );
      expect(small.total).toBe(100);
      expect(large.total).toBe(10_000);
      expect(large.statements).toBe(small.statements);
      expect(large.statements).toBeLessThanOrEqual(12);
    } finally {
      await app.close();
    }
  }, 300_000);
});
