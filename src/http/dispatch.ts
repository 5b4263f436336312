// Every HTTP request, whatever the transport, goes through here: request id, API version echo, CORS,
// the edge (auth and rate limits) on /api/v1 and /graphql, then the route table, GraphQL, /metrics,
// the dashboard (and / redirecting to it) or a 404; errors in the seed's format; a metric per request
// and a log line for failed, slow and sampled requests.
import type { Deps } from '../deps';
import { HELP } from '../lib/errors';
import { ANONYMOUS } from '../lib/principal';
import { type Exchange, HttpCtx, type Reply } from '../rest/context';
import type { RouteDef } from '../rest/route';
import { corsPolicy } from './cors';
import { createDashboard } from './dashboard';
import { admit } from './edge';
import type { GraphQLHttp } from './graphql/graphql-http';
import type { Pages } from './pages';
import { requestIdFrom } from './request-id';
import { type Matched, renderError, routeMatcher, routingPath, runRoute } from './router';

export type Dispatch = (ex: Exchange) => Promise<Reply>;

const behindEdge = (path: string) => path.startsWith('/api/v1/') || path === '/graphql';

export function createDispatcher(
  deps: Deps,
  routes: RouteDef[],
  graphql: GraphQLHttp,
  pages: Pages = () => Promise.resolve(null),
): Dispatch {
  const { logger, metrics } = deps;
  const match = routeMatcher(routes);
  const cors = corsPolicy(deps.config.corsOrigins);
  const dashboard = createDashboard();
  // Request lines: every failure and slow request, 1 in `sample` of the rest (all of them at debug).
  // A line per request cost about a tenth of a validate's CPU (the README's Benchmarks).
  const logInfo = logger.isLevelEnabled('info');
  const { sample, slowMs } = deps.config.requestLog;
  const every = logger.isLevelEnabled('debug') ? 1 : sample;
  let seen = 0;
  const shouldLog = (status: number, ms: number) =>
    status >= 400 || ms >= slowMs || every === 1 || ++seen % every === 0;

  async function handle(
    c: HttpCtx,
    requestId: string,
    path: string,
    m: Matched | null,
    isGraphql: boolean,
  ): Promise<Reply> {
    const ex = c.req;
    const preflight = cors?.(c);
    if (preflight) return preflight;
    // The customer page (/my/<account>/…, or a registered custom domain, whose `/` is its page).
    if (!behindEdge(path)) {
      const page = await pages(c, path, requestId);
      if (page) return page;
    }
    if (behindEdge(path)) {
      const who = await admit(deps, c, m?.route.access === 'public', requestId);
      if (m) return runRoute(deps, c, m, who);
      if (isGraphql) {
        return graphql(c, { requestId, ip: who.ip, principal: who.principal, authError: who.authError });
      }
    } else if (m) {
      // Outside the edge (the docs): anonymous, and not rate limited.
      return runRoute(deps, c, m, { principal: ANONYMOUS, authError: undefined, ip: 'unknown', requestId });
    } else if (path === '/metrics' && ex.method === 'GET') {
      const text = await metrics.registry.metrics();
      return c.body(text, 200, { 'Content-Type': metrics.registry.contentType });
    } else {
      const page = dashboard(c, path);
      if (page) return page;
    }
    const allowed = match.allowed(path);
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      c.header('Allow', allowed.join(', '));
      const error = `${ex.method} is not allowed on ${ex.path}; use ${allowed.join(', ')}`;
      return c.json({ error, code: 'METHOD_NOT_ALLOWED', help: HELP }, 405);
    }
    return c.json({ error: `No route for ${ex.method} ${ex.path}`, code: 'NOT_FOUND', help: HELP }, 404);
  }

  return async function dispatch(ex) {
    const started = performance.now();
    const requestId = requestIdFrom(ex.headers.get('x-request-id') ?? undefined);
    const c = new HttpCtx(ex);
    c.header('X-Request-Id', requestId);
    const version = ex.headers.get('x-api-version');
    if (version) c.header('X-API-Version', version);
    // One decoded path decides the route, the edge and the label alike.
    const path = routingPath(ex.path);
    const m = match(ex.method, path);
    const isGraphql = !m && path === '/graphql' && (ex.method === 'POST' || ex.method === 'GET');
    const label = m
      ? m.route.path
      : isGraphql
        ? '/graphql'
        : path === '/metrics'
          ? '/metrics'
          : path === '/' || path.startsWith('/dashboard')
            ? '/dashboard'
            : path.startsWith('/my/')
              ? '/my/:account'
              : 'unmatched';
    let reply: Reply;
    try {
      reply = await handle(c, requestId, path, m, isGraphql);
    } catch (err) {
      reply = renderError(c, err, deps, requestId);
    }
    const ms = performance.now() - started;
    metrics.observe(ex.method, label, reply.status, ms / 1000);
    if (logInfo && shouldLog(reply.status, ms)) {
      const line = { reqId: requestId, method: ex.method, path: ex.path, status: reply.status };
      logger.info({ ...line, ms: Math.round(ms * 100) / 100 }, 'request');
    }
    return reply;
  };
}
