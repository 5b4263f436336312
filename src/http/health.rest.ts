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
        'Readiness: 200 when the database is reachable and migrated (503 `not_ready` otherwise). `degraded` lists what runs on a fallback: `redis` while Redis is unreachable (rate limits in memory, pub/sub local to the instance); `status` is then `degraded`, still 200',
      async handler(c) {
        const ok = await migrationsApplied(deps.database.sql).catch(() => false);
        const degraded = deps.redis?.degraded ? ['redis'] : [];
        const status = !ok ? 'not_ready' : degraded.length > 0 ? 'degraded' : 'ready';
        return c.json({ status, database: deps.database.kind, degraded }, ok ? 200 : 503);
      },
    }),
  ]);
}
