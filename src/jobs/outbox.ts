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
// Claim ahead: a claim statement costs far more than a send to a fast receiver (on PGlite it runs
// on this thread and blocks every socket meanwhile), so the job claims more than the free slots and
// keeps the rest leased in a queue per group. A finished send starts the next queued row at once,
// with no statement in between; a claim runs when half of a group's rows are used up, while its
// slots are still busy. How far ahead depends on how fast the group's sends have been: about
// AHEAD_SHARE of the lease's spare time (lease − send timeout) worth of rows, at most AHEAD_MAX per
// group; a group not yet measured gets one more round (its cap). A queued row is sent only while
// its lease has a send timeout and a margin left, otherwise handed back, so a lease never runs out
// during a send even when a receiver slowed down after the claim. The in-flight caps count sends,
// not queued rows.
//
// Runs never wait for sends to finish, and stop() hands back what it cuts off or never started,
// unattempted.
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomBase62 } from '../lib/ids';
import type { Leased, OutboxChannel, OutboxDeps } from './channel';
import type { Job } from './scheduler';
import { OutcomeWriter, type Verdict, type OutboxStats } from './outcomes';

export type { ClaimRequest, Leased, OutboxChannel, OutboxDeps } from './channel';
export type { OutboxStats, Settled, Verdict } from './outcomes';
export { backoffMs } from './outcomes';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Share of a lease's spare time (lease − send timeout) that a group's queued rows may take to send. */
const AHEAD_SHARE = 0.25;
/** Queued rows per group at most, and per instance at most this many times maxInFlight. */
const AHEAD_MAX = 250;
const QUEUED_PER_SLOT = 4;
/** Lease left beyond the send timeout for a queued row to be sent. */
const LEASE_MARGIN_MS = 2_000;
/** Groups whose send times are remembered. */
const GROUPS_KEPT = 256;

/** Poll ticks skipped after the n-th empty claim in a row (from 0) while nothing is in flight:
 * 0, 1, 3, then 7, so an idle outbox claims every 8th tick (every 2 s at the webhook's 250 ms, 8 s
 * at the email's 1 s) instead of every tick. Rows written on this instance wake it (kick, wake); a
 * retry coming due, or another instance's lapsed lease, waits at most those extra ticks. */
const IDLE_SKIP_MAX = 7;
export const idleSkip = (n: number): number => Math.min(2 ** n, IDLE_SKIP_MAX + 1) - 1;

/** A claimed row waiting for a slot, with the claim it belongs to. */
interface Queued<R> {
  row: R;
  token: string;
  leaseUntil: number;
}

/** One group's bookkeeping: sends on the wire, queued rows, and how long its sends take. */
interface Group<R> {
  sending: number;
  queue: Queued<R>[];
  /** Moving average of its send durations (ms); null until one finished. */
  sendMs: number | null;
}

export class Outbox<R extends Leased, X> {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBase62(6)}`;
  private readonly outcomes: OutcomeWriter<R, X>;
  private readonly shutdown = new AbortController();
  /** Send-and-record of every claimed row, until its outcome is written. */
  private readonly tracked = new Set<Promise<void>>();
  /** Sends on the wire in total, rows queued in total, and per group (the claim's budget). */
  private sending = 0;
  private queued = 0;
  private readonly groups = new Map<string, Group<R>>();
  private seq = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private auto = false;
  private stopping = false;
  /** The last claim found nothing: finished sends stop claiming until the next poll or kick. */
  private drained = false;
  /** Empty claims in a row with nothing in flight or queued, and the poll ticks still to skip after
   * them (see idleSkip). */
  private idleRounds = 0;
  private skipTicks = 0;

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
      run: () => {
        if (this.skipTicks > 0) {
          this.skipTicks--;
          return Promise.resolve();
        }
        this.drained = false;
        return this.pump();
      },
      stop: () => this.stop(),
    };
  }

  /** Something was written to the outbox: claim now rather than at the next poll (only when the job
   * runs; a no-op otherwise). */
  kick(): void {
    this.wake();
    this.drained = false;
    if (this.auto && !this.stopping) void this.pump();
  }

  /** Rows may have been written: the poll's next tick claims, however long it has been idle (the
   * webhook outbox, after every commit with events; a cheaper kick, which adds no claims). */
  wake(): void {
    this.idleRounds = 0;
    this.skipTicks = 0;
  }

  /** Claims what is due (no more than the free slots: nothing is queued), sends it and waits until
   * every outcome is written (tests and tools). Returns the number of rows handled. */
  async dispatchOnce(): Promise<number> {
    const started = await this.claimAndStart(false);
    await Promise.all(started);
    return started.length;
  }

  /** Stops claiming, hands queued rows back, lets in-flight sends finish for up to `graceMs` (then
   * aborts them and hands their rows back, unattempted), writes the outcomes and closes the channel. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.pumping;
    for (const g of this.groups.values()) {
      for (const q of g.queue.splice(0)) void this.release(q); // tracked, like every send
    }
    this.queued = 0;
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
          void (await this.claimAndStart(true));
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

  private group(name: string): Group<R> {
    let g = this.groups.get(name);
    if (!g) this.groups.set(name, (g = { sending: 0, queue: [], sendMs: null }));
    return g;
  }

  /** Keeps the bookkeeping of at most GROUPS_KEPT groups (idle ones go first, oldest first): a
   * forgotten group is claimed for as one not yet measured. */
  private forgetIdle(): void {
    for (const [name, g] of this.groups) {
      if (this.groups.size <= GROUPS_KEPT) return;
      if (g.sending === 0 && g.queue.length === 0) this.groups.delete(name);
    }
  }

  /** Rows a group may queue beyond its cap: a lease's share of its measured send time. */
  private ahead(g: Group<R> | undefined): number {
    const cap = this.cap;
    if (!g || g.sendMs === null) return cap;
    const spare = (this.channel.leaseMs - this.channel.sendTimeoutMs) * AHEAD_SHARE;
    return Math.min(AHEAD_MAX, cap * Math.floor(spare / Math.max(1, g.sendMs)));
  }

  /** Whether a finished send of `g` should claim more: half of what it may hold is used up. */
  private wantsMore(g: Group<R>): boolean {
    return g.sending + g.queue.length <= Math.floor((this.cap + this.ahead(g)) / 2);
  }

  private async claimAndStart(ahead: boolean): Promise<Promise<void>[]> {
    const free = this.channel.maxInFlight - this.sending;
    const queueRoom = ahead ? this.channel.maxInFlight * QUEUED_PER_SLOT - this.queued : 0;
    if (this.stopping || free + Math.max(0, queueRoom) <= 0) return [];
    const cap = this.cap;
    this.forgetIdle();
    const full: string[] = [];
    const groups: string[] = [];
    const room: number[] = [];
    for (const [name, g] of this.groups) {
      const n = (ahead ? cap + this.ahead(g) : cap) - g.sending - g.queue.length;
      if (n <= 0) full.push(name);
      else if (n !== (ahead ? 2 * cap : cap)) {
        groups.push(name);
        room.push(n);
      }
    }
    const defaultRoom = ahead ? 2 * cap : cap;
    let limit = Math.max(0, free) + Math.max(0, queueRoom);
    if (!this.channel.group) limit = Math.min(limit, full.length ? 0 : (room[0] ?? defaultRoom));
    if (limit <= 0) return [];
    const token = `${this.instanceId}:${++this.seq}`;
    const now = this.base.now();
    const leaseUntil = new Date(now.getTime() + this.channel.leaseMs);
    const rows = await this.channel.claim({ limit, token, now, leaseUntil, full, groups, room, defaultRoom });
    // Nothing due for any group that had room (a full group's rows are claimed when it has room).
    this.drained = rows.length === 0 && full.length === 0;
    if (rows.length > 0) this.idleRounds = 0;
    else if (this.drained && this.sending === 0 && this.queued === 0)
      this.skipTicks = idleSkip(this.idleRounds++);
    const started: Promise<void>[] = [];
    for (const row of rows) {
      const g = this.group(this.channel.group?.(row) ?? '');
      const q = { row, token, leaseUntil: leaseUntil.getTime() };
      if (!this.stopping && this.sending < this.channel.maxInFlight && g.sending < cap)
        started.push(this.start(q, g));
      else if (this.stopping) started.push(this.release(q));
      else {
        g.queue.push(q);
        this.queued++;
      }
    }
    return started;
  }

  /** Starts queued rows while this instance and their groups have free slots: `first`'s (the group
   * whose send just ended), then, if this instance's cap was what held them, any other group's. */
  private startQueued(first: Group<R>): void {
    this.startFrom(first);
    if (this.queued === 0 || this.sending >= this.channel.maxInFlight) return;
    for (const g of this.groups.values()) {
      this.startFrom(g);
      if (this.sending >= this.channel.maxInFlight) return;
    }
  }

  private startFrom(g: Group<R>): void {
    while (g.queue.length > 0 && g.sending < this.cap && this.sending < this.channel.maxInFlight) {
      const q = g.queue.shift()!;
      this.queued--;
      // Sent only if the send ends (at its timeout at the latest) while the lease is ours.
      const left = q.leaseUntil - this.base.now().getTime();
      if (left >= this.channel.sendTimeoutMs + LEASE_MARGIN_MS) void this.start(q, g);
      else void this.release(q);
    }
  }

  private track(p: Promise<void>): Promise<void> {
    const t: Promise<void> = p
      .catch((err) => {
        if (!this.base.dbHealth?.report(err))
          this.base.logger.error({ err }, `${this.channel.name} bookkeeping failed`);
      })
      .finally(() => this.tracked.delete(t));
    this.tracked.add(t);
    return t;
  }

  /** Hands an unsent row back (written with the next batch of outcomes). */
  private release(q: Queued<R>): Promise<void> {
    return this.track(this.outcomes.record(q.row, q.token, { kind: 'release' }));
  }

  private start({ row, token }: Queued<R>, g: Group<R>): Promise<void> {
    this.sending++;
    g.sending++;
    const began = performance.now();
    let onWire = true;
    const done = () => {
      if (!onWire) return;
      onWire = false;
      this.sending--;
      g.sending--;
      const ms = performance.now() - began;
      g.sendMs = g.sendMs === null ? ms : g.sendMs * 0.8 + ms * 0.2;
      if (this.stopping) return;
      // The row stays leased until its outcome is written, so its slot can be reused at once.
      this.startQueued(g);
      if (this.auto && !this.drained && this.wantsMore(g)) void this.pump();
    };
    return this.track(
      this.attempt(row)
        .then((verdict) => {
          done();
          return this.outcomes.record(row, token, verdict);
        })
        .finally(done),
    );
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
