// The edge of the customer page: which account a request is for (/my/<account id>/… on any host,
// or /… on a registered custom domain, by Host, or X-Forwarded-Host behind a trusted proxy), the
// page's own routes matched on the rest of the path, the form body read, errors as an HTML page.
import { RegExpRouter } from 'hono/router/reg-exp-router';
import type { Deps } from '../deps';
import { accountForHost } from '../accounts/branding.service';
import { readCookie } from '../auth/sessions';
import { AppError } from '../lib/errors';
import { assertCleanInput } from '../lib/input-guard';
import type { PageRequest, PageRoute } from '../pages/page-route';
import { HttpCtx, type Reply } from '../rest/context';
import { clientIp, forwardedEntry } from './edge';

const FORM_MAX_BYTES = 16 * 1024;
const MY = /^\/my\/(acct_[0-9A-Za-z]{20})(\/.*)?$/;

/** The request's host name, lower-case, without a port. */
function hostOf(c: HttpCtx, trustProxy: number): string | null {
  const forwarded = forwardedEntry(c.req.headers.get('x-forwarded-host'), trustProxy);
  let host = forwarded || c.req.headers.get('host');
  if (!host) {
    try {
      host = new URL(c.req.url).host;
    } catch {
      return null;
    }
  }
  return host.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase() || null;
}

function cookiesOf(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['to_customer', 'to_customer_csrf']) {
    const v = readCookie(header, name);
    if (v) out[name] = v;
  }
  return out;
}

export type Pages = (c: HttpCtx, path: string, requestId: string) => Promise<Reply | null>;

export function createPages(deps: Deps, routes: PageRoute[]): Pages {
  const router = new RegExpRouter<PageRoute>();
  for (const r of routes) router.add(r.method.toUpperCase(), r.path, r);
  const ownHost = new URL(deps.config.publicUrl).hostname.toLowerCase();
  const trustProxy = deps.config.trustProxy;

  return async function pages(c, path, requestId) {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (method !== 'GET' && method !== 'POST') return null;
    let accountId: string | null;
    let base: string;
    let rest: string;
    let origin: string;
    const my = MY.exec(path);
    if (my) {
      accountId = my[1]!;
      base = `/my/${accountId}`;
      rest = my[2] ?? '/';
      origin = `${deps.config.publicUrl}${base}`;
    } else {
      const host = hostOf(c, trustProxy);
      if (!host || host === ownHost) return null;
      accountId = await accountForHost(deps, host);
      if (!accountId) return null;
      base = '';
      rest = path;
      origin = `https://${host}`;
    }
    const [matches, stash] = router.match(method, rest);
    const first = matches[0];
    if (!first) return null;
    assertCleanInput(accountId, 'path');
    const account = await deps.prisma.account.findUnique({ where: { id: accountId } });
    if (!account || account.status !== 'active') return null;
    const [route, where] = first as [PageRoute, Record<string, string | number>];
    const params: Record<string, string> = {};
    for (const k in where) params[k] = stash ? stash[where[k] as number]! : (where[k] as string);
    let form: URLSearchParams | null = null;
    if (method === 'POST') {
      const type = c.req.headers.get('content-type') ?? '';
      if (!type.startsWith('application/x-www-form-urlencoded')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The customer page takes HTML form posts');
      }
      form = new URLSearchParams(await c.req.readBody(FORM_MAX_BYTES));
      assertCleanInput(Object.fromEntries(form), 'form');
    }
    assertCleanInput(params, 'path');
    const query = new URLSearchParams(c.req.query);
    assertCleanInput(Object.fromEntries(query), 'query');
    const forwardedProto = forwardedEntry(c.req.headers.get('x-forwarded-proto'), trustProxy);
    const req: PageRequest = {
      c,
      account,
      base,
      origin,
      cookiePath: base || '/',
      secure: forwardedProto ? forwardedProto === 'https' : deps.config.publicUrl.startsWith('https:'),
      ip: clientIp(c.req, trustProxy) ?? 'unknown',
      userAgent: c.req.headers.get('user-agent'),
      requestId,
      params,
      query,
      form,
      cookies: cookiesOf(c.req.headers.get('cookie')),
    };
    return route.handler(req);
  };
}
