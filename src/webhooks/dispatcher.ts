// The webhook dispatcher: sends the outbox (WebhookDelivery rows) and records each outcome.
//
// Claim: one short statement picks due rows (oldest nextAttemptAt first), locks them with
// `FOR UPDATE SKIP LOCKED` and leases them to this claim for 30 s (lockedBy/lockedUntil). Several
// instances therefore never send the same attempt twice, and the rows of an instance that died
// are claimed again once its lease has run out. Send: outside any transaction, concurrently,
// through one pooled undici Agent with a 10 s timeout. Record: in batches (outcomes.ts), only
// while the lease is still ours.
//
// A slow or failing endpoint cannot hold up the others: each instance keeps at most
// `webhookMaxPerEndpoint` requests in flight per endpoint (an endpoint at its cap is left out of
// the claim, so its backlog does not fill the claim window), runs never wait for sends to finish,
// and failures move the row's nextAttemptAt into the future.
import { hostname } from 'node:os';
import { Agent } from 'undici';
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';
import { randomBase62 } from '../lib/ids';
import { deliveryHeaders } from './signing';
import { blockedReason, guardedLookup, ipLiteral, parseWebhookUrl } from './ssrf';
import { type Claimed, type DispatcherStats, type Outcome, OutcomeWriter } from './outcomes';
import { RESPONSE_BODY_LIMIT } from './webhooks.views';

/** How long a claim is ours; longer than the request timeout, so a live claim never lapses. */
const LEASE_MS = 30_000;
/** Response bytes read to keep the connection reusable; a longer answer is cut off. */
const DRAIN_LIMIT = 64 * 1024;

// Candidates are read without locks (oldest first, endpoints at their cap left out, then at most
// `cap` per endpoint counting what this instance already has in flight); only the picked rows are
// locked, and SKIP LOCKED plus the re-checked WHERE keep two instances from taking the same row.
// The picked rows are found by primary key (`status::text` keeps the planner off the status index,
// which it would otherwise choose on PGlite, where no statistics are ever gathered).
const CLAIM_SQL = `
WITH due AS (
  SELECT id, "endpointId", "nextAttemptAt" FROM "WebhookDelivery"
  WHERE status = 'pending' AND "nextAttemptAt" <= $1
    AND ("lockedUntil" IS NULL OR "lockedUntil" < $1)
    AND NOT ("endpointId" = ANY($4::text[]))
  ORDER BY "nextAttemptAt"
  LIMIT $3
), ranked AS (
  SELECT due.id,
    row_number() OVER (PARTITION BY due."endpointId" ORDER BY due."nextAttemptAt", due.id)
      + COALESCE(b.n, 0) AS slot
  FROM due LEFT JOIN unnest($5::text[], $6::int[]) AS b(ep, n) ON b.ep = due."endpointId"
), picked AS (
  SELECT d.id FROM "WebhookDelivery" d
  WHERE d.id = ANY(ARRAY(SELECT id FROM ranked WHERE slot <= $7))
    AND d.status::text = 'pending' AND d."nextAttemptAt" <= $1
    AND (d."lockedUntil" IS NULL OR d."lockedUntil" < $1)
  ORDER BY d."nextAttemptAt", d.id
  LIMIT $8
  FOR UPDATE SKIP LOCKED
)
UPDATE "WebhookDelivery" d SET "lockedBy" = $9, "lockedUntil" = $2, "updatedAt" = $1
FROM picked, "WebhookEndpoint" e
WHERE d.id = picked.id AND e.id = d."endpointId"
RETURNING d.id, d."endpointId", d."eventType", d.payload, d.attempts, e.url, e."secretEncrypted", e.enabled`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(err);
  if (code && code !== 'URL_NOT_ALLOWED' && !message.includes(code)) return `${code}: ${message}`;
  return message;
}

export class WebhookDispatcher {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBase62(6)}`;
  private readonly agent: Agent;
  private readonly outcomes: OutcomeWriter;
  private readonly shutdown = new AbortController();
  /** Send-and-record of every claimed row, until its outcome is written. */
  private readonly tracked = new Set<Promise<void>>();
  /** Requests on the wire, in total and per endpoint (the claim's budget). */
  private sending = 0;
  private readonly perEndpoint = new Map<string, number>();
  private seq = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private auto = false;
  private stopping = false;

  constructor(private readonly deps: Deps) {
    const { webhookTimeoutMs, webhookAllowPrivate } = deps.config;
    this.outcomes = new OutcomeWriter(deps);
    this.agent = new Agent({
      connect: {
        timeout: webhookTimeoutMs,
        // Send-time SSRF check inside the socket's own DNS lookup (no check-then-connect gap).
        ...(webhookAllowPrivate ? {} : { lookup: guardedLookup as never }),
      },
      keepAliveTimeout: 4_000,
    });
  }

  /** Attempts made and outcomes written by this instance. */
  get stats(): DispatcherStats {
    return this.outcomes.stats;
  }

  /** The polling job, for the Scheduler. It starts on what is already due; from then on, a finished
   * send also claims more at once. Without it (tests), dispatchOnce() sends by hand. */
  job(): Job {
    this.auto = true;
    return {
      name: 'webhook-dispatcher',
      intervalMs: this.deps.config.webhookDispatchIntervalMs,
      runAtStart: true,
      run: () => this.pump(),
      stop: () => this.stop(),
    };
  }

  /** Claims what is due, sends it and waits until every outcome is written (tests and tools).
   * Returns the number of deliveries handled. */
  async dispatchOnce(): Promise<number> {
    const started = await this.claimAndStart();
    await Promise.all(started);
    return started.length;
  }

  /** Deliveries waiting to be sent or retried (every tenant). */
  queueDepth(): Promise<number> {
    return this.deps.prisma.webhookDelivery.count({ where: { status: 'pending' } });
  }

  /** Stops claiming, lets in-flight sends finish for up to `graceMs` (then aborts them and hands
   * their rows back, unattempted), writes the outcomes and closes the connection pool. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.pumping;
    const all = Promise.all([...this.tracked]);
    const finished = await Promise.race([all.then(() => true), sleep(graceMs).then(() => false)]);
    if (!finished) this.shutdown.abort();
    await all;
    await this.outcomes.flush();
    await this.agent.close();
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
        this.deps.logger.error({ err }, 'webhook claim failed');
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async claimAndStart(): Promise<Promise<void>[]> {
    const free = this.deps.config.webhookMaxInFlight - this.sending;
    if (free <= 0 || this.stopping) return [];
    const token = `${this.instanceId}:${++this.seq}`;
    const rows = await this.claim(free, token);
    return rows.map((row) => this.start(row, token));
  }

  private claim(limit: number, token: string): Promise<Claimed[]> {
    const cap = this.deps.config.webhookMaxPerEndpoint;
    const saturated: string[] = [];
    const busyIds: string[] = [];
    const busyCounts: number[] = [];
    for (const [endpointId, n] of this.perEndpoint) {
      if (n >= cap) saturated.push(endpointId);
      else {
        busyIds.push(endpointId);
        busyCounts.push(n);
      }
    }
    const now = this.deps.now();
    return this.deps.prisma.$queryRawUnsafe<Claimed[]>(
      CLAIM_SQL,
      now,
      new Date(now.getTime() + LEASE_MS),
      Math.min(limit * 4 + cap, 2_000),
      saturated,
      busyIds,
      busyCounts,
      cap,
      limit,
      token,
    );
  }

  private start(row: Claimed, token: string): Promise<void> {
    this.sending++;
    this.perEndpoint.set(row.endpointId, (this.perEndpoint.get(row.endpointId) ?? 0) + 1);
    let onWire = true;
    const done = () => {
      if (!onWire) return;
      onWire = false;
      this.sending--;
      const n = (this.perEndpoint.get(row.endpointId) ?? 1) - 1;
      if (n <= 0) this.perEndpoint.delete(row.endpointId);
      else this.perEndpoint.set(row.endpointId, n);
      // The row stays leased until its outcome is written, so its slot can be reused at once. Claim
      // again when half the endpoint's slots are free rather than at every free slot: fewer,
      // larger claims (each one a database round trip) at the same concurrency.
      const cap = this.deps.config.webhookMaxPerEndpoint;
      if (this.auto && !this.stopping && n <= Math.floor(cap / 2)) void this.pump();
    };
    const p: Promise<void> = this.attempt(row)
      .then((outcome) => {
        done();
        return this.outcomes.record(row, token, outcome);
      })
      .catch((err) =>
        this.deps.logger.error({ err, delivery: row.id }, 'webhook delivery bookkeeping failed'),
      )
      .finally(() => {
        done();
        this.tracked.delete(p);
      });
    this.tracked.add(p);
    return p;
  }

  /** One HTTP attempt. Never throws: every failure is an outcome. */
  private async attempt(row: Claimed): Promise<Outcome> {
    if (!row.enabled) return { kind: 'skipped', error: 'Endpoint is disabled; delivery not sent' };
    if (this.stopping && this.shutdown.signal.aborted) return { kind: 'released' };
    let url: URL;
    let secret: string;
    try {
      url = parseWebhookUrl(row.url);
      const literal = this.deps.config.webhookAllowPrivate ? null : ipLiteral(url);
      const why = literal ? blockedReason(literal) : null;
      if (why) return { kind: 'error', error: `URL_NOT_ALLOWED: ${literal} is a ${why} address` };
      secret = this.deps.secretBox.open(row.secretEncrypted);
    } catch (err) {
      return { kind: 'error', error: describeError(err) };
    }
    this.stats.attempts++;
    const timeoutMs = this.deps.config.webhookTimeoutMs;
    const timestamp = Math.floor(this.deps.now().getTime() / 1000);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: deliveryHeaders(row, secret, timestamp),
        body: row.payload,
        signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(timeoutMs)]),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const kept: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (size < RESPONSE_BODY_LIMIT) kept.push(chunk);
        size += chunk.length;
        if (size > DRAIN_LIMIT) break; // leaving the loop destroys the stream
      }
      const body = Buffer.concat(kept)
        .subarray(0, RESPONSE_BODY_LIMIT)
        .toString('utf8')
        .replaceAll('\u0000', '');
      return { kind: 'response', status: res.statusCode, body };
    } catch (err) {
      if (this.shutdown.signal.aborted) return { kind: 'released' };
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError') {
        return { kind: 'error', error: `Timed out after ${timeoutMs} ms` };
      }
      return { kind: 'error', error: describeError(err) };
    }
  }
}
