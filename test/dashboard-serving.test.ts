// How the server serves the dashboard: / redirects to /dashboard, every page under it is the app's
// index.html (never cached, strict CSP, no inline script), hashed assets are immutable, and without
// a build there is a page that says how to make one. Plus the session switch behind "Test mode".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard, DASHBOARD_CSP, DASHBOARD_DIST } from '../src/http/dashboard';
import { fetchExchange, toResponse } from '../src/http/fetch-adapter';
import { HttpCtx } from '../src/rest/context';
import { makeApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  if (!existsSync(`${DASHBOARD_DIST}index.html`))
    execFileSync('npm', ['run', '-s', 'dashboard:build'], { stdio: 'inherit' });
  t = await makeApp({ ownerEmail: 'owner@example.com', ownerPassword: 'correct-horse-battery-staple' });
}, 120_000);
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  t.app.fetch(new Request(`http://test.local${path}`, { headers }));

describe('/dashboard', () => {
  it('/ redirects to /dashboard', async () => {
    const r = await get('/');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/dashboard');
  });

  it('serves index.html for the app and its pages, never cached, with a strict CSP and no inline script', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/licenses', '/dashboard/licenses/lic_123']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      const html = await r.text();
      expect(html).toContain('<div id="app">');
      // Every script is an external file of this origin; no inline code, no handler attributes.
      for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
        expect(attrs).toMatch(/src="\/dashboard\/assets\/[^"]+\.js"/);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+=/i);
    }
    const csp = DASHBOARD_CSP;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('caches the hashed assets as immutable, gzipped when asked, and 404s unknown ones', async () => {
    const html = await (await get('/dashboard')).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const path of assets) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(r.headers.get('content-type')).toMatch(path.endsWith('.js') ? /javascript/ : /text\/css/);
      const file = readFileSync(join(DASHBOARD_DIST, path.replace('/dashboard/', '')));
      expect(Buffer.from(await r.arrayBuffer()).equals(file)).toBe(true);
      const gz = await get(path, { 'accept-encoding': 'gzip, br' });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
    }
    const missing = await get('/dashboard/assets/nope-123.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });

  it('without a build, says how to build it (503), not a blank page', () => {
    const dashboard = createDashboard(mkdtempSync(join(tmpdir(), 'no-dashboard-')));
    const c = new HttpCtx(fetchExchange(new Request('http://x/dashboard')));
    const reply = dashboard(c, '/dashboard')!;
    expect(reply.status).toBe(503);
    expect(reply.body as string).toContain('npm run dashboard:build');
    expect(reply.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(toResponse(reply, 'GET').headers.get('cache-control')).toBe('no-store');
    // Other paths are not the dashboard's business.
    expect(dashboard(new HttpCtx(fetchExchange(new Request('http://x/docs'))), '/docs')).toBeNull();
  });
});

describe('sessions across environments (the "Test mode" switch)', () => {
  it('refresh renews the session from the cookie, in the other environment when asked', async () => {
    const login = await t.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'owner@example.com', password: 'correct-horse-battery-staple' },
      null,
    );
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const viewer = async (token: string) =>
      (await t.call('POST', '/graphql', { query: '{ viewer { environment } }' }, token)).body.data.viewer
        .environment;
    expect(await viewer(login.body.token)).toBe('live');

    const test = await t.call('POST', '/api/v1/auth/refresh', { environment: 'test' }, null, { cookie });
    expect(test.status).toBe(200);
    expect(await viewer(test.body.token)).toBe('test');
    // The new cookie carries the test session: a plain refresh stays in test.
    const testCookie = test.headers.get('set-cookie')!.split(';')[0]!;
    const again = await t.call('POST', '/api/v1/auth/refresh', undefined, null, { cookie: testCookie });
    expect(await viewer(again.body.token)).toBe('test');
    const bad = await t.call('POST', '/api/v1/auth/refresh', { environment: 'staging' }, null, { cookie });
    expect(bad.status).toBe(400);
  });
});
