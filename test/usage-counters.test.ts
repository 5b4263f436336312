// Usage counters (PRODUCT.md §15): uses and maxUses, increment / decrement / reset, validate with
// `consume: N` (checked last, one conditional UPDATE, exact under concurrency), the reset interval at
// UTC boundaries, their events, GraphQL's typed results, and Idempotency-Key on the new writes. Runs on
// PGlite, and on PostgreSQL (with a second instance) when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStart } from '../src/licensing/usage-counter';
import { makeApp, type TestApp, usingPostgres } from './helpers/app';
import { dataOf, gqlClient } from './helpers/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ webhookAllowPrivate: true });
});
afterAll(() => t.close());

const at = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

async function product(body: Record<string, unknown> = {}) {
  const p = await t.call('POST', '/api/v1/products', { name: 'Metered', ...body });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  return p.body.product;
}

async function license(body: Record<string, unknown> = {}, productBody: Record<string, unknown> = {}) {
  const p = await product(productBody);
  const l = await t.call('POST', '/api/v1/licenses', { product_id: p.id, type: 'perpetual', ...body });
  expect(l.status, JSON.stringify(l.body)).toBe(201);
  return l.body.license;
}

const usage = (id: string, action: string, body?: unknown, headers?: Record<string, string>) =>
  t.call('POST', `/api/v1/licenses/${id}/${action}-usage`, body, undefined, headers);
const validate = (key: string, extra: Record<string, unknown> = {}, app: TestApp = t) =>
  app.call('POST', '/api/v1/validate', { license_key: key, ...extra }, null);
const stored = async (id: string) =>
  (await t.app.deps.prisma.license.findUniqueOrThrow({ where: { id } })).uses;
const events = (licenseId: string, type: string) =>
  t.app.deps.prisma.event.findMany({ where: { licenseId, type }, orderBy: { createdAt: 'asc' } });

describe('uses and maxUses on licenses and products', () => {
  it("a license takes the product's max_uses and reset interval unless it gives its own; null is unlimited", async () => {
    const p = await product({ max_uses: 10, uses_reset_interval: 'month' });
    expect(p).toMatchObject({ maxUses: 10, usesResetInterval: 'month' });
    const inherit = await t.call('POST', '/api/v1/licenses', { product_id: p.id, type: 'perpetual' });
    expect(inherit.body.license).toMatchObject({ uses: 0, maxUses: 10, usesResetInterval: 'month' });
    const own = await t.call('POST', '/api/v1/licenses', {
      product_id: p.id,
      type: 'perpetual',
      max_uses: null,
      uses_reset_interval: 'none',
    });
    expect(own.body.license).toMatchObject({ uses: 0, maxUses: null, usesResetInterval: 'none' });
    const patched = await t.call('PATCH', `/api/v1/licenses/${own.body.license.id}`, { max_uses: 3 });
    expect(patched.body.license.maxUses).toBe(3);
  });

  it('refuses a negative or fractional max_uses and an unknown interval with 400 VALIDATION_ERROR', async () => {
    const p = await product();
    for (const bad of [{ max_uses: -1 }, { max_uses: 1.5 }, { uses_reset_interval: 'hour' }]) {
      const r = await t.call('POST', '/api/v1/licenses', { product_id: p.id, type: 'perpetual', ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('increment-usage, decrement-usage, reset-usage', () => {
  it('count up and down by amount (default 1), refuse past maxUses (422) and below 0 (422), and reset to 0', async () => {
    const l = await license({ max_uses: 5 });
    expect((await usage(l.id, 'increment')).body.license.uses).toBe(1);
    expect((await usage(l.id, 'increment', { amount: 3 })).body.license.uses).toBe(4);
    const over = await usage(l.id, 'increment', { amount: 2 });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      code: 'USAGE_LIMIT_EXCEEDED',
      uses: 4,
      maxUses: 5,
      help: '/docs#errors',
    });
    expect(await stored(l.id)).toBe(4);
    expect((await usage(l.id, 'decrement', { amount: 4 })).body.license.uses).toBe(0);
    const below = await usage(l.id, 'decrement');
    expect(below.status).toBe(422);
    expect(below.body.code).toBe('VALIDATION_ERROR');
    expect(await stored(l.id)).toBe(0);
    await usage(l.id, 'increment', { amount: 5 });
    const reset = await usage(l.id, 'reset');
    expect(reset.status).toBe(200);
    expect(reset.body.license.uses).toBe(0);
    expect(await stored(l.id)).toBe(0);
  });

  it('refuses amount 0, negative or a string with 400, and an unknown license with 404', async () => {
    const l = await license();
    for (const amount of [0, -2, '3', 1.5]) {
      const r = await usage(l.id, 'increment', { amount });
      expect(r.status, String(amount)).toBe(400);
    }
    const missing = await usage('lic_nope', 'increment');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('records license.usage.incremented / decremented / reset, and limit_reached when the limit is reached', async () => {
    const l = await license({ max_uses: 2 });
    await usage(l.id, 'increment');
    expect(await events(l.id, 'license.usage.limit_reached')).toHaveLength(0);
    await usage(l.id, 'increment');
    await usage(l.id, 'decrement');
    await usage(l.id, 'reset');
    const inc = await events(l.id, 'license.usage.incremented');
    expect(inc.map((e) => (e.data as any).uses)).toEqual([1, 2]);
    expect((await events(l.id, 'license.usage.decremented')).map((e) => (e.data as any).uses)).toEqual([1]);
    expect(await events(l.id, 'license.usage.reset')).toHaveLength(1);
    const reached = await events(l.id, 'license.usage.limit_reached');
    expect(reached).toHaveLength(1);
    expect(reached[0]!.data).toMatchObject({ status: 'active', amount: 1, uses: 2, maxUses: 2 });
    // Webhooks can subscribe to them.
    const hook = await t.call('POST', '/api/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['license.usage.limit_reached', 'license.usage.incremented'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    expect(hook.body.webhook.events).toEqual(['license.usage.limit_reached', 'license.usage.incremented']);
  });

  it('another account cannot change the uses of a license (404)', async () => {
    const l = await license();
    const r = await t.call('POST', `/api/v1/licenses/${l.id}/increment-usage`, {}, t.testKey);
    expect(r.status).toBe(404);
    expect(await stored(l.id)).toBe(0);
  });
});

describe('validate with consume', () => {
  it('adds the uses and shows the count it stored; past maxUses it is valid:false USAGE_LIMIT_EXCEEDED (200), nothing added', async () => {
    const l = await license({ max_uses: 3 });
    const first = await validate(l.key, { consume: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ valid: true, code: 'VALID', license: { uses: 2, maxUses: 3 } });
    expect(first.body.offline.token).toEqual(expect.any(String));
    const over = await validate(l.key, { consume: 2 });
    expect(over.status).toBe(200);
    expect(over.body).toMatchObject({ valid: false, code: 'USAGE_LIMIT_EXCEEDED', license: { uses: 2 } });
    expect(over.body.offline).toBeUndefined();
    expect(await stored(l.id)).toBe(2);
    expect((await validate(l.key, { consume: 1 })).body.license.uses).toBe(3);
    // A plain validate after consuming (from the cache) shows the count too, and does not refuse.
    expect((await validate(l.key)).body).toMatchObject({ valid: true, license: { uses: 3 } });
    const failed = await t.app.deps.prisma.event.findMany({
      where: { licenseId: l.id, type: 'validation.failed' },
    });
    await t.app.deps.usage.flush();
    const after = await t.app.deps.prisma.event.findMany({
      where: { licenseId: l.id, type: 'validation.failed' },
    });
    expect(after.length - failed.length).toBe(1);
    expect((after.at(-1)!.data as any).code).toBe('USAGE_LIMIT_EXCEEDED');
  });

  it('checks usage last: a revoked, mismatched or not-activated license answers its own code and consumes nothing', async () => {
    const l = await license({ max_uses: 0 });
    expect((await validate(l.key, { consume: 1, machine_id: 'nope' })).body.code).toBe('NOT_ACTIVATED');
    expect((await validate(l.key, { consume: 1, product_id: 'prod_other' })).body.code).toBe(
      'PRODUCT_MISMATCH',
    );
    expect((await validate(l.key, { consume: 1 })).body.code).toBe('USAGE_LIMIT_EXCEEDED');
    const m = await license({ max_uses: 10 });
    await t.call('POST', `/api/v1/licenses/${m.id}/revoke`);
    expect((await validate(m.key, { consume: 1 })).body.code).toBe('REVOKED');
    expect(await stored(m.id)).toBe(0);
  });

  it('refuses consume 0, negative or fractional with 400', async () => {
    const l = await license();
    for (const consume of [0, -1, 2.5, 'x']) {
      const r = await validate(l.key, { consume });
      expect(r.status, String(consume)).toBe(400);
    }
  });

  it('a plain validate writes nothing on its hot path; a consume is exactly one UPDATE statement', async () => {
    const l = await license({ max_uses: null });
    await validate(l.key); // warms the license cache
    await t.app.deps.usage.flush();
    const sql = t.app.deps.database.sql;
    const original = sql.query.bind(sql);
    const statements: string[] = [];
    sql.query = ((text: string, params?: unknown[]) => {
      statements.push(text);
      return original(text, params);
    }) as typeof sql.query;
    try {
      for (let i = 0; i < 5; i++) expect((await validate(l.key)).body.valid).toBe(true);
      expect(statements).toEqual([]);
      expect((await validate(l.key, { consume: 1 })).body.license.uses).toBe(1);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^UPDATE "License" SET "uses" =/);
      expect(statements[0]).toMatch(/RETURNING "uses", "maxUses"$/);
    } finally {
      sql.query = original;
    }
  });

  it('counts consumed uses in the batched usage rows, not one event per validate', async () => {
    const l = await license();
    const before = await t.app.deps.prisma.event.count({ where: { licenseId: l.id } });
    for (let i = 0; i < 4; i++) await validate(l.key, { consume: 3 });
    await t.app.deps.usage.flush();
    const rows = await t.app.deps.prisma.usageRecord.findMany({
      where: { licenseId: l.id, kind: 'validate' },
    });
    expect(rows.reduce((n, r) => n + r.consumed, 0)).toBe(12);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(4);
    expect(await t.app.deps.prisma.event.count({ where: { licenseId: l.id } })).toBe(before);
    const a = await t.call('GET', `/api/v1/analytics/usage?license_id=${l.id}`);
    expect(a.status).toBe(200);
    expect(a.body.totals).toMatchObject({ total: 4 });
    expect(a.body.consumed).toBe(12);
  });

  it('100 concurrent consume:1 against maxUses 50 give exactly 50 valid answers and uses 50', async () => {
    const l = await license({ max_uses: 50 });
    const rs = await at(100, () => validate(l.key, { consume: 1 }));
    expect(
      rs.every((r) => r.status === 200),
      JSON.stringify(rs.find((r) => r.status !== 200)?.body),
    ).toBe(true);
    const valid = rs.filter((r) => r.body.valid);
    expect(valid).toHaveLength(50);
    expect(rs.filter((r) => !r.body.valid).every((r) => r.body.code === 'USAGE_LIMIT_EXCEEDED')).toBe(true);
    // Each valid answer shows the count its own UPDATE returned: 1 … 50, each once.
    expect(valid.map((r) => r.body.license.uses).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(await stored(l.id)).toBe(50);
    const reached = await events(l.id, 'license.usage.limit_reached');
    expect(reached.filter((e) => !(e.data as any).refused)).toHaveLength(1);
    expect(reached.filter((e) => (e.data as any).refused)).toHaveLength(1);
  });
});

describe('the reset interval (UTC boundaries)', () => {
  it('periodStart: the UTC day, the ISO week from Monday, the month', () => {
    const d = new Date('2026-01-15T23:59:59.999Z'); // a Thursday
    expect(periodStart('none', d)).toBeNull();
    expect(periodStart('day', d)!.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(periodStart('week', d)!.toISOString()).toBe('2026-01-12T00:00:00.000Z');
    expect(periodStart('week', new Date('2026-01-18T12:00:00Z'))!.toISOString()).toBe(
      '2026-01-12T00:00:00.000Z',
    );
    expect(periodStart('month', d)!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  for (const [interval, last, next] of [
    ['day', '2026-01-15T23:59:59.000Z', '2026-01-16T00:00:00.000Z'],
    ['week', '2026-01-18T23:59:59.000Z', '2026-01-19T00:00:00.000Z'],
    ['month', '2026-01-31T23:59:59.000Z', '2026-02-01T00:00:00.000Z'],
  ] as const) {
    it(`${interval}: the count starts again at the boundary, in the database and in the license JSON`, async () => {
      const realNow = t.app.deps.now;
      try {
        t.app.deps.now = () => new Date(last);
        const l = await license({}, { max_uses: 2, uses_reset_interval: interval });
        expect(l).toMatchObject({ maxUses: 2, usesResetInterval: interval });
        expect((await validate(l.key, { consume: 2 })).body.license.uses).toBe(2);
        expect((await validate(l.key, { consume: 1 })).body.code).toBe('USAGE_LIMIT_EXCEEDED');
        expect((await usage(l.id, 'increment')).status).toBe(422);
        t.app.deps.now = () => new Date(next);
        // Before any write, the old period's count already reads as 0.
        expect((await t.call('GET', `/api/v1/licenses/${l.id}`)).body.license.uses).toBe(0);
        const r = await validate(l.key, { consume: 1 });
        expect(r.body).toMatchObject({ valid: true, license: { uses: 1 } });
        expect(await stored(l.id)).toBe(1);
        // Decrementing in the new period cannot go below its own 0.
        expect((await usage(l.id, 'decrement', { amount: 2 })).status).toBe(422);
      } finally {
        t.app.deps.now = realNow;
      }
    });
  }
});

describe('GraphQL', () => {
  it('License has uses/maxUses; increment is typed (UsageLimitError); validateLicense takes consume', async () => {
    const gql = gqlClient(t);
    const l = await license({ max_uses: 2 });
    const INC = `mutation($id: ID!, $amount: Int) { incrementLicenseUsage(id: $id, amount: $amount) {
      __typename
      ... on IncrementLicenseUsageSuccess { license { id uses maxUses usesResetInterval } }
      ... on UsageLimitError { code message uses maxUses }
      ... on DomainError { code }
    } }`;
    const ok = dataOf(await gql(INC, { id: l.id, amount: 2 })).incrementLicenseUsage;
    expect(ok).toMatchObject({
      __typename: 'IncrementLicenseUsageSuccess',
      license: { uses: 2, maxUses: 2, usesResetInterval: 'none' },
    });
    const over = dataOf(await gql(INC, { id: l.id })).incrementLicenseUsage;
    expect(over).toMatchObject({
      __typename: 'UsageLimitError',
      code: 'USAGE_LIMIT_EXCEEDED',
      uses: 2,
      maxUses: 2,
    });
    const DEC = `mutation($id: ID!) { decrementLicenseUsage(id: $id, amount: 5) {
      __typename ... on DomainError { code } } }`;
    expect(dataOf(await gql(DEC, { id: l.id })).decrementLicenseUsage).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION_ERROR',
    });
    const RESET = `mutation($id: ID!) { resetLicenseUsage(id: $id) {
      __typename ... on ResetLicenseUsageSuccess { license { uses } } } }`;
    expect(dataOf(await gql(RESET, { id: l.id })).resetLicenseUsage.license.uses).toBe(0);
    const V = `mutation($input: ValidateLicenseInput!) { validateLicense(input: $input) { valid code license { uses maxUses } } }`;
    const v = dataOf(await gql(V, { input: { key: l.key, consume: 2 } }, null)).validateLicense;
    expect(v).toEqual({ valid: true, code: 'VALID', license: { uses: 2, maxUses: 2 } });
    const refused = dataOf(await gql(V, { input: { key: l.key, consume: 1 } }, null)).validateLicense;
    expect(refused).toEqual({ valid: false, code: 'USAGE_LIMIT_EXCEEDED', license: { uses: 2, maxUses: 2 } });
  });
});

describe('Idempotency-Key on the usage writes', () => {
  it('a retried increment-usage replays its answer and counts once', async () => {
    const l = await license();
    const h = { 'idempotency-key': `inc-${l.id}` };
    const first = await usage(l.id, 'increment', { amount: 2 }, h);
    const again = await usage(l.id, 'increment', { amount: 2 }, h);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await stored(l.id)).toBe(2);
    const reset1 = await usage(l.id, 'reset', undefined, { 'idempotency-key': `reset-${l.id}` });
    await usage(l.id, 'increment');
    const reset2 = await usage(l.id, 'reset', undefined, { 'idempotency-key': `reset-${l.id}` });
    expect(reset2.headers.get('idempotent-replayed')).toBe('true');
    expect(reset2.body).toEqual(reset1.body);
    expect(await stored(l.id)).toBe(1);
  });

  it('a retried validate with consume replays its answer and consumes once', async () => {
    const l = await license();
    const h = { 'idempotency-key': 'consume-retry-1' };
    const body = { license_key: l.key, consume: 3 };
    const first = await t.call('POST', '/api/v1/validate', body, null, h);
    const again = await t.call('POST', '/api/v1/validate', body, null, h);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.license.uses).toBe(3);
    expect(first.body.license.uses).toBe(3);
    expect(await stored(l.id)).toBe(3);
  });
});

describe.skipIf(!usingPostgres())('two instances on one PostgreSQL', () => {
  let other: TestApp;
  beforeAll(async () => {
    other = await makeApp({}, {}, t);
  });
  afterAll(() => other.close());

  it('100 concurrent consume:1, split across both, give exactly 50 valid answers and uses 50', async () => {
    const l = await license({ max_uses: 50 });
    // Warm both caches so both instances decide from memory and meet only at the UPDATE.
    await validate(l.key);
    await validate(l.key, {}, other);
    const rs = await at(100, (i) => validate(l.key, { consume: 1 }, i % 2 ? other : t));
    expect(rs.filter((r) => r.body.valid)).toHaveLength(50);
    expect(await stored(l.id)).toBe(50);
  });
});
