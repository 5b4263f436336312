// The usage report as REST JSON: dates as ISO strings.
import type { UsageAnalytics } from './analytics.service';

export const analyticsJson = (u: UsageAnalytics) => ({
  ...u,
  from: u.from.toISOString(),
  to: u.to.toISOString(),
  series: u.series.map((b) => ({ ...b, bucket: b.bucket.toISOString() })),
});
