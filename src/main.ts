// Entry point: read config, build the app, listen, and stop cleanly on SIGTERM/SIGINT.
import { buildApp } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const app = await buildApp(config, { printBootstrap: true });
const port = await app.listen();
app.deps.logger.info(
  { port, database: app.deps.database.kind, dataDir: config.databaseUrl ? undefined : config.dataDir },
  `Traffic Orchestrator listening on http://localhost:${port} (REST /api/v1, GraphQL /graphql)`,
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      app.deps.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.deps.logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err) => {
        app.deps.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
