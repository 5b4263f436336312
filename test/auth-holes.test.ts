// The authentication holes that outside probing found (issue 10): each test replays the attack.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/accounts/accounts.service';
import { loadConfig, testConfig } from '../src/config';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, gqlClient, type Gql } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
const OWNER = { email: 'owner@holes.test', password: 'owner-password-1' };
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password });
  gql = gqlClient(t);
});
afterAll(() => t.close());

describe('API keys stay in their environment (hole 3)', () => {
  it('a to_test_ key cannot mint a to_live_ key over REST or GraphQL (403 FORBIDDEN)', async () => {
    const rest = await t.call('POST', '/api/v1/api-keys', { environment: 'live' }, t.testKey);
    expect(rest.status).toBe(403);
    expect(rest.body.code).toBe('FORBIDDEN');
    expect(JSON.stringify(rest.body)).not.toContain('to_live_');
    const g = await gql(
      `mutation($input: CreateApiKeyInput) { createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { secret } } }`,
      { input: { environment: 'live' } },
      t.testKey,
    );
    expect(errorCode(g), g.trace).toBe('FORBIDDEN');
    expect(JSON.stringify(g.body)).not.toContain('to_live_');
    // Nothing was written: the account still has its two bootstrap keys.
    expect(await t.app.deps.prisma.apiKey.count({ where: { accountId: t.accountId } })).toBe(2);
    // Its own environment, named or not, still works.
    const own = await t.call('POST', '/api/v1/api-keys', { environment: 'test', name: 'ci' }, t.testKey);
    expect(own.status).toBe(201);
    expect(own.body.secret).toMatch(/^to_test_/);
  });

  it('a test key can neither see nor revoke live keys (REST and GraphQL); 404 as for an unknown id', async () => {
    const live = await t.call('POST', '/api/v1/api-keys', { name: 'live victim' });
    expect(live.status).toBe(201);
    const id = live.body.apiKey.id;

    const list = await t.call('GET', '/api/v1/api-keys?limit=100', undefined, t.testKey);
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { environment: string }) => k.environment)).not.toContain('live');
    const glist = dataOf(await gql(`{ apiKeys(first: 100) { nodes { id environment } } }`, {}, t.testKey));
    expect(glist.apiKeys.nodes.map((k: { environment: string }) => k.environment)).not.toContain('live');

    const rest = await t.call('DELETE', `/api/v1/api-keys/${id}`, undefined, t.testKey);
    expect(rest.status).toBe(404);
    expect(rest.body.code).toBe('NOT_FOUND');
    const g = await gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on NotFoundError { code } } }`,
      { id },
      t.testKey,
    );
    expect(dataOf(g).revokeApiKey, g.trace).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const row = await t.app.deps.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.revokedAt).toBeNull();
    // The live key still works.
    expect((await t.call('GET', '/api/v1/licenses', undefined, live.body.secret)).status).toBe(200);
  });
});

const login = async (body: object) => {
  const r = await t.call('POST', '/api/v1/auth/login', body, null);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token as string;
};

describe('the session cookie does not authenticate cross-site writes (hole 9, CSRF)', () => {
  it('refuses a text/plain or form POST that only the cookie authenticates; JSON still works', async () => {
    const token = await login(OWNER);
    const cookie = `to_session=${token}`;
    const before = await t.app.deps.prisma.product.count();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const r = await t.app.fetch(
        new Request('http://test.local/api/v1/products', {
          method: 'POST',
          headers: { cookie, 'content-type': type },
          body: '{"name":"csrf"}',
        }),
      );
      expect(r.status, type).toBe(403);
      expect((await r.json()).code).toBe('FORBIDDEN');
    }
    // No content type at all is no better.
    const bare = await t.app.fetch(
      new Request('http://test.local/api/v1/products', {
        method: 'POST',
        headers: { cookie },
        body: '{"name":"x"}',
      }),
    );
    expect(bare.status).toBe(403);
    // Logout and refresh read the cookie themselves: the same rule.
    const refresh = await t.app.fetch(
      new Request('http://test.local/api/v1/auth/refresh', {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/plain' },
        body: '{}',
      }),
    );
    expect(refresh.status).toBe(403);
    expect(await t.app.deps.prisma.product.count()).toBe(before);
    // The same cookie with JSON, and a bearer token with text/plain, are not cross-site forms.
    const json = await t.call('POST', '/api/v1/products', { name: 'json' }, null, { cookie });
    expect(json.status).toBe(201);
    const bearer = await t.app.fetch(
      new Request('http://test.local/api/v1/products', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: '{"name":"bearer"}',
      }),
    );
    expect(bearer.status).toBe(201);
    // A public route does not need the cookie: it is ignored, not refused.
    const validate = await t.app.fetch(
      new Request('http://test.local/api/v1/validate', {
        method: 'POST',
        headers: { cookie, 'content-type': 'text/plain' },
        body: '{"key":"AAAA-AAAA-AAAA-AAAA"}',
      }),
    );
    expect(validate.status).toBe(404);
  });
});

describe('logout is server-side (hole 9)', () => {
  it('a logged-out JWT stops working at once, with every token of that sign-in, and cannot be refreshed', async () => {
    const token = await login(OWNER);
    const other = await login(OWNER); // a second sign-in, which must survive
    expect((await t.call('GET', '/api/v1/products', undefined, token)).status).toBe(200);
    const renewed = await t.call('POST', '/api/v1/auth/refresh', {}, null, { cookie: `to_session=${token}` });
    expect(renewed.status).toBe(200);
    const refreshedToken = renewed.body.token as string;
    expect((await t.call('GET', '/api/v1/products', undefined, refreshedToken)).status).toBe(200);

    const out = await t.call('POST', '/api/v1/auth/logout', {}, null, { cookie: `to_session=${token}` });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await t.app.deps.prisma.session.count({ where: { revokedAt: { not: null } } })).toBe(1);

    for (const dead of [token, refreshedToken]) {
      const r = await t.call('GET', '/api/v1/products', undefined, dead);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('INVALID_TOKEN');
      const viaCookie = await t.call('GET', '/api/v1/products', undefined, null, {
        cookie: `to_session=${dead}`,
      });
      expect(viaCookie.status).toBe(403);
      const g = await gql(`{ viewer { kind } }`, {}, dead);
      expect(g.status, g.trace).toBe(403);
      expect(errorCode(g)).toBe('INVALID_TOKEN');
      const again = await t.call('POST', '/api/v1/auth/refresh', {}, null, { cookie: `to_session=${dead}` });
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('INVALID_TOKEN');
      const bearerRefresh = await t.call('POST', '/api/v1/auth/refresh', {}, dead);
      expect(bearerRefresh.status).toBe(403);
    }
    expect((await t.call('GET', '/api/v1/products', undefined, other)).status).toBe(200);
    // Logging out with the bearer token works the same way.
    expect((await t.call('POST', '/api/v1/auth/logout', {}, other)).status).toBe(200);
    expect((await t.call('GET', '/api/v1/products', undefined, other)).status).toBe(403);
  });
});

describe('user emails are per account (hole 9)', () => {
  it('creating a user whose email is a user of another account neither fails nor tells; signing in picks by password', async () => {
    const elsewhere = await createAccount(t.app.deps, {
      name: 'Other vendor',
      plan: 'starter',
      ownerEmail: 'shared@person.test',
      ownerPassword: 'other-account-pw',
    });
    const created = await t.call('POST', '/api/v1/users', {
      email: 'Shared@Person.test',
      role: 'developer',
      password: 'this-account-pw',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(elsewhere.account.id);
    // Within one account an email is still unique.
    const dup = await t.call('POST', '/api/v1/users', { email: 'shared@person.test', role: 'readonly' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CONFLICT');
    const g = await gql(
      `mutation($i: CreateUserInput!) { createUser(input: $i) { __typename ... on DomainError { code } } }`,
      { i: { email: 'shared@person.test', role: 'readonly' } },
    );
    expect(dataOf(g).createUser, g.trace).toEqual({ __typename: 'ConflictError', code: 'CONFLICT' });
    // The other account's answer is the same as for an address nobody has.
    const fresh = await t.call('POST', '/api/v1/users', { email: 'nobody@person.test', role: 'readonly' });
    expect(fresh.status).toBe(201);

    // Each password signs in to its own account.
    const mine = await t.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'shared@person.test', password: 'this-account-pw' },
      null,
    );
    const theirs = await t.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'shared@person.test', password: 'other-account-pw' },
      null,
    );
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    const viewer = async (token: string) =>
      dataOf(await gql(`{ viewer { account { id } } }`, {}, token)).viewer.account.id;
    expect(await viewer(mine.body.token)).toBe(t.accountId);
    expect(await viewer(theirs.body.token)).toBe(elsewhere.account.id);
    const wrong = await t.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'shared@person.test', password: 'neither-pw' },
      null,
    );
    expect(wrong.status).toBe(401);
  });
});

describe('TO_TRUST_PROXY takes the rightmost entries (hole 9)', () => {
  it('reads hops from the environment', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TO_TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig({ TO_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TO_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => loadConfig({ TO_TRUST_PROXY: 'maybe' })).toThrow(/TO_TRUST_PROXY/);
  });

  it('a client cannot spoof its IP past the per-IP limit by prepending X-Forwarded-For entries', async () => {
    const base = testConfig().rateLimit;
    const proxied = await makeApp({ trustProxy: 1, rateLimit: { ...base, ipPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // What the client sent (spoofed), then what our one proxy appended (its real address).
        const xff = `10.9.8.${i}, 198.51.100.${i}, 203.0.113.50`;
        const r = await proxied.call('GET', '/api/v1/health', undefined, null, { 'x-forwarded-for': xff });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Another real client (another rightmost entry) has its own budget.
      const r = await proxied.call('GET', '/api/v1/health', undefined, null, {
        'x-forwarded-for': '203.0.113.50, 203.0.113.51',
      });
      expect(r.status).toBe(200);
    } finally {
      await proxied.close();
    }
    // With two proxies, the second entry from the right is the client.
    const two = await makeApp({ trustProxy: 2, rateLimit: { ...base, ipPerMinute: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const xff = `10.0.0.${i}, 203.0.113.60, 192.0.2.${i}`;
        statuses.push(
          (await two.call('GET', '/api/v1/health', undefined, null, { 'x-forwarded-for': xff })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await two.close();
    }
  });
});

describe('the first-start owner can sign in (hole 9)', () => {
  it('starts the server, reads the printed owner credentials and logs in with them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'to-owner-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
    };
    // The generated owner: no TO_OWNER_* (an embedded database of its own).
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'TO_OWNER_EMAIL', 'TO_OWNER_PASSWORD']) delete env[k];
    const child = spawn(process.execPath, ['src/dist/main.js'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      let out = '';
      const ready = await new Promise<{ port: number; email: string; password: string }>(
        (resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const email = /owner email\s+(\S+)/.exec(out)?.[1];
            const password = /owner password\s+(\S+)/.exec(out)?.[1];
            const port = /"port":(\d+)/.exec(out)?.[1];
            if (email && password && port) {
              clearTimeout(timer);
              resolve({ port: Number(port), email, password });
            }
          });
        },
      );
      expect(ready.email).toMatch(/^owner\+[0-9a-z]+@localhost$/);
      const r = await fetch(`http://127.0.0.1:${ready.port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ready.email, password: ready.password }),
      });
      const body = await r.json();
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(body.user).toMatchObject({ email: ready.email, role: 'owner' });
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
