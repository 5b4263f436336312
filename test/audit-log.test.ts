// The audit log (PRODUCT.md §16) through the real doors: each kind of change writes one entry in its
// transaction naming the actor, IP, user agent and the response's X-Request-Id, with the before and
// after of each changed field and no secret anywhere in the stored JSON; sign-ins (and failed ones),
// the Stripe receiver (actor integration), environments kept apart, filters, newest first, and a
// table the database itself refuses to UPDATE, DELETE or TRUNCATE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, gqlClient } from './helpers/graphql';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { OWNER } from './helpers/examples';
import { checkoutSession, deliver, STRIPE_SECRET, stripeEvent } from './helpers/stripe';

let t: TestApp;
const IP = '203.0.113.9';
const UA = 'audit-test/1.0';
const from = { 'x-forwarded-for': IP, 'user-agent': UA };

beforeAll(async () => {
  t = await makeApp({
    ownerEmail: OWNER.email,
    ownerPassword: OWNER.password,
    webhookAllowPrivate: true,
    trustProxy: 1,
  });
});
afterAll(() => t.close());

const entriesFor = (targetId: string) =>
  t.app.deps.prisma.auditEntry.findMany({ where: { targetId }, orderBy: { createdAt: 'asc' } });

/** Every stored entry as text: no secret may appear anywhere in it. */
async function storedText(): Promise<string> {
  const rows = await t.app.deps.prisma.$queryRawUnsafe<{ j: string }[]>(
    `SELECT row_to_json(a)::text AS j FROM "AuditEntry" a`,
  );
  return rows.map((r) => r.j).join('\n');
}

async function apiKeyId(secret: string) {
  return (await t.app.deps.prisma.apiKey.findFirstOrThrow({ where: { prefix: secret.slice(0, 12) } })).id;
}

describe('an entry per change, in the same transaction', () => {
  it('license update: actor api_key, ip, user agent, request id, before/after', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    const r = await t.call(
      'PATCH',
      `/api/v1/licenses/${license.id}`,
      { max_activations: 3, plan: 'pro' },
      undefined,
      from,
    );
    expect(r.status).toBe(200);
    const [created, updated] = await entriesFor(license.id);
    expect(created!.action).toBe('license.created');
    expect(updated!.action).toBe('license.updated');
    expect(updated!.targetType).toBe('license');
    expect(updated!.actorType).toBe('api_key');
    expect(updated!.actorId).toBe(await apiKeyId(t.liveKey));
    expect(updated!.actorLabel).toContain(t.liveKey.slice(0, 12));
    expect(updated!.ip).toBe(IP);
    expect(updated!.userAgent).toBe(UA);
    expect(updated!.requestId).toBe(r.headers.get('x-request-id'));
    expect(updated!.environment).toBe('live');
    expect(updated!.changes).toEqual({ maxActivations: [1, 3], plan: [null, 'pro'] });
  });

  it('license suspend, reinstate, revoke; product and customer create/update/delete', async () => {
    const { product, license } = await productAndLicense(t);
    for (const a of ['suspend', 'reinstate', 'revoke']) {
      expect((await t.call('POST', `/api/v1/licenses/${license.id}/${a}`, {})).status).toBe(200);
    }
    const actions = (await entriesFor(license.id)).map((e) => e.action);
    expect(actions).toEqual([
      'license.created',
      'license.suspended',
      'license.reinstated',
      'license.revoked',
    ]);
    const revoked = (await entriesFor(license.id))[3]!;
    expect((revoked.changes as Record<string, unknown[]>).status).toEqual(['active', 'revoked']);

    await t.call('PATCH', `/api/v1/products/${product.id}`, { name: 'Renamed' });
    const p = await entriesFor(product.id);
    expect(p.map((e) => e.action)).toEqual(['product.created', 'product.updated']);
    expect(p[1]!.changes).toEqual({ name: ['Test Product', 'Renamed'] });

    const c = await t.call('POST', '/api/v1/customers', { email: 'audit@example.com', name: 'A' });
    const id = c.body.customer.id;
    await t.call('PATCH', `/api/v1/customers/${id}`, { name: 'B' });
    await t.call('DELETE', `/api/v1/customers/${id}`);
    const ce = await entriesFor(id);
    expect(ce.map((e) => e.action)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(ce[1]!.changes).toEqual({ name: ['A', 'B'] });
    expect((ce[2]!.changes as Record<string, unknown[]>).email).toEqual(['audit@example.com', null]);
  });

  it('webhooks, API keys and users: secrets redacted, never stored', async () => {
    const w = await t.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(w.status).toBe(201);
    const whk = w.body.webhook?.id ?? w.body.endpoint?.id ?? w.body.id;
    const rolled = await t.call('POST', `/api/v1/webhooks/${whk}/roll-secret`, {});
    const k = await t.call('POST', '/api/v1/api-keys', { name: 'ci' });
    expect(k.status).toBe(201);
    const u = await t.call('POST', '/api/v1/users', {
      email: 'member@example.com',
      role: 'developer',
      password: 'hunter2-hunter2-x',
    });
    expect(u.status).toBe(201);
    const whEntries = await entriesFor(whk);
    expect(whEntries.map((e) => e.action)).toContain('webhook.created');
    if (rolled.status === 200) {
      const roll = whEntries.find((e) => e.action === 'webhook.secret_rolled')!;
      expect((roll.changes as Record<string, unknown[]>).secretEncrypted).toEqual([
        '[redacted]',
        '[redacted]',
      ]);
    }
    const text = await storedText();
    const secrets = [
      w.body.secret ?? w.body.webhook?.secret,
      rolled.body?.secret,
      k.body.key ?? k.body.secret ?? k.body.apiKey?.key,
      'hunter2-hunter2-x',
      t.liveKey,
    ].filter((s): s is string => typeof s === 'string' && s.length > 8);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const s of secrets) expect(text).not.toContain(s);
    // Nor any stored secret derivative: the key hash, the sealed secrets, the password hash.
    const key = await t.app.deps.prisma.apiKey.findFirstOrThrow({ where: { name: 'ci' } });
    const endpoint = await t.app.deps.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: whk } });
    const user = await t.app.deps.prisma.user.findFirstOrThrow({ where: { email: 'member@example.com' } });
    for (const s of [key.hash, endpoint.secretEncrypted, user.passwordHash]) expect(text).not.toContain(s);
    expect((await entriesFor(key.id)).map((e) => e.action)).toEqual(['api_key.created']);
    expect((await entriesFor(user.id)).map((e) => e.action)).toEqual(['user.created']);
  });

  it('sign-ins: a success (actor user) and a failure, written on its own', async () => {
    const ok = await t.call('POST', '/api/v1/auth/login', OWNER, null, from);
    expect(ok.status).toBe(200);
    const bad = await t.call(
      'POST',
      '/api/v1/auth/login',
      { ...OWNER, password: 'wrong-password' },
      null,
      from,
    );
    expect(bad.status).toBe(401);
    const owner = await t.app.deps.prisma.user.findFirstOrThrow({ where: { email: OWNER.email } });
    const entries = await entriesFor(owner.id);
    const signedIn = entries.find((e) => e.action === 'user.signed_in')!;
    expect(signedIn.actorType).toBe('user');
    expect(signedIn.actorId).toBe(owner.id);
    expect(signedIn.requestId).toBe(ok.headers.get('x-request-id'));
    const failed = entries.find((e) => e.action === 'user.sign_in_failed')!;
    expect(failed.requestId).toBe(bad.headers.get('x-request-id'));
    expect(failed.ip).toBe(IP);
    expect(failed.actorId).toBeNull();
    expect(failed.changes).toEqual({ reason: [null, 'invalid_credentials'] });
    expect(await storedText()).not.toContain('wrong-password');
    // A user session is the actor of what it changes.
    const p = await t.call('POST', '/api/v1/products', { name: 'By session' }, ok.body.token);
    const [e] = await entriesFor(p.body.product.id);
    expect(e!.actorType).toBe('user');
    expect(e!.actorLabel).toBe(OWNER.email);
  });

  it('the Stripe receiver: actor integration', async () => {
    const { product } = await productAndLicense(t);
    const put = await t.call('PUT', '/api/v1/integrations/stripe', {
      webhook_secret: STRIPE_SECRET,
      default_product_id: product.id,
    });
    expect(put.status).toBe(200);
    const r = await deliver(t, stripeEvent('checkout.session.completed', checkoutSession()));
    expect(r.status).toBe(200);
    const [e] = await t.app.deps.prisma.auditEntry.findMany({
      where: { actorType: 'integration', action: 'license.created' },
    });
    expect(e!.actorId).toBe('stripe');
    expect(e!.requestId).toBe(r.headers.get('x-request-id'));
    expect(e!.targetId).toMatch(/^lic_/);
    const settings = await t.app.deps.prisma.auditEntry.findFirstOrThrow({
      where: { action: 'integration.created' },
    });
    expect(JSON.stringify(settings.changes)).not.toContain(STRIPE_SECRET);
    expect(await storedText()).not.toContain(STRIPE_SECRET);
  });
});

describe('reading the log', () => {
  it('REST: newest first, filters, and a test key sees only test entries', async () => {
    const { license } = await productAndLicense(t);
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, { plan: 'a' });
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, { plan: 'b' });
    const r = await t.call('GET', `/api/v1/audit-log?target=${license.id}`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((e: any) => e.action)).toEqual([
      'license.updated',
      'license.updated',
      'license.created',
    ]);
    expect(r.body.data[0].changes).toEqual({ plan: ['a', 'b'] });
    expect(r.body.data[0].actor.type).toBe('api_key');
    expect(r.body.pagination.total).toBe(3);
    const times = r.body.data.map((e: any) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const byAction = await t.call('GET', `/api/v1/audit-log?action=license.created&target=${license.id}`);
    expect(byAction.body.data).toHaveLength(1);
    const keyId = await apiKeyId(t.liveKey);
    const byActor = await t.call('GET', `/api/v1/audit-log?actor=${keyId}&target_type=license&limit=100`);
    expect(byActor.body.data.length).toBeGreaterThan(2);
    for (const e of byActor.body.data) {
      expect(e.actor.id).toBe(keyId);
      expect(e.targetType).toBe('license');
    }
    const future = await t.call(
      'GET',
      `/api/v1/audit-log?from=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(future.body.data).toEqual([]);
    const past = await t.call('GET', `/api/v1/audit-log?to=2000-01-01T00:00:00Z`);
    expect(past.body.pagination.total).toBe(0);
    expect((await t.call('GET', '/api/v1/audit-log?from=yesterday')).body.code).toBe('VALIDATION_ERROR');

    // Test and live never mix.
    const test = await productAndLicense(t, {}, t.testKey);
    const fromTest = await t.call('GET', '/api/v1/audit-log?limit=100', undefined, t.testKey);
    expect(fromTest.body.data.length).toBeGreaterThan(0);
    for (const e of fromTest.body.data) expect(e.environment).toBe('test');
    expect(
      (await t.call('GET', `/api/v1/audit-log?target=${license.id}`, undefined, t.testKey)).body.data,
    ).toEqual([]);
    const live = await t.call('GET', `/api/v1/audit-log?target=${test.license.id}`);
    expect(live.body.data).toEqual([]);
    // Read-only: no route edits or deletes an entry.
    expect([404, 405]).toContain((await t.call('DELETE', '/api/v1/audit-log')).status);
    expect((await t.call('GET', '/api/v1/audit-log', undefined, null)).status).toBe(401);
  });

  it('GraphQL auditLog: the same entries and filters', async () => {
    const gql = gqlClient(t);
    const { license } = await productAndLicense(t);
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, { max_activations: 5 });
    const data = dataOf(
      await gql(
        `query($f: AuditFilter) { auditLog(first: 10, filter: $f) { totalCount edges { node {
          id action targetType targetId changes requestId ip createdAt actor { type id label } } } } }`,
        { f: { target: license.id, actorType: 'API_KEY' } },
      ),
    );
    expect(data.auditLog.totalCount).toBe(2);
    const [first] = data.auditLog.edges.map((e: any) => e.node);
    expect(first.action).toBe('license.updated');
    expect(first.changes).toEqual({ maxActivations: [1, 5] });
    expect(first.actor.type).toBe('API_KEY');
    // A GraphQL mutation's entry carries that request's id.
    const m = await t.call('POST', '/graphql', {
      query: `mutation($id: ID!) { suspendLicense(id: $id) { __typename } }`,
      variables: { id: license.id },
    });
    expect(m.status).toBe(200);
    const suspended = (await entriesFor(license.id)).find((e) => e.action === 'license.suspended');
    expect(suspended!.requestId).toBe(m.headers.get('x-request-id'));
  });
});

describe('append-only', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    const db = t.app.deps.prisma;
    const before = await db.auditEntry.count();
    expect(before).toBeGreaterThan(0);
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "action" = 'x'`)).rejects.toThrow();
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEntry"`)).rejects.toThrow();
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow();
    expect(await db.auditEntry.count()).toBe(before);
  });

  it('TO_AUDIT_LOG=false writes nothing (the bench measures its cost)', async () => {
    const off = await makeApp({ auditLog: false });
    try {
      await productAndLicense(off);
      expect(await off.app.deps.prisma.auditEntry.count()).toBe(0);
    } finally {
      await off.close();
    }
  });
});
