// The heartbeat loop behind TrafficOrchestrator.startHeartbeat(): renews a floating seat's lease
// on an interval, retries what is worth retrying, and stops cleanly.
import { NetworkError, TrafficOrchestratorError } from './errors.js';
import type { HeartbeatInput, HeartbeatResult } from './types.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StartHeartbeatOptions extends HeartbeatInput {
  /** Time between heartbeats. Default: a third of the lease the server reports (5 minutes without one). */
  intervalMs?: number;
  /** Send the first heartbeat at once (default) rather than after one interval. */
  immediate?: boolean;
  /**
   * Failures, e.g. a TrafficOrchestratorError with code LEASE_EXPIRED. Network errors, 429 and 5xx
   * answers are retried at the next interval; any other API error stops the loop (the seat is gone:
   * activate again and start a new loop).
   */
  onError?: (err: unknown) => void;
  /** Every successful heartbeat. */
  onHeartbeat?: (result: HeartbeatResult) => void;
}

export interface HeartbeatHandle {
  /** Stops the loop, cancels the pending timer and waits for a heartbeat in flight to settle. */
  stop(): Promise<void>;
  /** False once stopped, by `stop()` or by a definitive API error. */
  readonly running: boolean;
  readonly lastResult: HeartbeatResult | null;
}

export const DEFAULT_LEASE_MS = 15 * 60_000;
const MIN_DERIVED_INTERVAL_MS = 1000;

/** A third of the lease the server granted (leaseExpiresAt − the heartbeat's own time, both server clock). */
function derivedInterval(r: HeartbeatResult): number {
  const expires = r.leaseExpiresAt ? Date.parse(r.leaseExpiresAt) : NaN;
  const at = r.activation?.lastHeartbeatAt ? Date.parse(r.activation.lastHeartbeatAt) : NaN;
  const lease =
    Number.isFinite(expires) && Number.isFinite(at) && expires > at ? expires - at : DEFAULT_LEASE_MS;
  return Math.max(MIN_DERIVED_INTERVAL_MS, Math.floor(lease / 3));
}

/** Worth trying again later: the server was unreachable, overloaded or failing. */
function retryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true;
  if (err instanceof TrafficOrchestratorError) return err.status === 429 || err.status >= 500;
  return true;
}

export function heartbeatLoop(
  send: (input: HeartbeatInput) => Promise<HeartbeatResult>,
  timers: Timers,
  opts: StartHeartbeatOptions,
): HeartbeatHandle {
  const { licenseKey, machineId, intervalMs, onError, onHeartbeat } = opts;
  if (intervalMs !== undefined && !(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  let running = true;
  let timer: unknown = null;
  let inflight: Promise<void> | null = null;
  let lastResult: HeartbeatResult | null = null;
  let nextMs = intervalMs ?? DEFAULT_LEASE_MS / 3;

  const report = (err: unknown) => {
    try {
      onError?.(err);
    } catch {
      // an error handler that throws must not break the loop
    }
  };
  const schedule = () => {
    if (!running) return;
    timer = timers.setTimeout(() => {
      timer = null;
      run();
    }, nextMs);
  };
  const beat = async () => {
    try {
      const r = await send({ licenseKey, machineId });
      lastResult = r;
      if (intervalMs === undefined) nextMs = derivedInterval(r);
      try {
        onHeartbeat?.(r);
      } catch (err) {
        report(err);
      }
    } catch (err) {
      report(err);
      if (!retryable(err)) running = false;
    }
    schedule();
  };
  const run = () => {
    if (!running) return;
    const p = beat();
    inflight = p;
    void p.finally(() => {
      if (inflight === p) inflight = null;
    });
  };

  if (opts.immediate === false) schedule();
  else run();

  return {
    async stop() {
      running = false;
      if (timer !== null) {
        timers.clearTimeout(timer);
        timer = null;
      }
      if (inflight) await inflight;
    },
    get running() {
      return running;
    },
    get lastResult() {
      return lastResult;
    },
  };
}
