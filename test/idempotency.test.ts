// Idempotency keys (PRODUCT.md §14) through the real doors: a repeat replays the stored answer with
// `Idempotent-Replayed: true`, another request under the same key is 422, a running one 409,
// refusals before the handler are not kept, keys are scoped per credential (and per license key on
// the public key routes), and twenty concurrent identical requests make one object — on one
// instance, and with two instances on one PostgreSQL database.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, createApiKey } from '../src/auth/api-keys.service';
import { IDS } from '../src/http/examples';
import { IDEMPOTENCY_TTL_MS, sweepIdempotencyKeys } from '../src/http/idempotency';
import { makeApp, productAndLicense, type TestApp, usingPostgres } from './helpers/app';
import { exampleRequest, fixtures, operationsOf, OWNER } from './helpers/examples';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, webhookAllowPrivate: true });
  admin = (
    await createApiKey(t.app.deps.prisma, { accountId: t.accountId, environment: 'live', scope: 'admin' })
  ).secret;
});
afterAll(() => t.close());

const idem = (key: string) => ({ 'idempotency-key': key });
const licenses = () => t.app.deps.prisma.license.count({ where: { accountId: t.accountId } });

describe('Idempotency-Key on REST writes', () => {
  it('replays the first answer with Idempotent-Replayed: true and makes one license', async () => {
    const { product } = await productAndLicense(t);
    const before = await licenses();
    const body = { product_id: product.id, type: 'perpetual', email: 'idem@example.com' };
    const first = await t.call('POST', '/api/v1/licenses', body, undefined, idem('order-1'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await t.call('POST', '/api/v1/licenses', body, undefined, idem('order-1'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/application\/json/);
    expect(again.body).toEqual(first.body);
    // Each answer still has its own request id and rate-limit headers.
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(again.headers.get('x-ratelimit-limit')).not.toBeNull();
    expect(await licenses()).toBe(before + 1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for another body, path or method under the same key', async () => {
    const { product, license } = await productAndLicense(t);
    const body = { product_id: product.id, type: 'perpetual' };
    expect((await t.call('POST', '/api/v1/licenses', body, undefined, idem('reuse-1'))).status).toBe(201);
    const before = await licenses();
    const other = await t.call(
      'POST',
      '/api/v1/licenses',
      { ...body, plan: 'pro' },
      undefined,
      idem('reuse-1'),
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const path = await t.call(
      'PATCH',
      `/api/v1/licenses/${license.id}`,
      { plan: 'x' },
      undefined,
      idem('reuse-1'),
    );
    expect(path.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await licenses()).toBe(before);
  });

  it('keeps no record of refusals before the handler (bad input, auth, scope), so the key stays free', async () => {
    const { product } = await productAndLicense(t);
    const bad = await t.call('POST', '/api/v1/licenses', { type: 'perpetual' }, undefined, idem('free-1'));
    expect(bad.status).toBe(400);
    const noAuth = await t.call(
      'POST',
      '/api/v1/licenses',
      { type: 'perpetual' },
      'to_live_nope',
      idem('free-1'),
    );
    expect(noAuth.status).toBe(401);
    const ok = await t.call(
      'POST',
      '/api/v1/licenses',
      { product_id: product.id, type: 'perpetual' },
      undefined,
      idem('free-1'),
    );
    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps the handler’s own refusals (404) and replays them', async () => {
    const first = await t.call(
      'PATCH',
      '/api/v1/licenses/lic_missing',
      { plan: 'x' },
      undefined,
      idem('nf-1'),
    );
    expect(first.status).toBe(404);
    const again = await t.call(
      'PATCH',
      '/api/v1/licenses/lic_missing',
      { plan: 'x' },
      undefined,
      idem('nf-1'),
    );
    expect(again.status).toBe(404);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('refuses a key outside 1–255 characters with 400', async () => {
    const r = await t.call('POST', '/api/v1/products', { name: 'x' }, undefined, idem('k'.repeat(256)));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_ERROR');
  });

  it('scopes keys per credential: another API key with the same key runs its own request', async () => {
    const other = (
      await createApiKey(t.app.deps.prisma, { accountId: t.accountId, environment: 'live', scope: 'portal' })
    ).secret;
    const a = await t.call('POST', '/api/v1/products', { name: 'Scoped' }, undefined, idem('scope-1'));
    const b = await t.call('POST', '/api/v1/products', { name: 'Scoped' }, other, idem('scope-1'));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.product.id).not.toBe(a.body.product.id);
  });

  it('scopes keys on the public key routes to the license key', async () => {
    const { license: one } = await productAndLicense(t, { max_activations: 5 });
    const { license: two } = await productAndLicense(t, { max_activations: 5 });
    const act = (key: string) => ({ license_key: key, machine_id: 'device-1' });
    const a = await t.call('POST', '/api/v1/activate', act(one.key), null, idem('act-1'));
    const b = await t.call('POST', '/api/v1/activate', act(two.key), null, idem('act-1'));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    const again = await t.call('POST', '/api/v1/activate', act(one.key), null, idem('act-1'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(a.body);
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS while the first request runs, and takes over a lapsed claim', async () => {
    const body = JSON.stringify({ name: 'Running' });
    const scope = `api_key:${(await apiKeyIdOf(t.liveKey))!}`;
    const fingerprint = createHash('sha256').update(`POST\n/api/v1/products?\n${body}`).digest('hex');
    const now = Date.now();
    const row = (key: string, lockedUntil: number) => ({
      scope,
      key,
      fingerprint,
      status: 'running',
      lockedUntil: new Date(lockedUntil),
      expiresAt: new Date(now + IDEMPOTENCY_TTL_MS),
    });
    await t.app.deps.prisma.idempotencyKey.create({ data: row('running-1', now + 60_000) });
    const busy = await t.call('POST', '/api/v1/products', body, undefined, idem('running-1'));
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    // A claim whose lease ran out (its instance died mid-request) is taken over by the same request.
    await t.app.deps.prisma.idempotencyKey.create({ data: row('lapsed-1', now - 1000) });
    const taken = await t.call('POST', '/api/v1/products', body, undefined, idem('lapsed-1'));
    expect(taken.status).toBe(201);
  });

  it('forgets keys after 24 hours: the sweeper deletes them and the key can be used again', async () => {
    const first = await t.call('POST', '/api/v1/products', { name: 'Old' }, undefined, idem('old-1'));
    expect(first.status).toBe(201);
    const prisma = t.app.deps.prisma;
    // The row's 24 hours have passed (moved into the past rather than waiting for them).
    await prisma.idempotencyKey.updateMany({
      where: { key: 'old-1' },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    const reused = await t.call('POST', '/api/v1/products', { name: 'New' }, undefined, idem('old-1'));
    expect(reused.status).toBe(201); // an expired record does not hold its key
    expect(reused.body.product.id).not.toBe(first.body.product.id);
    await prisma.idempotencyKey.updateMany({
      where: { key: 'old-1' },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await sweepIdempotencyKeys(t.app.deps)).toBeGreaterThanOrEqual(1);
    expect(await prisma.idempotencyKey.count({ where: { key: 'old-1' } })).toBe(0);
    const job = t.app.deps.config.idempotencySweepIntervalMs;
    expect(job).toBeGreaterThan(0);
  });

  it('replays every write route family (each OpenAPI write example sent twice under one key)', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json', undefined, null)).body;
    // The session routes exchange credentials and ignore the header; the Stripe receiver is
    // anonymous (Stripe's event id deduplicates it).
    const skipped = (p: string) => p.startsWith('/api/v1/auth/') || p.endsWith('/webhook');
    const writes = operationsOf(doc).filter((o) => o.method !== 'get' && !skipped(o.path));
    expect(writes.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const families = new Set<string>();
    for (const op of writes) {
      const ok = Object.entries(op.op.responses).find(([status]) => status.startsWith('2'))?.[1] as any;
      const hasExample =
        ok?.content?.['application/json']?.example !== undefined &&
        op.op.parameters.every((p: any) => p.in !== 'path' || p.example !== undefined);
      const manual = MANUAL[`${op.method} ${op.path}`];
      if (!hasExample && !manual) continue; // routes the docs give no example for yet (see README)
      // A hand-written request may name anything: it gets one of everything.
      const f = await fixtures(t, admin, op.method, op.path, manual ? undefined : op.op);
      const { method, url, body, key, headers } = manual
        ? { ...manual(f.ids), key: f.key, headers: {} }
        : exampleRequest(op, f, admin);
      const h = { ...headers, ...idem(`replay ${method} ${op.path}`) };
      const first = await t.call(method, url, body, key, h);
      const again = await t.call(method, url, body, key, h);
      const label = `${method} ${url}: ${first.status} then ${again.status}`;
      if (first.status >= 300)
        failures.push(`${label}: the example itself failed ${JSON.stringify(first.body)}`);
      else if (again.headers.get('idempotent-replayed') !== 'true' || again.status !== first.status)
        failures.push(`${label}: not replayed`);
      else if (JSON.stringify(again.body) !== JSON.stringify(first.body))
        failures.push(`${label}: another body`);
      else families.add(op.path.split('/')[3]!);
    }
    expect(failures).toEqual([]);
    expect([...families].sort()).toEqual(
      expect.arrayContaining([
        'activate',
        'admin',
        'api-keys',
        'branding',
        'customers',
        'entitlements',
        'licenses',
        'products',
        'users',
        'validate',
        'webhooks',
      ]),
    );
  }, 300_000);
});

/** Writes the OpenAPI document has no example for yet: a request for each, so their families count. */
const MANUAL: Partial<
  Record<string, (ids: Record<string, string>) => { method: string; url: string; body?: unknown }>
> = {
  'post /api/v1/licenses/{id}/send-key': (ids) => ({
    method: 'POST',
    url: `/api/v1/licenses/${ids[IDS.license]}/send-key`,
  }),
  'patch /api/v1/branding': () => ({
    method: 'PATCH',
    url: '/api/v1/branding',
    body: { name: 'Acme Tools' },
  }),
  'post /api/v1/domains': () => ({
    method: 'POST',
    url: '/api/v1/domains',
    body: { host: 'licenses.example.com' },
  }),
  'put /api/v1/integrations/stripe': () => ({
    method: 'PUT',
    url: '/api/v1/integrations/stripe',
    body: { webhook_secret: 'whsec_replayreplayreplay' },
  }),
};

describe('Idempotency-Key on GraphQL mutations', () => {
  it('replays a mutation and creates one product; a different mutation under the key is 422', async () => {
    const gql = (query: string, key: string) => t.call('POST', '/graphql', { query }, undefined, idem(key));
    const count = () => t.app.deps.prisma.product.count({ where: { accountId: t.accountId } });
    const before = await count();
    const m =
      'mutation { createProduct(input: {name: "GraphQL once"}) { __typename ... on CreateProductSuccess { product { id } } } }';
    const first = await gql(m, 'gql-1');
    expect(first.status).toBe(200);
    expect(first.body.data.createProduct.product.id).toMatch(/^prod_/);
    const again = await gql(m, 'gql-1');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await count()).toBe(before + 1);
    const other = await gql(m.replace('once', 'twice'), 'gql-1');
    expect(other.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Queries ignore the header.
    const q = await gql('{ products(first: 1) { totalCount } }', 'gql-1');
    expect(q.body.data.products.totalCount).toBeGreaterThan(0);
  });
});

const apiKeyIdOf = async (secret: string) => (await authenticateApiKey(t.app.deps, secret)).apiKeyId;

async function twentyAtOnce(apps: TestApp[], key: string) {
  const { product } = await productAndLicense(apps[0]!);
  const body = { product_id: product.id, type: 'perpetual', email: `race-${key}@example.com` };
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      apps[i % apps.length]!.call('POST', '/api/v1/licenses', body, undefined, idem(key)),
    ),
  );
  const made = await apps[0]!.app.deps.prisma.license.count({
    where: { productId: product.id, customer: { email: body.email } },
  });
  return { answers, made };
}

describe('twenty concurrent identical requests with one key', () => {
  it('make one license on one instance; the rest replay it or are told it is in progress', async () => {
    const { answers, made } = await twentyAtOnce([t], 'race-one');
    expect(made).toBe(1);
    const fresh = answers.filter((a) => a.status === 201 && !a.headers.get('idempotent-replayed'));
    expect(fresh).toHaveLength(1);
    for (const a of answers) {
      if (a.status === 201) expect(a.body.license.id).toBe(fresh[0]!.body.license.id);
      else expect([a.status, a.body.code]).toEqual([409, 'IDEMPOTENCY_IN_PROGRESS']);
    }
  });
});

describe.skipIf(!usingPostgres())('two instances on one PostgreSQL', () => {
  let second: TestApp;
  beforeAll(async () => {
    second = await makeApp({}, {}, t);
  });
  afterAll(() => second.close());

  it('twenty concurrent identical requests, split across both, make one license', async () => {
    const { answers, made } = await twentyAtOnce([t, second], 'race-two');
    expect(made).toBe(1);
    const fresh = answers.filter((a) => a.status === 201 && !a.headers.get('idempotent-replayed'));
    expect(fresh).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || a.body.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    // And a replay from the other instance than the one that ran it.
    const body = answers.find((a) => a === fresh[0])!;
    expect(body.body.license.id).toMatch(/^lic_/);
  });
});
