// The vendor dashboard (src/dashboard, a Vite build) served by this server at /dashboard, and the
// redirect of / to it. The build's hashed assets are cached for a year as immutable; index.html is
// never cached, so a new build is picked up on the next load. Every page carries a strict
// Content-Security-Policy (no inline script, nothing from another origin). Without a build the
// server answers with a page that says how to make one, not a blank page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { HttpCtx, Reply } from '../rest/context';

export const DASHBOARD_DIST = fileURLToPath(new URL('../dashboard/dist/', import.meta.url));
export const DASHBOARD_PATH = '/dashboard';

/** Where `/` sends a browser. The one place to decide it: a custom domain's customer page (§9 of the
 * product document) will be the exception here. */
export function rootRedirect(_c: HttpCtx): string {
  return DASHBOARD_PATH;
}

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // https: for the branding preview's logo (an https URL, as the customer page and emails show it).
  "img-src 'self' https: data:",
  "font-src 'self'",
  // 'self' covers the same-origin WebSocket (graphql-ws) as well.
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=UTF-8',
  '.js': 'text/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | null;
}

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard not built</title></head>
<body>
<main>
<h1>The dashboard has not been built</h1>
<p>This server serves the vendor dashboard from <code>src/dashboard/dist</code>, which is missing.
<code>npm install</code> builds it (its <code>postinstall</code> step); to build it by hand, run:</p>
<pre>npm run dashboard:build</pre>
<p>then reload this page. Building needs the development dependencies (Vite, Preact, urql): an
install with <code>--omit=dev</code> skips it. The API works without it: <a href="/docs">/docs</a>,
<a href="/graphql">/graphql</a>.</p>
</main>
</body>
</html>`;

function load(dir: string): Map<string, Asset> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, Asset>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    const rel = abs.slice(dir.length).replace(/\\/g, '/').replace(/^\/?/, '/');
    const body = readFileSync(abs);
    const type = TYPES[extname(e.name)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
    files.set(rel, { type, body, gzip: compressible ? gzipSync(body, { level: 9 }) : null });
  }
  return files;
}

/** The dashboard's pages and assets; `null` for a path that is not the dashboard's. */
export function createDashboard(dir = DASHBOARD_DIST) {
  let files: Map<string, Asset> | null = null;
  let builtAt = 0;
  // A build made while the server runs is picked up: the index's mtime says when to reload.
  const current = () => {
    const index = join(dir, 'index.html');
    const mtime = existsSync(index) ? statSync(index).mtimeMs : 0;
    if (mtime !== builtAt) {
      files = mtime ? load(dir) : null;
      builtAt = mtime;
    }
    return files;
  };

  const send = (c: HttpCtx, a: Asset, cache: string): Reply => {
    c.header('Cache-Control', cache);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Vary', 'Accept-Encoding');
    const gzip = a.gzip && /\bgzip\b/.test(c.req.headers.get('accept-encoding') ?? '');
    if (gzip) c.header('Content-Encoding', 'gzip');
    return c.body(gzip ? a.gzip : a.body, 200, undefined, a.type);
  };

  const page = (c: HttpCtx, html: Asset | string, status = 200): Reply => {
    c.header('Content-Security-Policy', DASHBOARD_CSP);
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    if (typeof html !== 'string') return send(c, html, 'no-store');
    c.header('Cache-Control', 'no-store');
    return c.body(html, status, undefined, TYPES['.html']);
  };

  return function dashboard(c: HttpCtx, path: string): Reply | null {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return null;
    if (path === '/') {
      c.header('Location', rootRedirect(c));
      c.header('Cache-Control', 'no-store');
      return c.body(null, 302);
    }
    if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return null;
    const built = current();
    if (!built) return page(c, NOT_BUILT, 503);
    const rel = path.slice(DASHBOARD_PATH.length);
    const asset = built.get(rel);
    // Hashed build output: the name changes with the content, so it may be cached for good.
    if (asset && rel.startsWith('/assets/')) return send(c, asset, 'public, max-age=31536000, immutable');
    if (rel.startsWith('/assets/')) {
      c.header('Cache-Control', 'no-store');
      return c.body('Not found', 404);
    }
    // Every other path under /dashboard is a page of the single-page app.
    return page(c, built.get('/index.html')!);
  };
}
