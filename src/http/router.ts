// The route table on Hono's RegExpRouter: matching a request to its RouteDef, then access checks,
// renaming and parsing of body and query, and the handler. Errors become the seed's error body.
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { requireAdmin, requirePortal, requireWriter } from '../auth/authorize';
import { readCookie, SESSION_COOKIE } from '../auth/sessions';
import type { Deps } from '../deps';
import { dbErrorToAppError } from '../db/errors';
import { AppError, HELP } from '../lib/errors';
import { assertCleanInput } from '../lib/input-guard';
import { ANONYMOUS, type Principal, type Tenant, tenantOf } from '../lib/principal';
import { type HttpCtx, type Reply, tooLarge } from '../rest/context';
import { fromRest, parseJsonBody, parseQuery, parseWith } from '../rest/input';
import type { RouteDef } from '../rest/route';
import type { Admitted } from './edge';
import { credentialScope, fingerprintOf, idempotencyKeyOf, idempotent, licenseKeyScope } from './idempotency';

/** An AppError as its status, headers and body; anything else is a logged 500 that tells the client
 * nothing more. Every error body carries `{error, code, help}`, whatever else its error adds (the
 * 429's `retryAfter`, a 400's `issues`). */
export function renderError(c: HttpCtx, err: unknown, deps: Deps, requestId?: string): Reply {
  // A database error the request caused (a lost race at a constraint, a value it cannot store) is
  // the client's 4xx (src/db/errors.ts); reads reach here without commit() having mapped it.
  const unavailable = deps.dbHealth.report(err); // logged once per outage, not per request
  const known = dbErrorToAppError(err);
  if (known) {
    if (known !== err && !unavailable)
      deps.logger.warn({ err, reqId: requestId }, 'database refused the request');
    const body = known.body();
    return c.json({ error: body.error, code: body.code, help: HELP, ...body }, known.status, known.headers);
  }
  deps.logger.error({ err, reqId: requestId }, 'unhandled error');
  return c.json({ error: 'Internal server error', code: 'INTERNAL_ERROR', help: HELP }, 500);
}

export async function readBody(c: HttpCtx, max: number): Promise<string> {
  const declared = Number(c.req.headers.get('content-length') ?? 0);
  if (declared > max) throw tooLarge(max);
  return c.req.readBody(max);
}

async function readBytes(c: HttpCtx, max: number): Promise<Buffer> {
  const declared = Number(c.req.headers.get('content-length') ?? 0);
  if (declared > max) throw tooLarge(max);
  return c.req.readBytes(max);
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
  const dynamic = (method: string, path: string): Matched | null => {
    const [matches, stash] = router.match(method === 'HEAD' ? 'GET' : method, path);
    const first = matches[0];
    if (!first) return null;
    const [route, where] = first as [RouteDef, Record<string, string | number>];
    const params: Record<string, string> = {};
    for (const k in where) params[k] = decode(stash ? stash[where[k] as number]! : (where[k] as string));
    return { route, params };
  };
  // Paths without parameters (validate, activate…) are looked up in a map first, when the router
  // would answer that route for them anyway; the router's regular expression costs more per call.
  const fixed = new Map<string, Matched>();
  for (const r of routes) {
    if (r.path.includes(':') || r.path.includes('*')) continue;
    const method = r.method.toUpperCase();
    if (dynamic(method, r.path)?.route === r) fixed.set(`${method} ${r.path}`, { route: r, params: {} });
  }
  const match = (method: string, path: string): Matched | null => {
    const hit = fixed.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
    return hit ? { route: hit.route, params: {} } : dynamic(method, path);
  };
  return Object.assign(match, {
    allowed: (path: string) => METHODS.filter((m) => match(m, path) !== null),
  });
}

/** A browser sends the session cookie on a cross-site form or `text/plain` POST without asking
 * (no CORS preflight); only JSON (and the other methods) need a preflight, which CORS refuses. So a
 * write that only the cookie authenticates must be JSON, as on GraphQL. Bearer tokens and API keys
 * are never sent by a browser on its own, so they are not concerned. */
function cookieWrite(c: HttpCtx): boolean {
  const h = c.req.headers;
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || h.get('authorization')) return false;
  if (!readCookie(h.get('cookie'), SESSION_COOKIE)) return false;
  return !/^application\/json\b/i.test(h.get('content-type') ?? '');
}

/** Runs one matched route for an admitted caller. */
export async function runRoute(deps: Deps, c: HttpCtx, m: Matched, who: Admitted): Promise<Reply> {
  // The table holds routes of every shape; each handler is typed by its own (see RouteDef).
  const r = m.route as RouteDef<unknown, unknown>;
  let principal: Principal = who.principal;
  if (cookieWrite(c)) {
    if (r.access !== 'public' || r.usesSessionCookie) {
      throw new AppError(
        'FORBIDDEN',
        'A request authenticated by the session cookie must be sent as application/json',
      );
    }
    // A public route does not need the cookie: it is ignored, as if it had not been sent.
    principal = ANONYMOUS;
  } else if (who.authError) throw who.authError;
  let tenant = tenantOf(principal);
  if (r.access === 'portal') tenant = requirePortal(principal);
  if (r.access === 'admin') requireAdmin(principal);
  if ((r.mutates ?? r.method !== 'get') && r.access !== 'public') requireWriter(principal);
  // A path id is text too: a NUL in it would reach the database's `WHERE id = …`.
  assertCleanInput(m.params, 'path');
  const idemKey = r.method !== 'get' && r.idempotency !== false ? idempotencyKeyOf(c) : null;
  let body: unknown = undefined;
  let text: string | null = null;
  const raw = r.rawBody ? await readBytes(c, deps.config.maxBodyBytes) : null;
  if (r.body && !r.rawBody) {
    text = await readBody(c, deps.config.maxBodyBytes);
    let raw = parseJsonBody(text);
    if (r.rest) raw = r.rest(raw);
    body = parseWith(r.body, fromRest(raw, r.aliases), 'body');
  }
  const query: unknown = r.query ? parseWith(r.query, fromRest(parseQuery(c.req.query)), 'query') : undefined;
  const meta = { ip: who.ip, userAgent: c.req.headers.get('user-agent'), requestId: who.requestId };
  const run = () =>
    r.handler(c, {
      body,
      raw,
      query,
      params: m.params,
      principal,
      // Public routes have no tenant of their own; portal and admin routes always do.
      caller: { ...meta, tenant: tenant as Tenant, principal },
      keyCaller: { ...meta, scope: tenant },
    });
  if (idemKey === null) return run();
  // Everything that can refuse the request before its handler (auth, scope, rate limit, input) has
  // run by now, so none of those refusals is ever stored.
  const scope = idempotencyScope(r, principal, body);
  if (scope === null) return run();
  const fingerprint = fingerprintOf(c, raw ?? text);
  return idempotent(deps, c, { scope, key: idemKey, fingerprint }, async () => {
    try {
      return await run();
    } catch (err) {
      // A refusal by the handler itself (404, 409, 422…) is its answer, and is kept like any other.
      if (err instanceof AppError) return renderError(c, err, deps, who.requestId);
      throw err;
    }
  });
}

/** Whose Idempotency-Keys a request shares: the license key on the public key routes (§14), else the
 * credential. Null (the header is ignored) for an anonymous request with no license key. */
function idempotencyScope(r: RouteDef, principal: Principal, body: unknown): string | null {
  if (r.access === 'public') {
    const key = (body as { key?: unknown } | undefined)?.key;
    if (typeof key === 'string' && key.trim() !== '') return licenseKeyScope(key);
  }
  return credentialScope(principal);
}
