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
      summary: 'Readiness: database reachable and migrations applied',
      async handler(c) {
        const ok = await migrationsApplied(deps.database.sql);
        return c.json({ status: ok ? 'ready' : 'not_ready', database: deps.database.kind }, ok ? 200 : 503);
      },
    }),
  ]);
}
