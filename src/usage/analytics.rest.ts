import type { Deps } from '../deps';
import { defineRoutes, route } from '../rest/route';
import { AnalyticsInput } from './analytics.schemas';
import { usageAnalytics } from './analytics.service';
import { analyticsJson } from './analytics.views';

export function analyticsRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/analytics/usage',
      access: 'portal',
      tag: 'Analytics',
      summary: 'Usage over a range: counts per hour or day, results by code, distinct active devices',
      query: AnalyticsInput,
      async handler(c, { caller, query }) {
        return c.json(analyticsJson(await usageAnalytics(deps, caller, query)));
      },
    }),
  ]);
}
