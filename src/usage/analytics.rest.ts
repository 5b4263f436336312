import { z } from 'zod';
import type { Deps } from '../deps';
import { isoDate } from '../http/input';
import { defineRoutes, route } from '../http/route';
import { usageAnalytics } from './analytics.service';

export const AnalyticsQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  interval: z.enum(['hour', 'day']).default('day'),
  product_id: z.string().optional(),
  license_id: z.string().optional(),
  kind: z.enum(['validate', 'activate', 'deactivate', 'heartbeat']).optional(),
});

export function analyticsRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/analytics/usage',
      access: 'portal',
      tag: 'Analytics',
      summary: 'Usage over a range: counts per hour or day, results by code, distinct active devices',
      query: AnalyticsQuerySchema,
      async handler(c, { tenant, query }) {
        const to = query.to ?? deps.now();
        const from = query.from ?? new Date(to.getTime() - 30 * 86_400_000);
        await deps.usage.flush(); // include what is still in the batch
        return c.json(
          await usageAnalytics(deps, tenant, {
            from,
            to,
            interval: query.interval,
            productId: query.product_id,
            licenseId: query.license_id,
            kind: query.kind,
          }),
        );
      },
    }),
  ]);
}
