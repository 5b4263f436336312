// The usage batch's job: flushed every second and, when the scheduler stops, once more.
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';

export const usageFlushJob = (deps: Deps): Job => ({
  name: 'usage-flush',
  intervalMs: 1000,
  run: () => deps.usage.flush(),
  stop: () => deps.usage.flush(),
});
