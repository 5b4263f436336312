// Runs background jobs on an interval. A run never overlaps the previous one, and stop() waits
// for the one in flight.
import type { Logger } from 'pino';

export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export class Scheduler {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  add(job: Job): void {
    let busy = false;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const p = job
        .run()
        .catch((err) => this.logger.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          this.running.delete(p);
        });
      this.running.add(p);
    };
    const t = setInterval(tick, job.intervalMs);
    t.unref();
    this.timers.push(t);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.running]);
  }
}
