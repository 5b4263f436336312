// The audit log, the rest of the changes (PRODUCT.md §16): activations and deactivations by license
// key (actor customer, in the activation's own transaction; plain validate writes nothing), the
// portal's delete-activation, the customer page (actor customer), admin account changes, logout,
// license key emails and resends, signing-key rotation, and the CLI (actor system, id cli). Each
// entry names its actor, action and target, and carries the response's X-Request-Id.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { makeApp, productAndLicense, type TestApp, usingPostgres } from './helpers/app';
import { PageClient } from './helpers/customer-page';
import { OWNER } from './helpers/examples';

let t: TestApp;
let admin: string;
const IP = '203.0.113.44';
const from = { 'x-forwarded-for': IP, 'user-agent': 'audit-more/1.0' };

beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, trustProxy: 1 });
  admin = (
    await createApiKey(t.app.deps.prisma, { accountId: t.accountId, environment: 'live', scope: 'admin' })
  ).secret;
});
afterAll(() => t.close());

const entriesFor = (targetId: string) =>
  t.app.deps.prisma.auditEntry.findMany({ where: { targetId }, orderBy: { createdAt: 'asc' } });
const only = async (targetId: string, action: string) => {
  const found = (await entriesFor(targetId)).filter((e) => e.action === action);
  expect(found, `${action} on ${targetId}`).toHaveLength(1);
  return found[0]!;
};
const keyId = async (secret: string) =>
  (await t.app.deps.prisma.apiKey.findFirstOrThrow({ where: { prefix: secret.slice(0, 12) } })).id;

describe('activations', () => {
  it('activate and deactivate by key: actor customer, request id, no entry for validate', async () => {
    const { license } = await productAndLicense(t, { max_activations: 2, email: 'dev@example.com' });
    const body = { license_key: license.key, machine_id: 'laptop-1', platform: 'mac' };
    const a = await t.call('POST', '/api/v1/activate', body, null, from);
    expect(a.status).toBe(201);
    const activationId = a.body.activation?.id ?? a.body.machine?.id ?? a.body.id;
    expect(activationId).toMatch(/^mach_/);
    const created = await only(activationId, 'activation.created');
    expect(created.actorType).toBe('customer');
    expect(created.actorId).toBe(license.customerId);
    expect(created.targetType).toBe('activation');
    expect(created.requestId).toBe(a.headers.get('x-request-id'));
    expect(created.ip).toBe(IP);
    expect(created.changes).toMatchObject({
      licenseId: [null, license.id],
      machineId: [null, 'laptop-1'],
      platform: [null, 'mac'],
    });
    expect(JSON.stringify(created.changes)).not.toContain(license.key);

    // Re-activating the same device changes nothing, so it writes nothing; nor does validate.
    const before = await t.app.deps.prisma.auditEntry.count();
    expect((await t.call('POST', '/api/v1/activate', body, null, from)).status).toBe(200);
    const v = await t.call('POST', '/api/v1/validate', { license_key: license.key }, null, from);
    expect(v.status).toBe(200);
    expect(await t.app.deps.prisma.auditEntry.count()).toBe(before);

    const d = await t.call('POST', '/api/v1/deactivate', body, null, from);
    expect(d.status).toBe(200);
    const deleted = await only(activationId, 'activation.deleted');
    expect(deleted.actorType).toBe('customer');
    expect(deleted.requestId).toBe(d.headers.get('x-request-id'));
    expect(deleted.changes).toMatchObject({ machineId: ['laptop-1', null] });
  });

  it('a refused activation (seat limit) writes no entry: it is in the rolled-back transaction', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'a' }, null);
    const n = await t.app.deps.prisma.auditEntry.count({ where: { action: 'activation.created' } });
    const r = await t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'b' }, null);
    expect(r.body.code).toBe('ACTIVATION_LIMIT_REACHED');
    expect(await t.app.deps.prisma.auditEntry.count({ where: { action: 'activation.created' } })).toBe(n);
  });

  it("the portal's DELETE /activations/:id: actor api_key", async () => {
    const { license } = await productAndLicense(t);
    const a = await t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'pc' }, null);
    const id = a.body.activation?.id ?? a.body.machine?.id ?? a.body.id;
    const r = await t.call('DELETE', `/api/v1/activations/${id}`, undefined, undefined, from);
    expect(r.status).toBe(200);
    const e = await only(id, 'activation.deleted');
    expect(e.actorType).toBe('api_key');
    expect(e.actorId).toBe(await keyId(t.liveKey));
    expect(e.requestId).toBe(r.headers.get('x-request-id'));
  });
});

describe('the customer page', () => {
  it('portal link (vendor), magic link and Deactivate (actor customer)', async () => {
    const { license } = await productAndLicense(t, { max_activations: 3, email: 'buyer@example.com' });
    const a = await t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'm1' }, null);
    const activationId = a.body.activation?.id ?? a.body.machine?.id ?? a.body.id;
    const link = await t.call(
      'POST',
      `/api/v1/customers/${license.customerId}/portal-link`,
      undefined,
      undefined,
      from,
    );
    expect(link.status).toBe(201);
    const made = await only(license.customerId, 'customer.portal_link_created');
    expect(made.actorType).toBe('api_key');
    expect(made.requestId).toBe(link.headers.get('x-request-id'));
    expect(JSON.stringify(made.changes)).not.toContain(new URL(link.body.url).pathname.split('/').pop());

    const page = `/my/${t.accountId}`;
    const browser = new PageClient(t, { 'x-request-id': 'page-req-1', ...from });
    await browser.follow(new URL(link.body.url).pathname);
    const home = await browser.get(`${page}/`);
    expect(home.html).toContain(activationId);
    const r = await browser.post(`${page}/devices/${activationId}/deactivate`);
    expect(r.status).toBe(303);
    const e = await only(activationId, 'activation.deleted');
    expect(e.actorType).toBe('customer');
    expect(e.actorId).toBe(license.customerId);
    expect(e.requestId).toBe('page-req-1');
    expect(e.ip).toBe(IP);

    const visitor = new PageClient(t, { 'x-request-id': 'page-req-2' });
    await visitor.get(`${page}/`);
    expect((await visitor.post(`${page}/sign-in/email`, { email: 'buyer@example.com' })).status).toBe(200);
    const sent = await only(license.customerId, 'customer.sign_in_link_sent');
    expect(sent.actorType).toBe('customer');
    expect(sent.actorLabel).toBe('buyer@example.com');
    expect(sent.requestId).toBe('page-req-2');
  });
});

describe('the operator, sessions, emails, signing keys', () => {
  it('admin account changes land in the changed account, actor the admin key', async () => {
    const c = await t.call(
      'POST',
      '/api/v1/admin/accounts',
      { name: 'Tenant Co', owner_email: 'ops@tenant.example' },
      admin,
      from,
    );
    expect(c.status).toBe(201);
    const id = c.body.account.id;
    const opened = await only(id, 'account.created');
    expect(opened.accountId).toBe(id);
    expect(opened.actorType).toBe('api_key');
    expect(opened.actorId).toBe(await keyId(admin));
    expect(opened.requestId).toBe(c.headers.get('x-request-id'));
    expect(JSON.stringify(opened.changes)).not.toContain(c.body.owner.password ?? 'no-password');

    const p = await t.call('PATCH', `/api/v1/admin/accounts/${id}`, { plan: 'starter' }, admin, from);
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    const updated = await only(id, 'account.updated');
    expect((updated.changes as Record<string, unknown[]>).plan![1]).toBe('starter');
    expect(updated.requestId).toBe(p.headers.get('x-request-id'));
    const s = await t.call('POST', `/api/v1/admin/accounts/${id}/suspend`, {}, admin, from);
    expect(s.status).toBe(200);
    const suspended = await only(id, 'account.suspended');
    expect(suspended.changes).toEqual({ status: ['active', 'suspended'] });
    expect(suspended.requestId).toBe(s.headers.get('x-request-id'));
    const back = await t.call('POST', `/api/v1/admin/accounts/${id}/reinstate`, {}, admin, from);
    expect((await only(id, 'account.reinstated')).requestId).toBe(back.headers.get('x-request-id'));
    // The tenant reads its own history.
    const log = await t.call('GET', `/api/v1/audit-log?target=${id}`, undefined, c.body.liveKey);
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual([
      'account.reinstated',
      'account.suspended',
      'account.updated',
      'account.created',
    ]);
  });

  it('logout: user.signed_out, actor the user', async () => {
    const login = await t.call('POST', '/api/v1/auth/login', OWNER, null, from);
    expect(login.status).toBe(200);
    const out = await t.call('POST', '/api/v1/auth/logout', undefined, login.body.token, from);
    expect(out.status).toBe(200);
    const owner = await t.app.deps.prisma.user.findFirstOrThrow({ where: { email: OWNER.email } });
    const e = await only(owner.id, 'user.signed_out');
    expect(e.actorType).toBe('user');
    expect(e.actorId).toBe(owner.id);
    expect(e.requestId).toBe(out.headers.get('x-request-id'));
    // A second logout of the same token changes nothing and writes nothing.
    await t.call('POST', '/api/v1/auth/logout', undefined, login.body.token, from);
    await only(owner.id, 'user.signed_out');
  });

  it('license key email and email resend', async () => {
    const { license } = await productAndLicense(t, { email: 'keys@example.com' });
    const s = await t.call('POST', `/api/v1/licenses/${license.id}/send-key`, {}, undefined, from);
    expect(s.status, JSON.stringify(s.body)).toBeLessThan(300);
    const sent = await only(license.id, 'license.key_emailed');
    expect(sent.actorType).toBe('api_key');
    expect(sent.requestId).toBe(s.headers.get('x-request-id'));
    expect((sent.changes as Record<string, unknown[]>).to).toEqual([null, 'keys@example.com']);
    expect(JSON.stringify(sent.changes)).not.toContain(license.key);
    const emailId = (sent.changes as Record<string, unknown[]>).email![1] as string;
    const r = await t.call('POST', `/api/v1/emails/${emailId}/resend`, {}, undefined, from);
    expect(r.status).toBe(202);
    const resent = await only(emailId, 'email.resent');
    expect(resent.targetType).toBe('email');
    expect(resent.requestId).toBe(r.headers.get('x-request-id'));
  });

  it('signing-key rotation: in the operator key’s log', async () => {
    const r = await t.call('POST', '/api/v1/admin/signing-keys/rotate', {}, admin, from);
    expect(r.status).toBe(200);
    const e = await only(r.body.kid, 'signing_key.rotated');
    expect(e.accountId).toBe(t.accountId);
    expect(e.actorId).toBe(await keyId(admin));
    expect(e.requestId).toBe(r.headers.get('x-request-id'));
    expect((e.changes as Record<string, unknown[]>).active).toEqual([r.body.retired, r.body.kid]);
  });
});

describe('the CLI', () => {
  it.runIf(usingPostgres())('keys:create and keys:revoke: actor system, id cli', async () => {
    const url = t.app.deps.config.databaseUrl!;
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' };
    env.TO_SECRET_KEY = 'test-master-key-shared-by-test-instances';
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['src/dist/cli.js', ...args], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const made = run('keys:create', '--account', t.accountId, '--env', 'test', '--name', 'from-cli');
    expect(made.status, made.stderr).toBe(0);
    const id = /^(key_\S+)/m.exec(made.stdout)![1]!;
    expect(run('keys:revoke', id).status).toBe(0);
    const entries = await entriesFor(id);
    expect(entries.map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
    for (const e of entries) {
      expect(e.actorType).toBe('system');
      expect(e.actorId).toBe('cli');
      expect(e.environment).toBe('test');
      expect(e.requestId).toBeNull();
    }
    expect(entries[0]!.actorLabel).toBe('cli keys:create');
  });
});
