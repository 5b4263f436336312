// Composition root: buildApp(config) → { fetch, listen, stop, deps }.
import type { Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { bootstrapIfEmpty, type NewAccount, printBootstrap } from './accounts/accounts.service';
import type { Config } from './config';
import { openDatabase } from './db/client';
import { migrate } from './db/migrate';
import { createDeps, type Deps } from './deps';
import { createGraphQLHttp } from './graphql/http';
import { attachGraphQLWs } from './graphql/ws';
import { createGraphQL } from './graphql/yoga';
import { edge, ipOf, principalOf } from './http/edge';
import { requestIdFrom } from './http/request-id';
import type { RouteDef } from './http/route';
import { allRoutes } from './http/routes';
import { HELP, registerRoutes, renderError } from './http/router';
import { Scheduler } from './jobs/scheduler';
import { reapExpiredLeases } from './licensing/leases.service';
import { expireDueLicenses } from './licensing/licenses.service';
import { createLogger } from './logger';
import { WebhookDispatcher } from './webhooks/dispatcher';

export interface App {
  fetch(request: Request): Promise<Response>;
  deps: Deps;
  routes: RouteDef[];
  bootstrap: NewAccount | null;
  /** The webhook dispatcher (dispatchOnce for tests, queueDepth for metrics). */
  webhooks: WebhookDispatcher;
  /** Starts the HTTP server (port 0 picks a free port). Resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/** Stops accepting connections, lets in-flight requests finish, then closes idle keep-alive
 * connections; anything still open after `graceMs` is cut. */
function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export interface BuildOptions {
  /** Print the bootstrap secrets to stdout (the server does; tests don't). */
  printBootstrap?: boolean;
  /** Run background jobs (sweeper). Tests may drive them by hand. */
  jobs?: boolean;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<App> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  await migrate(database.sql, (msg) => logger.info({ component: 'migrate' }, msg));

  const deps = await createDeps(config, database, logger);
  const limits = deps.limits;

  let bootstrap: NewAccount | null = null;
  if (config.bootstrap) {
    bootstrap = await database.sql.withAdvisoryLock(727_274_002, () =>
      bootstrapIfEmpty(database.prisma, {
        plan: config.defaultPlan,
        ownerEmail: config.ownerEmail,
        ownerPassword: config.ownerPassword,
      }),
    );
    if (bootstrap && opts.printBootstrap) printBootstrap(bootstrap);
  }

  deps.usage.start();
  const scheduler = new Scheduler(logger);
  const webhooks = new WebhookDispatcher(deps);
  if (opts.jobs !== false) {
    webhooks.schedule(scheduler);
    scheduler.add({ name: 'expiry-sweeper', intervalMs: 30_000, run: () => expireDueLicenses(deps) });
    scheduler.add({
      name: 'lease-reaper',
      intervalMs: config.reaperIntervalMs,
      run: () => reapExpiredLeases(deps),
    });
  }

  const app = new Hono();
  app.use('*', async (c, next) => {
    const started = performance.now();
    const reqId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId' as never, reqId as never);
    // Headers set before the handler are merged into its response as it is made; setting them
    // afterwards would make Hono rebuild the response.
    c.header('X-Request-Id', reqId);
    const version = c.req.header('x-api-version');
    if (version) c.header('X-API-Version', version);
    await next();
    const matched = c.req.matchedRoutes.filter((r) => r.method !== 'ALL').at(-1)?.path ?? 'unmatched';
    deps.metrics.observe(c.req.method, matched, c.res.status, (performance.now() - started) / 1000);
    logger.info(
      {
        reqId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  });
  app.onError((err, c) => renderError(c, err, deps));
  app.notFound((c) =>
    c.json({ error: `No route for ${c.req.method} ${c.req.path}`, code: 'NOT_FOUND', help: HELP }, 404),
  );

  const routes = allRoutes(deps);
  const publicPaths = new Set(
    routes.filter((r) => r.access === 'public').map((r) => `${r.method.toUpperCase()} ${r.path}`),
  );
  const edgeMw = edge(
    deps,
    limits,
    (method, path) => publicPaths.has(`${method} ${path}`),
    (kind) => deps.metrics.rateLimited.inc({ limiter: kind }),
  );
  if (config.corsOrigins.length > 0) {
    const origin = config.corsOrigins.includes('*') ? '*' : config.corsOrigins;
    app.use(
      '*',
      cors({
        origin,
        allowHeaders: ['Authorization', 'Content-Type', 'X-API-Version', 'X-Request-Id'],
        exposeHeaders: [
          'X-RateLimit-Limit',
          'X-RateLimit-Remaining',
          'X-RateLimit-Reset',
          'X-Request-Id',
          'Retry-After',
        ],
        credentials: !config.corsOrigins.includes('*'),
      }),
    );
  }
  app.use('/api/v1/*', edgeMw);
  app.use('/graphql', edgeMw);
  registerRoutes(app, deps, routes);

  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }),
  );

  const graphql = createGraphQL(deps);
  const graphqlHttp = createGraphQLHttp(graphql.yoga, config.maxBodyBytes);
  app.on(['GET', 'POST'], '/graphql', (c) =>
    graphqlHttp(c, {
      requestId: c.get('requestId' as never),
      ip: ipOf(c),
      principal: principalOf(c),
      authError: c.get('authError' as never),
    }),
  );

  let server: ServerType | null = null;
  let ws: { close(): Promise<void> } | null = null;
  let stopped = false;
  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    deps,
    routes,
    bootstrap,
    webhooks,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => resolve(info.port));
        ws = attachGraphQLWs(server as Server, deps, graphql.yoga);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await ws?.close();
      if (server) await closeServer(server as Server);
      await scheduler.stop();
      await webhooks.stop();
      await deps.usage.stop();
      await limits.close();
      await deps.pubsub.close();
      await database.close();
    },
  };
}
