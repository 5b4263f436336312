// The customer page in headless Chromium: the vendor's one-click link signs in, the key is revealed
// and copied, Deactivate (reached by keyboard) frees the seat, a second use of the link fails, no
// serious or critical axe-core violations, and nothing overflows at 390 px.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';

const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);

let t: TestApp;
let origin: string;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  t = await makeApp();
  origin = `http://127.0.0.1:${await t.app.listen(0, '127.0.0.1')}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
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
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function customer() {
  await t.call('PATCH', '/api/v1/branding', {
    name: 'Northwind Tools',
    primary_color: '#0B6E4F',
    accent_color: '#F2A541',
  });
  const p = await t.call('POST', '/api/v1/products', { name: 'Northwind Studio' });
  const l = await t.call('POST', '/api/v1/licenses', {
    product_id: p.body.product.id,
    type: 'subscription',
    max_activations: 3,
    email: 'ada@example.com',
  });
  for (const [m, label] of [
    ['mbp-ada-2024', 'Ada’s MacBook Pro'],
    ['win-desk-7', null],
  ] as const) {
    await t.call(
      'POST',
      '/api/v1/activate',
      { license_key: l.body.license.key, machine_id: m, label, platform: 'mac' },
      null,
    );
  }
  const link = await t.call('POST', `/api/v1/customers/${l.body.license.customerId}/portal-link`);
  return { license: l.body.license, url: `${origin}${new URL(link.body.url).pathname}` };
}

async function axeViolations(page: Page) {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe.skipIf(!existsSync(CHROMIUM))('the customer page in Chromium', () => {
  it('signs in with the portal link, reveals and copies the key, deactivates by keyboard; the link works once', async () => {
    const { license, url } = await customer();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await page.getByRole('heading', { name: 'Your licenses' }).waitFor();
    expect(page.url()).toBe(`${origin}/my/${t.accountId}/`);
    expect(await page.getByText('2 of 3 used').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // The key is masked until revealed; Copy (shown by the page's script) copies it.
    await expect.poll(() => page.getByText(license.key, { exact: true }).isVisible()).toBe(false);
    await page.getByText('Reveal key').click();
    expect(await page.getByText(license.key, { exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Copy key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(license.key);

    // Tab to the first Deactivate button and press Enter.
    let focused = '';
    for (let i = 0; i < 30 && !focused.startsWith('Deactivate'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '',
      );
    }
    expect(focused).toBe('Deactivate Ada’s MacBook Pro');
    await page.keyboard.press('Enter');
    await page.getByText('The device was deactivated; its seat is free.').waitFor();
    expect(await page.getByText('1 of 3 used').count()).toBe(1);
    expect(await page.getByText('Ada’s MacBook Pro').count()).toBe(0);
    const acts = (await t.call('GET', `/api/v1/licenses/${license.id}/activations`)).body.data;
    expect(acts.map((a: { machineId: string }) => a.machineId)).toEqual(['win-desk-7']);
    const events = (await t.call('GET', `/api/v1/events?license_id=${license.id}&type=license.deactivated`))
      .body.data;
    expect(events[0].data).toMatchObject({ actor: 'customer', deviceId: 'mbp-ada-2024' });
    expect(errors).toEqual([]);

    // A second use of the link, from another browser, fails.
    const other = await browser.newPage();
    const res = await other.goto(url);
    expect(res?.status()).toBe(410);
    expect(await other.getByText('That sign-in link has expired or was already used').count()).toBe(1);
    expect(await other.getByRole('heading', { name: 'Your licenses' }).count()).toBe(0);
    await other.close();
    await context.close();
  });

  it('works at 390 px and on the sign-in page, with no serious or critical axe violations', async () => {
    const { url } = await customer();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${origin}/my/${t.accountId}/`);
    await page.getByLabel('Email address').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(url);
    await page.getByRole('heading', { name: 'Your licenses' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
