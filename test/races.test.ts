// Check-then-insert races: concurrent requests that meet at a unique or foreign key get a 409 or a
// 404 that says what happened, or an upsert that just works, never a 500. PostgreSQL is where the
// races bite (PGlite runs one transaction at a time): run this file with DATABASE_URL too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbErrorToAppError } from '../src/db/errors';
import { makeApp, type TestApp, usingPostgres } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const at = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)));
const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();

async function product(name = 'Race Product') {
  const p = await t.call('POST', '/api/v1/products', { name });
  expect(p.status).toBe(201);
  return p.body.product.id as string;
}

describe(`races at unique and foreign keys (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('10 concurrent license creates for one new customer email give 10 licenses and one customer', async () => {
    const productId = await product();
    const email = `race-${Date.now()}@example.com`;
    const rs = await at(10, () =>
      t.call('POST', '/api/v1/licenses', { product_id: productId, type: 'perpetual', email }),
    );
    expect(statuses(rs), JSON.stringify(rs.filter((r) => r.status !== 201).map((r) => r.body))).toEqual(
      Array(10).fill(201),
    );
    const customers = await t.app.deps.prisma.customer.findMany({ where: { email } });
    expect(customers).toHaveLength(1);
    const licenses = await t.app.deps.prisma.license.findMany({ where: { productId } });
    expect(licenses).toHaveLength(10);
    expect(new Set(licenses.map((l) => l.customerId))).toEqual(new Set([customers[0]!.id]));
  });

  it('the seed Stripe body (customer_email) races the same way: one customer', async () => {
    const productId = await product();
    const email = `stripe-race-${Date.now()}@example.com`;
    const rs = await at(8, () =>
      t.call('POST', '/api/v1/portal/licenses', {
        product: productId,
        customer_email: email,
        type: 'perpetual',
      }),
    );
    expect(statuses(rs), JSON.stringify(rs.map((r) => r.body))).toEqual(Array(8).fill(201));
    expect(await t.app.deps.prisma.customer.count({ where: { email } })).toBe(1);
  });

  it('concurrent POST /users with one email give one 201 and 409 for the rest', async () => {
    const email = `user-race-${Date.now()}@example.com`;
    const rs = await at(8, () =>
      t.call('POST', '/api/v1/users', { email, password: 'correct horse battery', role: 'developer' }),
    );
    expect(statuses(rs), JSON.stringify(rs.map((r) => r.body))).toEqual([201, ...Array(7).fill(409)]);
    for (const r of rs.filter((r) => r.status === 409)) {
      expect(r.body).toMatchObject({
        code: 'CONFLICT',
        error: 'This account already has a user with this email',
      });
    }
    expect(await t.app.deps.prisma.user.count({ where: { email } })).toBe(1);
  });

  it('concurrent POST /customers with one email give one 201 and 409 for the rest', async () => {
    const email = `customer-race-${Date.now()}@example.com`;
    const rs = await at(10, () => t.call('POST', '/api/v1/customers', { email, name: 'Racer' }));
    expect(statuses(rs), JSON.stringify(rs.map((r) => r.body))).toEqual([201, ...Array(9).fill(409)]);
    for (const r of rs.filter((r) => r.status === 409)) {
      expect(r.body).toMatchObject({ code: 'CONFLICT', error: 'A customer with this email already exists' });
    }
    expect(await t.app.deps.prisma.customer.count({ where: { email } })).toBe(1);
  });

  it('a product deleted while licenses are created: each create is 201 or 404, the delete 200 or 409', async () => {
    for (let round = 0; round < 5; round++) {
      const productId = await product(`Doomed ${round}`);
      const [creates, del] = await Promise.all([
        at(6, () => t.call('POST', '/api/v1/licenses', { product_id: productId, type: 'perpetual' })),
        t.call('DELETE', `/api/v1/products/${productId}`),
      ]);
      const bad = [...creates, del].filter((r) => r.status >= 500);
      expect(bad.map((r) => r.body)).toEqual([]);
      for (const r of creates) {
        expect([201, 404], JSON.stringify(r.body)).toContain(r.status);
        if (r.status === 404) expect(r.body).toMatchObject({ code: 'NOT_FOUND', error: 'Product not found' });
      }
      expect([200, 409], JSON.stringify(del.body)).toContain(del.status);
      if (del.status === 409) expect(del.body.code).toBe('CONFLICT');
      // What is stored agrees with what was answered.
      const stored = await t.app.deps.prisma.license.count({ where: { productId } });
      expect(stored).toBe(creates.filter((r) => r.status === 201).length);
      const exists = await t.app.deps.prisma.product.count({ where: { id: productId } });
      expect(exists).toBe(del.status === 200 ? 0 : 1);
    }
  });

  it('a license create for a product deleted before it reaches the insert is a 404, not a 500', async () => {
    // The foreign key itself, without relying on timing: insert a license row for a missing product
    // through commit() and see what the client would be told.
    const { commit } = await import('../src/db/commit');
    const err = await commit(t.app.deps, (tx) =>
      tx.license.create({
        data: {
          id: 'lic_fk_probe',
          accountId: t.accountId,
          environment: 'live',
          productId: 'prod_gone',
          key: 'FKPR-OBE0-0000-0001',
          type: 'perpetual',
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Product not found' });
    expect(dbErrorToAppError(err)).toBe(err);
  });
});
