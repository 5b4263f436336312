// Settings › Audit log in real headless Chromium against a real server: a change made in the
// dashboard (suspending a license) shows as an entry naming the signed-in user, the action, the
// target and the status's before → after; the action filter; paging past 20 entries; axe (no serious
// or critical violation) at 1280 and 390 px, and screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIST } from '../src/http/dashboard';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

const CHROMIUM = '/usr/bin/chromium';
const SCREENS = '/work/notes/screens/audit';
const EMAIL = 'owner@example.com';
const PASSWORD = 'correct-horse-battery-staple';

let t: TestApp;
let base: string;
let browser: Browser;
let page: Page;

const auditSection = () => page.getByRole('region', { name: 'Audit log' });
const rows = () => auditSection().locator('tbody tr');

describe.skipIf(!existsSync(CHROMIUM))('Settings › Audit log in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(`${DASHBOARD_DIST}index.html`))
      execFileSync('npm', ['run', '-s', 'dashboard:build'], { stdio: 'inherit' });
    t = await makeApp({ ownerEmail: EMAIL, ownerPassword: PASSWORD });
    base = `http://127.0.0.1:${await t.app.listen(0, '127.0.0.1')}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(`${base}/dashboard`);
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a license suspended in the dashboard appears with its actor, action, target and change', async () => {
    const { license } = await productAndLicense(t);
    await page.goto(`${base}/dashboard/licenses/${license.id}`);
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByTestId('license-status').filter({ hasText: 'suspended' }).waitFor();

    await page.goto(`${base}/dashboard/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const row = auditSection().locator(`tr[data-action="license.suspended"]`);
    await row.waitFor();
    expect(await row.count()).toBe(1);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('User');
    expect(text).toContain(EMAIL);
    expect(text).toContain('license.suspended');
    expect(text).toContain(license.id);
    expect(text).toContain('status: active → suspended');
    // Newest first: the suspension is above the license's creation (by the API key).
    const actions = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(actions.indexOf('license.suspended')).toBeLessThan(actions.indexOf('license.created'));
    const created = auditSection().locator(`tr[data-action="license.created"]`).first();
    expect(await created.innerText()).toContain('API key');
  });

  it('filters by action, and pages past 20 entries', async () => {
    const { license } = await productAndLicense(t);
    for (let i = 0; i < 23; i++) {
      expect((await t.call('PATCH', `/api/v1/licenses/${license.id}`, { plan: `p${i}` })).status).toBe(200);
    }
    await page.goto(`${base}/dashboard/settings`);
    await auditSection().locator('tbody tr').first().waitFor();
    await auditSection().getByLabel('Action').selectOption('license.updated');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('tr[data-action]')].every(
          (tr) => tr.getAttribute('data-action') === 'license.updated',
        ) && document.querySelectorAll('tr[data-action]').length === 20,
    );
    const pager = auditSection().getByRole('navigation', { name: 'Pages' });
    await pager.getByText('Page 1 of 2 · 23 in all').waitFor();
    const first = await rows().first().innerText();
    expect(first).toContain('plan: p21 → p22');
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2 of 2 · 23 in all').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-action]').length === 3);
    expect(await rows().last().innerText()).toContain('plan: — → p0');
    await pager.getByRole('button', { name: 'Previous' }).click();
    await pager.getByText('Page 1 of 2 · 23 in all').waitFor();
    // A filter nothing matches says so.
    await auditSection().getByLabel('Action').selectOption('signing_key.rotated');
    await auditSection().getByText('No entry matches.').waitFor();
    await auditSection().getByLabel('Action').selectOption('');
    await rows().first().waitFor();
  });

  it('axe: no serious or critical violation at 1280 and 390 px; screenshots', async () => {
    mkdirSync(SCREENS, { recursive: true });
    const found: string[] = [];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/dashboard/settings`);
      await rows().first().waitFor();
      await page.locator('[role="status"]').first().waitFor({ state: 'detached' });
      const { violations } = await new AxeBuilder({ page }).analyze();
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        found.push(`${width}px: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) found.push(`${width}px: the page is ${overflow}px wider than the window`);
      await auditSection().screenshot({ path: `${SCREENS}/audit-log-${width}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(found).toEqual([]);
  }, 120_000);
});
