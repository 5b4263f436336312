// The OpenAPI 3.1 document: valid, complete, committed; /docs renders offline in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpCtx } from '../src/rest/context';
import { deprecate } from '../src/rest/route';
import { fetchExchange, toResponse } from '../src/http/fetch-adapter';
import { OPENAPI_FILE, printOpenApi } from '../src/http/print-openapi';
import { makeApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password });
});
const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery-staple' };
afterAll(() => t.close());

describe('OpenAPI document', () => {
  it('is served at /api/v1/openapi.json and validates as OpenAPI 3.1', async () => {
    const r = await t.call('GET', '/api/v1/openapi.json', undefined, null);
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const api = await SwaggerParser.validate(structuredClone(r.body));
    expect(api.info.title).toBe('Traffic Orchestrator API');
  });

  it('covers every route of the router table, with errors, security and rate-limit headers', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json', undefined, null)).body;
    const documented = t.app.routes.filter((r) => !r.internal); // the Scalar bundle and the page are not API
    for (const route of documented) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
    const count = Object.values(doc.paths).reduce(
      (n: number, ops) => n + Object.keys(ops as object).length,
      0,
    );
    expect(count).toBe(documented.length);
    const validate = doc.paths['/api/v1/validate'].post;
    expect(validate.requestBody.content['application/json'].example).toEqual({
      license_key: 'XXXX-XXXX-XXXX-XXXX',
      domain: 'example.com',
    });
    expect(validate.responses['429'].headers['Retry-After']).toBeDefined();
    expect(validate.responses['200'].headers['X-RateLimit-Remaining']).toBeDefined();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/licenses'].get.security).toEqual(expect.arrayContaining([{ apiKey: [] }]));
    expect(doc.components.schemas.Error.required).toEqual(['error', 'code', 'help']);
  });

  it('matches the committed schema/openapi.json (run `npm run generate` after changing routes)', () => {
    expect(
      readFileSync(OPENAPI_FILE, 'utf8'),
      'schema/openapi.json is stale: run `npm run generate` and commit the result',
    ).toBe(printOpenApi());
  });
});

describe('Sunset helper', () => {
  it('marks a deprecated route with Sunset and Deprecation headers', () => {
    const c = new HttpCtx(fetchExchange(new Request('http://x/old')));
    deprecate(c, new Date('2027-06-30T00:00:00Z'), '/docs#versioning');
    const res = toResponse(c.json({ ok: true }), 'GET');
    expect(res.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    expect(res.headers.get('deprecation')).toBe('true');
    expect(res.headers.get('link')).toBe('</docs#versioning>; rel="sunset"');
  });
});

const CHROMIUM = '/usr/bin/chromium';
describe('/docs', () => {
  it('serves the Scalar page and bundle from local assets', async () => {
    const page = await t.call('GET', '/docs', undefined, null);
    expect(page.status).toBe(200);
    expect(page.body).toContain('/api/v1/openapi.json');
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    const js = await t.app.fetch(new Request('http://x/docs/scalar.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'renders in headless Chromium with no request leaving this machine',
    async () => {
      const external = await inChromium('/docs', async (page) => {
        await page.getByText('Traffic Orchestrator API').first().waitFor({ timeout: 20_000 });
        await page.getByText('License keys').first().waitFor({ timeout: 20_000 });
        // The groups in the order of the product document: what an app calls first.
        const text = await page.locator('body').innerText();
        const at = ['License keys', 'Licenses', 'Products', 'Webhooks', 'Operations'].map((g) =>
          text.indexOf(g),
        );
        expect(at.every((i) => i >= 0)).toBe(true);
        expect(at).toEqual([...at].sort((a, b) => a - b));
        expect(text.indexOf('Validate a license key')).toBeLessThan(text.indexOf('Activate a license'));
      });
      expect(external).toEqual([]);
    },
  );
});

describe('GraphiQL', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    'renders in headless Chromium with no request leaving this machine, opening on an example that runs',
    async () => {
      const external = await inChromium('/graphql', async (page) => {
        await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
        // Not the welcome text: the example query, and where the key goes, with the Headers tab open.
        const editor = page.locator('.graphiql-query-editor');
        await editor.getByText('query Example').waitFor({ timeout: 20_000 });
        const text = (await editor.innerText()).replace(/\u00a0/g, ' '); // CodeMirror's spaces
        expect(text).toContain('"Authorization": "Bearer to_live_');
        await page.getByText('Headers', { exact: true }).first().waitFor();
        // Signed in to the dashboard in this browser, it runs as it is.
        const login = await page.request.post(new URL('/api/v1/auth/login', page.url()).href, {
          data: OWNER,
        });
        expect(login.status()).toBe(200);
        await page.locator('.graphiql-execute-button').click();
        await page.locator('.result-window').getByText('"totalCount"').waitFor({ timeout: 20_000 });
        const result = (await page.locator('.result-window').innerText()).replace(/\u00a0/g, ' ');
        expect(result).toContain('"kind": "user"');
      });
      expect(external).toEqual([]);
    },
  );
});

/** Opens `path` of the app in headless Chromium, waits for `ready`, and returns every URL the page
 * tried to fetch from anywhere but this machine (each of them refused). */
let port: number | undefined;
async function inChromium(path: string, ready: (page: Page) => Promise<void>): Promise<string[]> {
  const { chromium } = await import('playwright-core');
  port ??= await t.app.listen(0, '127.0.0.1'); // one server for the file; stopped by t.close()
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      external.push(url.href);
      return route.abort();
    });
    await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'networkidle' });
    await ready(page);
    await page.waitForTimeout(1000); // anything the page would fetch after first paint
    return external;
  } finally {
    await browser.close();
  }
}
