// The route table on Hono's RegExpRouter: matching a request to its RouteDef, then access checks,
// body and query parsing, and the handler.
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { requireAdmin, requirePortal, requireWriter } from '../auth/authenticate';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import type { Admitted } from './edge';
import { type HttpCtx, type Reply, tooLarge } from './exchange';
import { parseJsonBody, parseWith } from './input';
import type { RouteDef } from './route';

export const HELP = '/docs#errors';

export function errorBody(err: AppError) {
  const body: Record<string, unknown> = { error: err.message, code: err.code, help: HELP };
  if (err.details && typeof err.details === 'object') Object.assign(body, err.details);
  return body;
}

/** An AppError as its status and the seed's error body; anything else is a logged 500 that tells
 * the client nothing more. */
export function renderError(c: HttpCtx, err: unknown, deps: Deps, requestId?: string): Reply {
  if (err instanceof AppError) return c.json(errorBody(err), err.status);
  deps.logger.error({ err, reqId: requestId }, 'unhandled error');
  return c.json({ error: 'Internal server error', code: 'INTERNAL_ERROR', help: HELP }, 500);
}

export async function readBody(c: HttpCtx, max: number): Promise<string> {
  const declared = Number(c.req.headers.get('content-length') ?? 0);
  if (declared > max) throw tooLarge(max);
  return c.req.readBody(max);
}

/** The query string as a record; the first of repeated names wins. */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (query === '') return out;
  for (const [k, v] of new URLSearchParams(query)) if (!(k in out)) out[k] = v;
  return out;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The path as routed: percent-escapes decoded except reserved characters (`%2F` stays), as Hono
 * does; params are then decoded in full. Malformed escapes leave the path as sent. */
export function routingPath(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURI(raw);
  } catch {
    return raw;
  }
}

export interface Matched {
  route: RouteDef;
  params: Record<string, string>;
}

export interface Matcher {
  (method: string, path: string): Matched | null;
  /** The methods that have a route at `path` (for a 405's Allow header). */
  allowed(path: string): string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function routeMatcher(routes: RouteDef[]): Matcher {
  const router = new RegExpRouter<RouteDef>();
  for (const r of routes) router.add(r.method.toUpperCase(), r.path, r);
  const match = (method: string, path: string): Matched | null => {
    const [matches, stash] = router.match(method === 'HEAD' ? 'GET' : method, path);
    const first = matches[0];
    if (!first) return null;
    const [route, where] = first as [RouteDef, Record<string, string | number>];
    const params: Record<string, string> = {};
    for (const k in where) params[k] = decode(stash ? stash[where[k] as number]! : (where[k] as string));
    return { route, params };
  };
  return Object.assign(match, {
    allowed: (path: string) => METHODS.filter((m) => match(m, path) !== null),
  });
}

/** Runs one matched route for an admitted caller. */
export async function runRoute(deps: Deps, c: HttpCtx, m: Matched, who: Admitted): Promise<Reply> {
  const r = m.route;
  if (who.authError) throw who.authError;
  const principal = who.principal;
  let tenant: Tenant = null as unknown as Tenant;
  if (r.access === 'portal') tenant = requirePortal(principal);
  if (r.access === 'admin') requireAdmin(principal);
  if ((r.mutates ?? r.method !== 'get') && r.access !== 'public') requireWriter(principal);
  let body: unknown = undefined;
  if (r.body) body = parseWith(r.body, parseJsonBody(await readBody(c, deps.config.maxBodyBytes)), 'body');
  const query = r.query ? parseWith(r.query, parseQuery(c.req.query), 'query') : undefined;
  return r.handler(c, {
    body,
    query,
    params: m.params,
    principal,
    tenant,
    caller: {
      scope:
        principal.accountId && principal.environment
          ? (tenant ?? { accountId: principal.accountId, environment: principal.environment })
          : null,
      ip: who.ip,
      userAgent: c.req.headers.get('user-agent'),
    },
  });
}
