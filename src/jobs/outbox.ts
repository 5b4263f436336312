// The outbox dispatcher core, shared by every side effect that leaves the process (webhook
// deliveries, emails). A channel says how to claim its rows, send one and write outcomes; this core
// does the rest the same way for all of them:
//
// Claim: one short statement (the channel's) picks due rows, locks them with `FOR UPDATE SKIP
// LOCKED` and leases them to this claim (lockedBy/lockedUntil). Several instances therefore never
// send the same attempt twice, and the rows of an instance that died are claimed again once its
// lease has run out. Send: outside any transaction, concurrently, at most `maxInFlight` per
// instance and `maxPerGroup` per group (a webhook endpoint): a group at its cap is left out of the
// claim, so one slow receiver cannot fill the claim window. Record: in batches (./outcomes.ts),
// only while the lease is still ours; failures are retried with exponential backoff and jitter
// until `maxAttempts`, then the row is failed.
//
// Runs never wait for sends to finish, a finished send claims more at once (when half its group's
// slots are free: fewer, larger claims at the same concurrency), and stop() hands back what it
// cuts off, unattempted.
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { randomBase62 } from '../lib/ids';
import type { Job } from './scheduler';
import { OutcomeWriter, type Verdict, type OutboxStats, type Settled } from './outcomes';

export type { OutboxStats, Settled, Verdict } from './outcomes';
export { backoffMs } from './outcomes';

/** A claimed row: its id and the attempts made before this one. */
export interface Leased {
  id: string;
  attempts: number;
}

export interface ClaimRequest {
  /** Rows wanted at most (free slots of this instance). */
  limit: number;
  /** The lease owner written to lockedBy; outcomes are written only where it still holds. */
  token: string;
  now: Date;
  leaseUntil: Date;
  /** Groups at their cap: leave them out. */
  saturated: string[];
  /** In-flight counts of the other busy groups (same order): at most `perGroup` in all. */
  busyGroups: string[];
  busyCounts: number[];
  perGroup: number;
}

export interface OutboxChannel<R extends Leased, X> {
  /** For logs: "webhook delivery", "email". */
  name: string;
  maxInFlight: number;
  /** In flight per group (defaults to maxInFlight, for channels without groups). */
  maxPerGroup?: number;
  /** The row's group (a webhook endpoint); one group when absent. */
  group?(row: R): string;
  pollIntervalMs: number;
  /** How long a claim is ours; longer than a send can take, so a live claim never lapses. */
  leaseMs: number;
  maxAttempts: number;
  /** Wait after `attempts` failed attempts. */
  backoffMs(attempts: number): number;
  claim(req: ClaimRequest): Promise<R[]>;
  /** One attempt. Never throws: every failure is a verdict. Calls `attempted()` when it really
   * tried (the stats count those). */
  send(row: R, ctx: { signal: AbortSignal; attempted(): void }): Promise<Verdict<X>>;
  /** Writes the settled rows (where lockedBy is still their token) and hands the released ones back,
   * in one statement or one transaction. */
  write(settled: Settled<R, X>[], released: { row: R; token: string }[]): Promise<void>;
  /** Closes what the channel holds (connection pools), after the last outcome is written. */
  close?(): Promise<void>;
}

export interface OutboxDeps {
  logger: Logger;
  now: () => Date;
  /** True for an error already logged elsewhere (an unreachable database, once per outage). */
  dbHealth?: { report(err: unknown): boolean };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class Outbox<R extends Leased, X> {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBase62(6)}`;
  private readonly outcomes: OutcomeWriter<R, X>;
  private readonly shutdown = new AbortController();
  /** Send-and-record of every claimed row, until its outcome is written. */
  private readonly tracked = new Set<Promise<void>>();
  /** Sends on the wire, in total and per group (the claim's budget). */
  private sending = 0;
  private readonly perGroup = new Map<string, number>();
  private seq = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private auto = false;
  private stopping = false;

  constructor(
    protected readonly base: OutboxDeps,
    protected readonly channel: OutboxChannel<R, X>,
  ) {
    this.outcomes = new OutcomeWriter(base, channel);
    // One listener per send in flight (attempt()): up to maxInFlight, not a leak.
    setMaxListeners(0, this.shutdown.signal);
  }

  /** Attempts made and outcomes written by this instance. */
  get stats(): OutboxStats {
    return this.outcomes.stats;
  }

  private get cap(): number {
    return this.channel.maxPerGroup ?? this.channel.maxInFlight;
  }

  /** The polling job, for the Scheduler. It starts on what is already due; from then on a finished
   * send, or a kick(), also claims at once. Without it (tests), dispatchOnce() sends by hand. */
  job(name: string): Job {
    this.auto = true;
    return {
      name,
      intervalMs: this.channel.pollIntervalMs,
      runAtStart: true,
      run: () => this.pump(),
      stop: () => this.stop(),
    };
  }

  /** Something was written to the outbox: claim now rather than at the next poll (only when the job
   * runs; a no-op otherwise). */
  kick(): void {
    if (this.auto && !this.stopping) void this.pump();
  }

  /** Claims what is due, sends it and waits until every outcome is written (tests and tools).
   * Returns the number of rows handled. */
  async dispatchOnce(): Promise<number> {
    const started = await this.claimAndStart();
    await Promise.all(started);
    return started.length;
  }

  /** Stops claiming, lets in-flight sends finish for up to `graceMs` (then aborts them and hands
   * their rows back, unattempted), writes the outcomes and closes the channel. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.pumping;
    const all = Promise.all([...this.tracked]);
    const finished = await Promise.race([all.then(() => true), sleep(graceMs).then(() => false)]);
    if (!finished) this.shutdown.abort();
    await all;
    await this.outcomes.flush();
    await this.channel.close?.();
  }

  /** Claims until no slot is free or nothing is due. One claim at a time: kicks that arrive while
   * a claim runs are folded into one more round, so claims come in batches. */
  private pump(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          // Started sends are tracked (this.tracked) and end in a logged outcome, never a rejection.
          void (await this.claimAndStart());
        } while (this.again && !this.stopping);
      } catch (err) {
        if (!this.base.dbHealth?.report(err))
          this.base.logger.error({ err }, `${this.channel.name} claim failed`);
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async claimAndStart(): Promise<Promise<void>[]> {
    const free = this.channel.maxInFlight - this.sending;
    if (free <= 0 || this.stopping) return [];
    const token = `${this.instanceId}:${++this.seq}`;
    const cap = this.cap;
    const saturated: string[] = [];
    const busyGroups: string[] = [];
    const busyCounts: number[] = [];
    for (const [group, n] of this.perGroup) {
      if (n >= cap) saturated.push(group);
      else {
        busyGroups.push(group);
        busyCounts.push(n);
      }
    }
    const now = this.base.now();
    const rows = await this.channel.claim({
      limit: free,
      token,
      now,
      leaseUntil: new Date(now.getTime() + this.channel.leaseMs),
      saturated,
      busyGroups,
      busyCounts,
      perGroup: cap,
    });
    return rows.map((row) => this.start(row, token));
  }

  private start(row: R, token: string): Promise<void> {
    const group = this.channel.group?.(row) ?? '';
    this.sending++;
    this.perGroup.set(group, (this.perGroup.get(group) ?? 0) + 1);
    let onWire = true;
    const done = () => {
      if (!onWire) return;
      onWire = false;
      this.sending--;
      const n = (this.perGroup.get(group) ?? 1) - 1;
      if (n <= 0) this.perGroup.delete(group);
      else this.perGroup.set(group, n);
      // The row stays leased until its outcome is written, so its slot can be reused at once.
      if (this.auto && !this.stopping && n <= Math.floor(this.cap / 2)) void this.pump();
    };
    const p: Promise<void> = this.attempt(row)
      .then((verdict) => {
        done();
        return this.outcomes.record(row, token, verdict);
      })
      .catch((err) => {
        if (!this.base.dbHealth?.report(err))
          this.base.logger.error({ err, row: row.id }, `${this.channel.name} bookkeeping failed`);
      })
      .finally(() => {
        done();
        this.tracked.delete(p);
      });
    this.tracked.add(p);
    return p;
  }

  private async attempt(row: R): Promise<Verdict<X>> {
    const shutdown = this.shutdown.signal;
    if (shutdown.aborted) return { kind: 'release' };
    // Each send gets a signal of its own, tied to the shutdown by a listener removed afterwards. A
    // channel combines it with a timeout (AbortSignal.any); given the long-lived shutdown signal
    // itself, Node 20 kept a reference per call on it for the life of the process (the cluster
    // soak's heap diff: about 100 bytes per delivery, never freed).
    const own = new AbortController();
    const abort = () => own.abort(shutdown.reason);
    shutdown.addEventListener('abort', abort, { once: true });
    try {
      const verdict = await this.channel.send(row, {
        signal: own.signal,
        attempted: () => void this.stats.attempts++,
      });
      // Cut off by shutdown: hand it back rather than count an attempt it did not really make.
      return shutdown.aborted && verdict.kind !== 'done' ? { kind: 'release' } : verdict;
    } finally {
      shutdown.removeEventListener('abort', abort);
    }
  }
}
