// Licensing's background jobs, registered with the Scheduler by the composition root.
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';
import { reapExpiredLeases } from './leases.service';
import { sendExpiryNotices } from './license-emails';
import { expireDueLicenses } from './licenses.service';

export const licensingJobs = (deps: Deps): Job[] => [
  { name: 'expiry-sweeper', intervalMs: 30_000, run: () => expireDueLicenses(deps) },
  { name: 'expiry-notices', intervalMs: 60_000, run: () => sendExpiryNotices(deps) },
  { name: 'lease-reaper', intervalMs: deps.config.reaperIntervalMs, run: () => reapExpiredLeases(deps) },
];
