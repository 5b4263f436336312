// Recording outbox outcomes: a send's verdict becomes the row's next state (done, pending again
// after a backoff with jitter, or failed for good), queued and written in batches through the
// channel (one statement per batch; while one batch is written the next one gathers).
import type { Logger } from 'pino';

const BATCH = 500;
/** How long the first outcome waits for others to join its batch, unless GATHER_ROWS come first. A
 * statement costs about as much as a few hundred sends to a fast receiver (on PGlite it also holds
 * up this thread), so fuller batches are worth a little delay: the row just stays leased a bit
 * longer. */
const GATHER_MS = 15;
const GATHER_ROWS = 100;

/** Wait before the next attempt after `attempts` failed ones: first × factor^(attempts−1), ±25 %
 * jitter, times `scale`. */
export function backoffMs(
  attempts: number,
  opts: { firstMs: number; factor: number; scale?: number },
  random: () => number = Math.random,
): number {
  const base = opts.firstMs * opts.factor ** Math.max(0, attempts - 1);
  return Math.round(base * (opts.scale ?? 1) * (0.75 + random() * 0.5));
}

/** What one send came to. `extra` is the channel's own record of it (the receiver's answer…). */
export type Verdict<X> =
  /** Sent and accepted. */
  | { kind: 'done'; extra: X }
  /** Not accepted this time: try again after a backoff, or fail once the attempts are used up. */
  | { kind: 'retry'; error: string; extra: X }
  /** Failed for good. `attempted`: an attempt was made (a 410), rather than none (a disabled endpoint). */
  | { kind: 'fail'; error: string; extra: X; attempted: boolean }
  /** Not sent, or cut off by shutdown: hand the row back without counting an attempt. */
  | { kind: 'release' };

/** A row's next state, for the channel to write. */
export interface Settled<R, X> {
  row: R;
  token: string;
  /** When the verdict came. */
  at: Date;
  status: 'done' | 'pending' | 'failed';
  attempts: number;
  /** The next attempt (pending only). */
  next: Date | null;
  error: string | null;
  /** Whether an attempt was made (a skipped row keeps its last answer). */
  attempted: boolean;
  extra: X | null;
}

export interface OutboxStats {
  attempts: number;
  delivered: number;
  retried: number;
  failed: number;
}

interface Channel<R, X> {
  name: string;
  maxAttempts: number;
  backoffMs(attempts: number): number;
  write(settled: Settled<R, X>[], released: { row: R; token: string }[]): Promise<void>;
}

interface Queued<R, X> {
  row: R;
  token: string;
  verdict: Verdict<X>;
  at: Date;
  done: () => void;
  fail: (err: unknown) => void;
}

export class OutcomeWriter<R extends { id: string; attempts: number }, X> {
  readonly stats: OutboxStats = { attempts: 0, delivered: 0, retried: 0, failed: 0 };
  private queue: Queued<R, X>[] = [];
  private writing: Promise<void> | null = null;
  /** Ends the current gathering early (a full batch is waiting). */
  private gathered: (() => void) | null = null;

  constructor(
    private readonly base: { logger: Logger; now: () => Date; dbHealth?: { report(err: unknown): boolean } },
    private readonly channel: Channel<R, X>,
  ) {}

  /** Queues an outcome; resolves once it is written (or rejects if the write failed, in which case
   * the row stays leased and is sent again when the lease runs out). */
  record(row: R, token: string, verdict: Verdict<X>): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ row, token, verdict, at: this.base.now(), done, fail });
      this.writing ??= this.gather().then(() => this.drain());
      if (this.queue.length >= GATHER_ROWS) this.gathered?.();
    });
  }

  private gather(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.gathered?.(), GATHER_MS);
      this.gathered = () => {
        this.gathered = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Resolves when everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, BATCH);
        try {
          await this.write(batch);
          for (const q of batch) q.done();
        } catch (err) {
          if (!this.base.dbHealth?.report(err))
            this.base.logger.error(
              { err, rows: batch.length },
              `writing ${this.channel.name} outcomes failed`,
            );
          for (const q of batch) q.fail(err);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private settle(q: Queued<R, X>): Settled<R, X> | null {
    const { row, token, verdict, at } = q;
    if (verdict.kind === 'release') return null;
    const base = { row, token, at, next: null, extra: verdict.extra };
    if (verdict.kind === 'done') {
      return { ...base, status: 'done', attempts: row.attempts + 1, error: null, attempted: true };
    }
    if (verdict.kind === 'fail') {
      const attempts = row.attempts + (verdict.attempted ? 1 : 0);
      return { ...base, status: 'failed', attempts, error: verdict.error, attempted: verdict.attempted };
    }
    const attempts = row.attempts + 1;
    if (attempts >= this.channel.maxAttempts) {
      return { ...base, status: 'failed', attempts, error: verdict.error, attempted: true };
    }
    const next = new Date(at.getTime() + this.channel.backoffMs(attempts));
    return { ...base, status: 'pending', attempts, error: verdict.error, attempted: true, next };
  }

  private async write(batch: Queued<R, X>[]): Promise<void> {
    const settled: Settled<R, X>[] = [];
    const released: { row: R; token: string }[] = [];
    for (const q of batch) {
      const s = this.settle(q);
      if (s) settled.push(s);
      else released.push({ row: q.row, token: q.token });
    }
    await this.channel.write(settled, released);
    for (const s of settled) {
      if (s.status === 'done') this.stats.delivered++;
      else if (s.status === 'failed') this.stats.failed++;
      else this.stats.retried++;
      if (s.status === 'failed') {
        this.base.logger.warn({ row: s.row.id, error: s.error }, `${this.channel.name} failed for good`);
      }
    }
  }
}
