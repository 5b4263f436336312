// Sessions (login → JWT), token failures, login throttling, roles and the admin scope.
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.service';
import { makeApp, type TestApp } from './helpers/app';

let t: TestApp;
const OWNER = { email: 'owner@vendor.test', password: 'owner-password-1' };
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password, trustProxy: 1 });
});
afterAll(() => t.close());

const login = (body: object, ip = '203.0.113.10') =>
  t.call('POST', '/api/v1/auth/login', body, null, { 'x-forwarded-for': ip });

describe('login', () => {
  it('returns a 24 h HS256 token and an HttpOnly session cookie; the token works on portal routes', async () => {
    const r = await login(OWNER);
    expect(r.status).toBe(200);
    const { token, expiresAt } = r.body;
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    const hours = (new Date(expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^to_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const p = await t.call('POST', '/api/v1/products', { name: 'Via JWT' }, token);
    expect(p.status).toBe(201);
    const list = await t.call('GET', '/api/v1/products', undefined, token);
    expect(list.body.data.map((x: { name: string }) => x.name)).toContain('Via JWT');
    // The same product through the live API key: a session works in the live environment by default.
    expect((await t.call('GET', `/api/v1/products/${p.body.product.id}`)).status).toBe(200);

    // The cookie alone authenticates too, and refresh renews from it.
    const viaCookie = await t.call('GET', '/api/v1/products', undefined, null, {
      cookie: `to_session=${token}`,
    });
    expect(viaCookie.status).toBe(200);
    const refreshed = await t.call('POST', '/api/v1/auth/refresh', undefined, null, {
      cookie: `to_session=${token}`,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.token).toEqual(expect.any(String));
    const out = await t.call('POST', '/api/v1/auth/logout', undefined, null);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('a tampered, expired or alg:none token gets 403 INVALID_TOKEN', async () => {
    const { token } = (await login(OWNER)).body;
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, acct: 'acct_other' })).toString('base64url')}.${s}`;
    const none = new UnsecuredJWT({ ...claims }).encode();
    const wrongKey = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    const expired = await new SignJWT({ ...claims, iat: 1_000_000, exp: 1_000_100 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('whatever-whatever-whatever-whatever'));
    for (const bad of [tampered, none, wrongKey, expired, 'abc.def.ghi']) {
      const r = await t.call('GET', '/api/v1/products', undefined, bad);
      expect(r.status, bad).toBe(403);
      expect(r.body).toMatchObject({ code: 'INVALID_TOKEN', help: '/docs#errors' });
    }
  });

  it('a wrong password gets 401, and repeated tries get 429', async () => {
    const bad = await login({ email: OWNER.email, password: 'nope' }, '203.0.113.20');
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('INVALID_CREDENTIALS');
    expect((await login({ email: 'nobody@vendor.test', password: 'x' }, '203.0.113.20')).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await login({ email: OWNER.email, password: `wrong-${i}` }, '203.0.113.21')).status);
    expect(statuses).toContain(429);
    const limited = await login({ email: OWNER.email, password: OWNER.password }, '203.0.113.22');
    expect(limited.status).toBe(429); // the email is throttled whatever the IP
    expect(limited.body.code).toBe('RATE_LIMITED');
  });
});

describe('roles and scopes', () => {
  it('a read-only user can read but not mutate; only owners manage users', async () => {
    const created = await t.call('POST', '/api/v1/users', {
      email: 'viewer@vendor.test',
      password: 'viewer-pass-1',
      role: 'readonly',
    });
    expect(created.status).toBe(201);
    const { token } = (
      await login({ email: 'viewer@vendor.test', password: 'viewer-pass-1' }, '203.0.113.30')
    ).body;
    expect((await t.call('GET', '/api/v1/licenses', undefined, token)).status).toBe(200);
    const denied = await t.call('POST', '/api/v1/products', { name: 'nope' }, token);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');

    const dev = await t.call('POST', '/api/v1/users', {
      email: 'dev@vendor.test',
      password: 'dev-pass-123',
      role: 'developer',
    });
    const devToken = (await login({ email: 'dev@vendor.test', password: 'dev-pass-123' }, '203.0.113.31'))
      .body.token;
    expect((await t.call('POST', '/api/v1/products', { name: 'by dev' }, devToken)).status).toBe(201);
    expect((await t.call('POST', '/api/v1/users', { email: 'x@vendor.test' }, devToken)).status).toBe(403);
    expect((await t.call('POST', '/api/v1/api-keys', {}, devToken)).status).toBe(403);
    // Promote the viewer; its existing session now may mutate.
    await t.call('PATCH', `/api/v1/users/${created.body.user.id}`, { role: 'developer' });
    expect((await t.call('POST', '/api/v1/products', { name: 'now allowed' }, token)).status).toBe(201);
    expect(dev.status).toBe(201);
  });

  it('a portal key on an admin route gets 403; an admin key manages accounts', async () => {
    const portal = await t.call('GET', '/api/v1/admin/accounts');
    expect(portal.status).toBe(403);
    expect(portal.body.code).toBe('FORBIDDEN');
    expect((await t.call('GET', '/api/v1/admin/accounts', undefined, null)).status).toBe(401);

    const { secret: admin } = await createApiKey(t.app.deps.prisma, {
      accountId: t.accountId,
      environment: 'live',
      scope: 'admin',
    });
    const created = await t.call(
      'POST',
      '/api/v1/admin/accounts',
      { name: 'Tenant B', plan: 'starter', owner_email: 'b@tenant.test' },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body.account).toMatchObject({ name: 'Tenant B', plan: 'starter', status: 'active' });
    expect(created.body.liveKey).toMatch(/^to_live_/);
    const list = await t.call('GET', '/api/v1/admin/accounts', undefined, admin);
    expect(list.body.pagination.total).toBe(2);

    const id = created.body.account.id;
    const plan = await t.call('PATCH', `/api/v1/admin/accounts/${id}`, { plan: 'business' }, admin);
    expect(plan.body.account.plan).toBe('business');
    const r = await t.call('GET', '/api/v1/products', undefined, created.body.liveKey);
    expect(r.headers.get('x-ratelimit-limit')).toBe('10000');
    await t.call('POST', `/api/v1/admin/accounts/${id}/suspend`, undefined, admin);
    const suspended = await t.call('GET', '/api/v1/products', undefined, created.body.liveKey);
    expect(suspended.status).toBe(403);
    expect(suspended.body.code).toBe('FORBIDDEN');
  });
});

describe('API versioning', () => {
  it('echoes a known X-API-Version and refuses an unknown one with 400', async () => {
    const ok = await t.call('GET', '/api/v1/health', undefined, null, { 'x-api-version': '2026-01-01' });
    expect(ok.headers.get('x-api-version')).toBe('2026-01-01');
    const bad = await t.call('GET', '/api/v1/health', undefined, null, { 'x-api-version': '1999-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('UNSUPPORTED_API_VERSION');
  });
});
