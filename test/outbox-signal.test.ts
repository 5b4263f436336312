// The outbox's abort signal per send: a channel that combines it with a timeout (as the webhook
// channel does, AbortSignal.any) must leave nothing behind on the outbox's long-lived shutdown
// signal (Node 20 kept one reference per AbortSignal.any() call on it, for the life of the
// process: the cluster soak's heap diff), and stop() still aborts a send it cuts off.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxChannel, type Verdict } from '../src/jobs/outbox';

interface Row {
  id: string;
  attempts: number;
}

function channel(
  rows: Row[],
  send: OutboxChannel<Row, null>['send'],
  released: string[] = [],
): OutboxChannel<Row, null> {
  return {
    name: 'test',
    maxInFlight: 50,
    pollIntervalMs: 60_000,
    leaseMs: 60_000,
    sendTimeoutMs: 10_000,
    maxAttempts: 3,
    backoffMs: () => 1000,
    claim: ({ limit }) => Promise.resolve(rows.splice(0, limit)),
    send,
    write: (_settled, back) => {
      released.push(...back.map((b) => b.row.id));
      return Promise.resolve();
    },
  };
}

/** What the shutdown signal holds for the signals combined from it (Node's internal set). */
function dependants(signal: AbortSignal): number {
  const sym = Object.getOwnPropertySymbols(signal).find((s) => String(s).includes('kDependantSignals'));
  const set = sym ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[sym] : undefined;
  return set?.size ?? 0;
}

const base = { logger: pino({ level: 'silent' }), now: () => new Date() };

describe('outbox send signal', () => {
  it('leaves no reference on the shutdown signal per combined send', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, attempts: 0 }));
    const seen = new Set<AbortSignal>();
    const outbox = new Outbox(
      base,
      channel(rows, (_row, ctx) => {
        seen.add(ctx.signal);
        AbortSignal.any([ctx.signal, AbortSignal.timeout(60_000)]);
        ctx.attempted();
        return Promise.resolve({ kind: 'done', extra: null });
      }),
    );
    let sent = 0;
    while (rows.length > 0) sent += await outbox.dispatchOnce();
    expect(sent).toBe(200);
    expect(outbox.stats.attempts).toBe(200);
    const shutdown = (outbox as unknown as { shutdown: AbortController }).shutdown.signal;
    expect(dependants(shutdown)).toBe(0);
    expect(seen.size).toBe(200); // a signal per send
    await outbox.stop(0);
  });

  it('stop() aborts a send it cuts off, which is handed back unattempted', async () => {
    const rows = [{ id: 'slow', attempts: 0 }];
    let aborted = false;
    const released: string[] = [];
    const outbox = new Outbox(
      base,
      channel(
        rows,
        (_row, ctx) => {
          ctx.attempted();
          return new Promise<Verdict<null>>((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve({ kind: 'retry', error: 'aborted', extra: null });
            });
          });
        },
        released,
      ),
    );
    const job = outbox.job('test');
    void job.run();
    await new Promise((r) => setTimeout(r, 50));
    await outbox.stop(20);
    expect(aborted).toBe(true);
    expect(released).toEqual(['slow']);
  });
});
