// What a channel gives the outbox core (./outbox.ts): how to claim its rows, send one and write the
// outcomes, with its caps and timings; and what the core needs from the app.
import type { Logger } from 'pino';
import type { Settled, Verdict } from './outcomes';

/** A claimed row: its id and the attempts made before this one. */
export interface Leased {
  id: string;
  attempts: number;
}

export interface ClaimRequest {
  /** Rows wanted at most, in all. */
  limit: number;
  /** The lease owner written to lockedBy; outcomes are written only where it still holds. */
  token: string;
  now: Date;
  leaseUntil: Date;
  /** Groups that want no rows now (at their cap, or with enough queued): leave them out. */
  full: string[];
  /** Rows wanted at most from each of these groups (same order)… */
  groups: string[];
  room: number[];
  /** …and from any other group. */
  defaultRoom: number;
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
  /** The longest one send can take (its timeout): a queued row is sent only with this much lease left. */
  sendTimeoutMs: number;
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
