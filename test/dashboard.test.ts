// The vendor dashboard in real headless Chromium, against a real server: sign in, create a product
// and a license, find it, suspend it, deactivate a device, webhooks and API keys shown once, test
// mode, live updates in a second browser, and axe on every page. One browser for the file; its
// pages are reused from test to test, so the tests run in order.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIST } from '../src/http/dashboard';
import { makeApp, type TestApp } from './helpers/app';

const CHROMIUM = '/usr/bin/chromium';
const EMAIL = 'owner@example.com';
const PASSWORD = 'correct-horse-battery-staple';
const PAGES = [
  '',
  '/licenses',
  '/products',
  '/customers',
  '/webhooks',
  '/api-keys',
  '/events',
  '/emails',
  '/settings',
];

let t: TestApp;
let base: string;
let browser: Browser;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let a: Page; // the first browser session
let b: Page; // a second one, signed in on its own
let product: { id: string; name: string };
let license: { id: string; key: string };

async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

async function signIn(page: Page) {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

const go = async (page: Page, path: string, heading: string | RegExp) => {
  await page.goto(`${base}/dashboard${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
};

const rest = (method: string, path: string, body?: unknown, key?: string | null) =>
  t.call(method, path, body, key);

describe.skipIf(!existsSync(CHROMIUM))('the dashboard in Chromium', () => {
  beforeAll(async () => {
    // npm install builds it; a checkout that skipped the build gets one here.
    if (!existsSync(`${DASHBOARD_DIST}index.html`))
      execFileSync('npm', ['run', '-s', 'dashboard:build'], { stdio: 'inherit' });
    t = await makeApp({ ownerEmail: EMAIL, ownerPassword: PASSWORD, webhookAllowPrivate: true });
    base = `http://127.0.0.1:${await t.app.listen(0, '127.0.0.1')}`;
    browser = await launch();
    ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctxB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    a = await ctxA.newPage();
    b = await ctxB.newPage();
    for (const p of [a, b]) p.on('pageerror', (err) => console.error('page error:', err.message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in with Email and Password (a wrong password is refused beside the form), and the cookie renews the session on reload', async () => {
    await a.goto(`${base}/dashboard`);
    await a.getByLabel('Email', { exact: true }).fill(EMAIL);
    await a.getByLabel('Password', { exact: true }).fill('not-the-password');
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByRole('alert').filter({ hasText: 'Invalid email or password' }).waitFor();
    await a.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    for (const label of [
      'Overview',
      'Licenses',
      'Products',
      'Customers',
      'Webhooks',
      'API keys',
      'Events',
      'Emails',
      'Settings',
    ]) {
      await a
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: label, exact: true })
        .waitFor();
    }
    // The token is in memory only; a reload gets a new one from the HttpOnly cookie.
    await a.reload();
    await a.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(await a.evaluate(() => document.cookie)).toBe(''); // HttpOnly: invisible to scripts
    await signIn(b);
  });

  it('creates a product, then a license (a bad field is named beside it)', async () => {
    await go(a, '/products', 'Products');
    await a.getByLabel('Name', { exact: true }).fill('Desktop App');
    await a.getByLabel('Platforms').fill('windows, mac');
    await a.getByRole('button', { name: 'Create product' }).click();
    await a.getByRole('cell', { name: 'Desktop App', exact: true }).waitFor();
    const list = await rest('GET', '/api/v1/products');
    product = list.body.data[0];
    expect(product.name).toBe('Desktop App');

    await go(a, '/licenses', 'Licenses');
    await a.getByRole('button', { name: 'New license' }).click();
    const form = a.getByRole('form', { name: 'New license' });
    await form.getByLabel('Product', { exact: true }).selectOption({ label: 'Desktop App' });
    await form.getByLabel('Max activations').fill('2');
    await form.getByLabel('Customer email').fill('not-an-email');
    await form.getByRole('button', { name: 'Create license' }).click();
    const emailError = form.locator('.field', { has: a.getByLabel('Customer email') }).getByRole('alert');
    await emailError.waitFor();
    expect(await emailError.textContent()).toMatch(/email/i);
    await form.getByLabel('Customer email').fill('buyer@example.com');
    await form.getByRole('button', { name: 'Create license' }).click();
    await a.getByTestId('license-status').waitFor();
    expect(await a.getByTestId('license-status').textContent()).toBe('active');
    const id = new URL(a.url()).pathname.split('/').pop()!;
    const got = await rest('GET', `/api/v1/licenses/${id}`);
    license = { id, key: got.body.key ?? got.body.license?.key };
    expect(license.key).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(got.body.email ?? got.body.license?.email).toBe('buyer@example.com');
  });

  it('finds the license by part of its key, and by the customer email', async () => {
    for (let i = 0; i < 3; i++) {
      await rest('POST', '/api/v1/licenses', {
        product_id: product.id,
        type: 'perpetual',
        email: `other${i}@example.com`,
      });
    }
    await go(a, '/licenses', 'Licenses');
    await a.getByRole('row').nth(4).waitFor(); // 4 licenses
    await a.getByLabel('Search').fill(license.key.slice(5, 12).toLowerCase());
    await a.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
    expect(await a.locator('table.list tbody').textContent()).toContain(license.key);
    await a.getByLabel('Search').fill('buyer@');
    await a.waitForFunction((key) => {
      const rows = document.querySelectorAll('table.list tbody tr');
      return rows.length === 1 && rows[0]!.textContent!.includes(key);
    }, license.key);
  });

  it('suspends it, and a second browser on the same page sees the status change live', async () => {
    await go(a, `/licenses/${license.id}`, license.key);
    await go(b, `/licenses/${license.id}`, license.key);
    await a.getByRole('button', { name: 'Suspend' }).click();
    await a.getByTestId('license-status').filter({ hasText: 'suspended' }).waitFor();
    await b.getByTestId('license-status').filter({ hasText: 'suspended' }).waitFor({ timeout: 5000 });
    await b.getByRole('button', { name: 'Reinstate' }).click();
    await a.getByTestId('license-status').filter({ hasText: 'active' }).waitFor({ timeout: 5000 });
  });

  it('in a second browser, an activation made elsewhere arrives live on the Overview and on the license page', async () => {
    await go(b, '', 'Overview');
    await go(a, `/licenses/${license.id}`, license.key);
    const started = Date.now();
    const r = await rest(
      'POST',
      '/api/v1/activate',
      { license_key: license.key, machine_id: 'laptop-7', label: 'Work laptop' },
      null,
    );
    expect(r.status).toBe(201);
    await b.locator('ol.events li[data-event-type="LICENSE_ACTIVATED"]').first().waitFor({ timeout: 5000 });
    const overviewMs = Date.now() - started;
    await a.locator('tr[data-device="laptop-7"]').waitFor({ timeout: 5000 });
    const licenseMs = Date.now() - started;
    console.info(
      `live: activation on the Overview after ${overviewMs} ms, on the license page after ${licenseMs} ms`,
    );
    expect(await a.getByTestId('seats').textContent()).toBe('1 of 2');
    await b.getByTestId('active-devices').filter({ hasText: /^1$/ }).waitFor({ timeout: 5000 }); // the stats refetched
  });

  it('deactivates the device', async () => {
    await a.getByRole('button', { name: 'Deactivate Work laptop' }).click();
    await a.locator('tr[data-device="laptop-7"]').waitFor({ state: 'detached' });
    expect(await a.getByTestId('seats').textContent()).toBe('0 of 2');
    const acts = await rest('GET', `/api/v1/licenses/${license.id}/activations`);
    expect(acts.body.data).toEqual([]);
    await a.locator('ol.events li[data-event-type="LICENSE_DEACTIVATED"]').first().waitFor();
  });

  it('after the live connection drops and comes back, the page refetches: a change made meanwhile shows', async () => {
    const c = await ctxA.newPage();
    let down = false;
    const open: WebSocketRoute[] = [];
    // The page's WebSocket goes through here: while "down", every attempt is refused.
    await c.routeWebSocket(/\/graphql$/, (ws) => {
      if (down) return void ws.close({ code: 1012, reason: 'test: server restarting' });
      ws.connectToServer();
      open.push(ws);
    });
    try {
      await go(c, `/licenses/${license.id}`, license.key);
      await c.getByTestId('license-status').filter({ hasText: 'active' }).waitFor();
      await c.waitForFunction(() => document.querySelector('[data-testid="license-status"]') !== null);
      expect(open.length).toBeGreaterThan(0);
      down = true;
      for (const ws of open.splice(0)) await ws.close({ code: 1012, reason: 'test: server restarting' });
      // Made while the page has no live connection: no event can reach it.
      expect((await rest('POST', `/api/v1/licenses/${license.id}/suspend`)).status).toBe(200);
      down = false;
      await c.getByTestId('license-status').filter({ hasText: 'suspended' }).waitFor({ timeout: 20_000 });
      expect(open.length).toBeGreaterThan(0); // it did reconnect
    } finally {
      await rest('POST', `/api/v1/licenses/${license.id}/reinstate`);
      await c.close();
    }
  });

  it('creates a webhook and shows its secret once', async () => {
    await go(a, '/webhooks', 'Webhooks');
    await a.getByLabel('URL').fill('http://127.0.0.1:9/hooks');
    await a.getByLabel('license.activated').check();
    await a.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await a.getByTestId('secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await a.getByRole('button', { name: 'I have stored it' }).click();
    await a.getByTestId('secret').waitFor({ state: 'detached' });
    await a.reload();
    await a.getByRole('link', { name: 'http://127.0.0.1:9/hooks' }).click();
    await a.getByRole('heading', { name: 'Deliveries (0)' }).waitFor();
    expect(await a.content()).not.toContain(secret);
    await a.getByRole('button', { name: 'Send a test' }).click();
    await a.getByRole('heading', { name: 'Deliveries (1)' }).waitFor();
    await a.getByRole('button', { name: /^Redeliver webhook\.test/ }).waitFor();
  });

  it('creates an API key, shown once and working, then revokes it', async () => {
    await go(a, '/api-keys', 'API keys');
    await a.getByLabel('Name').fill('CI key');
    await a.getByRole('button', { name: 'Create key' }).click();
    const key = (await a.getByTestId('secret').textContent())!;
    expect(key).toMatch(/^to_live_/);
    expect((await rest('GET', '/api/v1/products', undefined, key)).status).toBe(200);
    await a.getByRole('button', { name: 'I have stored it' }).click();
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'Revoke CI key' }).click();
    await a.locator('tr', { hasText: 'CI key' }).getByText('revoked').waitFor();
    // Revocation is effective at once on this instance.
    expect((await rest('GET', '/api/v1/products', undefined, key)).status).toBe(401);
  });

  it('switches to test mode and shows test data only', async () => {
    const p = await rest('POST', '/api/v1/products', { name: 'Test-only Product' }, t.testKey);
    await rest(
      'POST',
      '/api/v1/licenses',
      { product_id: p.body.product.id, type: 'perpetual', email: 'tester@example.com' },
      t.testKey,
    );
    await go(a, '/licenses', 'Licenses');
    await a.getByRole('switch', { name: 'Test mode' }).click();
    await a.getByText('Test mode: you are seeing and changing test data only.').waitFor();
    await a.waitForFunction(() => {
      const rows = document.querySelectorAll('table.list tbody tr');
      return rows.length === 1 && rows[0]!.textContent!.includes('tester@example.com');
    });
    expect(await a.locator('table.list tbody').textContent()).not.toContain(license.key);
    // The session moved to test: a reload stays there.
    await a.reload();
    await a.getByText('Test mode: you are seeing and changing test data only.').waitFor();
    await a.getByRole('switch', { name: 'Test mode' }).click();
    await a.getByText('Test mode: you are seeing').waitFor({ state: 'detached' });
    await a.locator('table.list tbody tr', { hasText: license.key }).waitFor();
  });

  it('axe finds no serious or critical violation on any page (at 1280 px; at 390 px on the busiest), and nothing overflows at 390 px', async () => {
    const found: string[] = [];
    for (const width of [1280, 390]) {
      await a.setViewportSize({ width, height: 900 });
      for (const path of [...PAGES, `/licenses/${license.id}`]) {
        await a.goto(`${base}/dashboard${path}`);
        await a.locator('main h1').first().waitFor();
        await a.locator('[role="status"]').first().waitFor({ state: 'detached' });
        // axe takes a second or two a page here; at 390 px the busiest pages are enough.
        if (width === 1280 || path === '' || path === '/licenses' || path.startsWith('/licenses/')) {
          const { violations } = await new AxeBuilder({ page: a }).analyze();
          for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
            found.push(
              `${width}px ${path || '/'}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
            );
          }
        }
        // Nothing wider than the screen but the tables' own scrolling boxes.
        const overflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0)
          found.push(`${width}px ${path || '/'}: the page is ${overflow}px wider than the window`);
      }
    }
    await a.setViewportSize({ width: 1280, height: 900 });
    await go(b, '/emails', 'Emails'); // and on the sign-in page, signed out
    await b.getByRole('button', { name: 'Sign out' }).click();
    await b.getByRole('button', { name: 'Sign in' }).waitFor();
    const { violations } = await new AxeBuilder({ page: b }).analyze();
    for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      found.push(`sign-in: ${v.id}`);
    expect(found).toEqual([]);
  }, 240_000); // 14 axe runs, a few seconds each on a busy machine

  it('is usable by keyboard: skip link, then Tab reaches the navigation and every page', async () => {
    await go(a, '', 'Overview');
    await a.keyboard.press('Tab');
    expect(await a.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // Tab to "Licenses" in the navigation and follow it with Enter.
    for (let i = 0; i < 20; i++) {
      await a.keyboard.press('Tab');
      if ((await a.evaluate(() => document.activeElement?.textContent)) === 'Licenses') break;
    }
    await a.keyboard.press('Enter');
    await a.getByRole('heading', { name: 'Licenses', level: 1 }).waitFor();
    expect(await a.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
  });
});
