// Entry point: read config, build the app, listen, and stop cleanly on SIGTERM/SIGINT. Anything that
// stops the start (a bad setting, a port in use, a locked DATA_DIR, an unreachable database) prints
// one line saying what is wrong and how to fix it, and exits 1.
import { printBootstrap } from './accounts/accounts.service';
import { type App, buildApp } from './app';
import { type Config, loadConfig } from './config';
import { StartupError, startupMessage } from './startup-error';
import { createLogger } from './logger';

let config: Config | undefined;
let app: App | undefined;

function failStart(err: unknown): never {
  process.stderr.write(
    `traffic-orchestrator: ${startupMessage(err, { databaseUrl: config?.databaseUrl })}\n`,
  );
  if (!(err instanceof StartupError) && (config?.logLevel === 'debug' || config?.logLevel === 'trace')) {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
}

try {
  config = loadConfig();
} catch (err) {
  failStart(err);
}
const logger = createLogger(config.logLevel);
// A promise nobody handled is a bug to log, never a reason to take the server down.
process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason }, 'unhandled promise rejection (logged; the server keeps running)');
});

let port: number;
try {
  app = await buildApp(config);
  try {
    port = await app.listen();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use'
          : code === 'EACCES'
            ? 'needs privileges this process does not have'
            : 'is not an address of this machine';
      throw new StartupError(
        `Cannot listen on ${config.host}:${config.port}: the ${code === 'EADDRNOTAVAIL' ? 'host' : 'port'} ${why} (${code})`,
        code === 'EADDRNOTAVAIL'
          ? 'Set HOST to an address of this machine (0.0.0.0 for all)'
          : 'Stop the other process or set PORT to a free port',
      );
    }
    throw err;
  }
} catch (err) {
  await app?.stop().catch(() => {});
  failStart(err);
}
// Printed once the port is ours: a start that fails must not spend the one-time secrets.
if (app.bootstrap) printBootstrap(app.bootstrap);
logger.info(
  { port, database: app.deps.database.kind, dataDir: config.databaseUrl ? undefined : config.dataDir },
  `Traffic Orchestrator listening on http://localhost:${port} (REST /api/v1, GraphQL /graphql)`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app!.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
