import type { Deps } from '../deps';
import { migrationsApplied } from '../db/migrate';
import { defineRoutes, route } from '../rest/route';

export function healthRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/health',
      access: 'public',
      tag: 'Operations',
      summary: 'Liveness',
      handler: (c) => c.json({ status: 'ok' }),
    }),
    route({
      method: 'get',
      path: '/api/v1/ready',
      access: 'public',
      tag: 'Operations',
      summary:
        'Readiness: 200 when the database is migrated (503 `not_ready` otherwise). `degraded` lists what runs on a fallback, with `status` `degraded`, still 200: `redis` while Redis is unreachable (rate limits in memory, pub/sub local to the instance); `database` while PostgreSQL is unreachable (requests that need it get 503 `SERVICE_UNAVAILABLE` with `Retry-After`; validations of cached licenses still answer; every instance shares the one database, so taking this one out of the load balancer would help nobody)',
      async handler(c) {
        // Asks the database itself (an outage it reports starts or ends here too).
        const reachable = await deps.dbHealth.probe().catch(() => true);
        const ok = reachable && (await migrationsApplied(deps.database.sql).catch(() => false));
        const degraded = [...(reachable ? [] : ['database']), ...(deps.redis?.degraded ? ['redis'] : [])];
        const status = !reachable
          ? 'degraded'
          : !ok
            ? 'not_ready'
            : degraded.length > 0
              ? 'degraded'
              : 'ready';
        return c.json({ status, database: deps.database.kind, degraded }, !reachable || ok ? 200 : 503);
      },
    }),
  ]);
}
