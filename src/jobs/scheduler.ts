// Runs every background job of the process: each on its interval, a run never overlapping the
// previous one. stop() waits for the runs in flight, then stops the jobs that hold work of their
// own (the webhook dispatcher's sends, the usage batch), last registered first.
import type { Logger } from 'pino';

export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
  /** Also run once as soon as the job is registered. */
  runAtStart?: boolean;
  /** Finishes what the job still holds; called once by Scheduler.stop(). */
  stop?(): Promise<void>;
}

export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private jobs: Job[] = [];
  private stopped = false;

  /** `quiet(err)` is true for an error already accounted for (an unreachable database, logged once
   * per outage by src/db/availability.ts): the job runs again next tick without a line per tick. */
  constructor(
    private readonly logger: Logger,
    private readonly quiet: (err: unknown) => boolean = () => false,
  ) {}

  add(job: Job): void {
    this.jobs.push(job);
    let busy = false;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const p = job
        .run()
        .catch((err: unknown) => {
          if (!this.quiet(err)) this.logger.error({ err, job: job.name }, 'job failed');
        })
        .finally(() => {
          busy = false;
          this.running.delete(p);
        });
      this.running.add(p);
    };
    const t = setInterval(tick, job.intervalMs);
    t.unref();
    this.timers.push(t);
    if (job.runAtStart) tick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.running]);
    for (const job of [...this.jobs].reverse()) {
      try {
        await job.stop?.();
      } catch (err) {
        this.logger.error({ err, job: job.name }, 'job failed to stop');
      }
    }
  }
}
