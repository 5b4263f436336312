// Composition root: buildApp(config) → { fetch, listen, stop, deps }.
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { credentialRecheckJob } from './auth/jobs';
import { bootstrapIfEmpty, type NewAccount, printBootstrap } from './accounts/accounts.service';
import type { Config } from './config';
import { openDatabase } from './db/client';
import { embeddedMaintenanceJob } from './db/maintenance';
import { migrate } from './db/migrate';
import { createDeps, type Deps } from './deps';
import { createDispatcher, type Dispatch } from './http/dispatch';
import { fetchExchange, toResponse } from './http/fetch-adapter';
import { attachGraphQLWs } from './http/graphql/ws';
import { lazyGraphQL } from './http/graphql/lazy';
import { idempotencySweepJob } from './http/idempotency';
import { nodeListener } from './http/node-adapter';
import { createPages } from './http/pages';
import { customerPageRoutes } from './pages/pages.routes';
import { allRoutes } from './http/routes';
import { Scheduler } from './jobs/scheduler';
import { licensingJobs } from './licensing/jobs';
import { createLogger } from './logger';
import type { RouteDef } from './rest/route';
import { usageFlushJob } from './usage/jobs';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { EmailDispatcher } from './email/dispatcher';

export interface App {
  fetch(request: Request): Promise<Response>;
  /** The transport-neutral entry that both `fetch` and the server use. */
  dispatch: Dispatch;
  deps: Deps;
  routes: RouteDef[];
  bootstrap: NewAccount | null;
  /** The webhook dispatcher (dispatchOnce for tests, queueDepth for metrics). */
  webhooks: WebhookDispatcher;
  /** The email dispatcher; null without SMTP_URL (emails then wait in the outbox as `unsent`). */
  emails: EmailDispatcher | null;
  /** Starts the HTTP server (port 0 picks a free port). Resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

/** Stops accepting connections, lets in-flight requests finish, then closes idle keep-alive
 * connections; anything still open after `graceMs` is cut. `draining` is set first: answers from
 * then on close their connection (node-adapter.ts), so a busy kept-alive client cannot hold the
 * server open until the cut. */
function closeServer(server: Server, draining: { on: boolean }, graceMs = 10_000): Promise<void> {
  draining.on = true;
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
  /** Run the background jobs (webhook dispatcher, sweeper, reaper). Tests may drive them by hand;
   * the usage batch is flushed either way. */
  jobs?: boolean;
  /** An in-memory PGlite's starting data directory (see OpenOptions.pgliteImage). */
  pgliteImage?: Blob;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<App> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, { pgliteImage: opts.pgliteImage });
  await migrate(database.sql, (msg) => logger.info({ component: 'migrate' }, msg));

  const deps = createDeps(config, database, logger);
  await deps.signingKeys.init();
  const limits = deps.limits;

  let bootstrap: NewAccount | null = null;
  if (config.bootstrap) {
    bootstrap = await database.sql.withAdvisoryLock(727_274_002, () =>
      bootstrapIfEmpty(deps, {
        plan: config.defaultPlan,
        ownerEmail: config.ownerEmail,
        ownerPassword: config.ownerPassword,
      }),
    );
    if (bootstrap && opts.printBootstrap) printBootstrap(bootstrap);
  }

  // Every background job runs through the one scheduler. The usage batch and the credential re-check
  // always do: the request path depends on the first, live subscriptions on the second.
  const scheduler = new Scheduler(logger, (err) => deps.dbHealth.report(err));
  const webhooks = new WebhookDispatcher(deps);
  const emails = config.smtpUrl ? new EmailDispatcher(deps, config.smtpUrl) : null;
  if (!emails) logger.info('SMTP_URL is not set: emails wait in the outbox as unsent until it is');
  scheduler.add(usageFlushJob(deps));
  scheduler.add(credentialRecheckJob(deps));
  if (opts.jobs !== false) {
    for (const job of [webhooks.job(), ...licensingJobs(deps), idempotencySweepJob(deps)]) scheduler.add(job);
    deps.kicks.webhook = () => webhooks.wake();
    if (database.kind === 'pglite') scheduler.add(embeddedMaintenanceJob(deps));
    if (emails) {
      scheduler.add(emails.job());
      deps.kicks.email = () => emails.kick();
    }
  }

  const routes = allRoutes(deps);
  const graphql = lazyGraphQL(deps, config.maxBodyBytes);
  const pages = createPages(deps, customerPageRoutes(deps));
  const dispatch = createDispatcher(deps, routes, graphql.http, pages);

  let server: Server | null = null;
  let ws: { close(): Promise<void> } | null = null;
  let stopped = false;
  /** Set when stop() begins: answers close their connections from then on (closeServer). */
  const draining = { on: false };
  return {
    fetch: async (request) => toResponse(await dispatch(fetchExchange(request)), request.method),
    dispatch,
    deps,
    routes,
    bootstrap,
    webhooks,
    emails,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        const s = createServer(nodeListener(dispatch, logger, () => draining.on, config.streamStallMs));
        server = s;
        // A port in use (EADDRINUSE) rejects: main.ts says so in one line. graphql-ws is attached
        // once the port is ours (its server would print the same error with a stack otherwise).
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          ws = attachGraphQLWs(s, deps, graphql.yoga);
          resolve((s.address() as AddressInfo).port);
        });
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      draining.on = true;
      await ws?.close();
      if (server) await closeServer(server, draining);
      await scheduler.stop();
      await webhooks.stop(); // stopped by the scheduler when it ran there; tests drive it by hand
      await emails?.stop();
      await limits.close();
      await deps.pubsub.close();
      await deps.redis?.close();
      deps.dbHealth.close();
      await database.close();
    },
  };
}
