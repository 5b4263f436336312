// `npm run bench -- dashboard`: the Overview of the dashboard on a database of BENCH_LICENSES
// (10,000) licenses, in headless Chromium: from navigation start to the Overview drawn with its data
// (every card, the chart, the feed), for a first load (empty cache) and for later loads. Also the
// Overview's GraphQL request alone, and the first-load JavaScript and CSS (bytes, gzip).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../../src/app';
import { testConfig } from '../../src/config';
import { OverviewDocument } from '../../src/dashboard/gql/graphql';
import { print } from '../../src/graphql/graphql-js';
import { DASHBOARD_DIST } from '../../src/http/dashboard';
import { seedLicenses } from '../helpers/seed';
import { type BenchOptions, freshPgDatabase, machineFacts, onCleanup } from './lib';

const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-password-123';
const RUNS = 7;

export async function dashboardBench(_opts: BenchOptions) {
  if (!existsSync(join(DASHBOARD_DIST, 'index.html')))
    throw new Error('build the dashboard first: npm run dashboard:build');
  const count = Number(process.env.BENCH_LICENSES ?? 10_000);
  const pgUrl = process.env.DATABASE_URL;
  const db = pgUrl ? await freshPgDatabase(pgUrl) : null;
  const app = await buildApp(
    testConfig({
      ...(db ? { databaseUrl: db.url } : {}),
      ownerEmail: EMAIL,
      ownerPassword: PASSWORD,
      rateLimit: { enabled: false, ipPerMinute: 1, failedLookupsPerMinute: 1, prefix: 'bench' },
    }),
    { jobs: false },
  );
  const stopApp = onCleanup(() => app.stop());
  const tenant = { accountId: app.bootstrap!.account.id, environment: 'live' as const };
  const key = app.bootstrap!.liveKey;
  const post = async (path: string, body: unknown) =>
    (
      await app.fetch(
        new Request(`http://bench.local${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        }),
      )
    ).json() as Promise<any>;
  const product = (await post('/api/v1/products', { name: 'Bench Product' })).product;
  const seeded = performance.now();
  await seedLicenses(app, tenant, { productId: product.id, count, tag: 'bench' });
  console.info(
    `seeded ${count.toLocaleString()} licenses (with customers, devices, events, a month of validations) in ${Math.round(performance.now() - seeded)} ms`,
  );

  const port = await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const closeBrowser = onCleanup(() => browser.close());
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const login = await ctx.request.post(`${base}/api/v1/auth/login`, {
    data: { email: EMAIL, password: PASSWORD },
  });
  if (login.status() !== 200) throw new Error(`login: ${login.status()}`);
  // Records when the Overview is drawn with its data, in the page's own clock (from navigation start).
  await ctx.addInitScript(() => {
    const w = window as unknown as { __ready?: number };
    new MutationObserver(() => {
      if (w.__ready === undefined && document.querySelector('[data-ready="overview"] .chart svg'))
        w.__ready = performance.now();
    }).observe(document, { subtree: true, childList: true });
  });
  const times: { ready: number; dcl: number }[] = [];
  const page = await ctx.newPage();
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${base}/dashboard`);
    await page.waitForFunction(
      () => (window as unknown as { __ready?: number }).__ready !== undefined,
      null,
      { timeout: 60_000 },
    );
    times.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return {
          ready: (window as unknown as { __ready: number }).__ready,
          dcl: nav.domContentLoadedEventEnd,
        };
      }),
    );
  }
  const first = times[0]!;
  const later = times
    .slice(1)
    .map((t) => t.ready)
    .sort((a, b) => a - b);
  const median = later[Math.floor(later.length / 2)]!;

  const query = print(OverviewDocument);
  const now = Date.now();
  const variables = {
    from: new Date(now - 30 * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
    soon: new Date(now + 30 * 86_400_000).toISOString(),
  };
  const q: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = (await post('/graphql', { query, variables })) as {
      data?: { licenseStats: { total: number } };
    };
    q.push(performance.now() - t0);
    if (r.data?.licenseStats.total !== count) throw new Error(`overview: ${JSON.stringify(r).slice(0, 300)}`);
  }
  q.sort((a, b) => a - b);

  const assets = readdirSync(join(DASHBOARD_DIST, 'assets')).map((f) => {
    const body = readFileSync(join(DASHBOARD_DIST, 'assets', f));
    return { f, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const js = assets.filter((a) => a.f.endsWith('.js'));
  const css = assets.filter((a) => a.f.endsWith('.css'));
  const sum = (xs: typeof assets, k: 'bytes' | 'gzip') => xs.reduce((n, a) => n + a[k], 0);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.info(
    JSON.stringify(
      {
        machine: machineFacts(),
        database: db ? 'postgres' : 'pglite',
        licenses: count,
        overviewReadyFirstLoadMs: Math.round(first.ready),
        overviewReadyLaterLoadsMedianMs: Math.round(median),
        domContentLoadedFirstMs: Math.round(first.dcl),
        overviewGraphqlAloneMedianMs: Math.round(q[Math.floor(q.length / 2)]!),
        firstLoadJs: `${kb(sum(js, 'bytes'))} (${kb(sum(js, 'gzip'))} gzip)`,
        css: `${kb(sum(css, 'bytes'))} (${kb(sum(css, 'gzip'))} gzip)`,
      },
      null,
      2,
    ),
  );
  await closeBrowser();
  await stopApp();
  await db?.drop();
}
