// The webhook dispatcher: the outbox core (src/jobs/outbox.ts) with the webhook channel, which
// claims due WebhookDelivery rows, sends each through one pooled undici Agent with a 10 s timeout
// and records the outcome (outcomes.ts).
//
// A slow or failing endpoint cannot hold up the others: each instance keeps at most
// `webhookMaxPerEndpoint` requests in flight per endpoint (an endpoint at its cap is left out of
// the claim, so its backlog does not fill the claim window), and failures move the row's
// nextAttemptAt into the future.
import { Agent } from 'undici';
import type { Deps } from '../deps';
import { type ClaimRequest, Outbox, type OutboxChannel, type Verdict } from '../jobs/outbox';
import type { Job } from '../jobs/scheduler';
import { deliveryHeaders } from './signing';
import { blockedReason, guardedLookup, ipLiteral, parseWebhookUrl } from './ssrf';
import { type Answer, backoffMs, type Claimed, MAX_ATTEMPTS, writeDeliveryOutcomes } from './outcomes';
import { RESPONSE_BODY_LIMIT } from './webhooks.views';

/** How long a claim is ours at least (the lease is also at least two request timeouts and 10 s, so a
 * row queued behind a send still has a whole request's time left; see the outbox core). */
const LEASE_MS = 30_000;
/** Response bytes read to keep the connection reusable; a longer answer is cut off. */
const DRAIN_LIMIT = 64 * 1024;
/** Endpoint secrets kept opened. */
const SECRETS_KEPT = 1024;

// Candidates are read without locks (oldest first, full endpoints left out, then at most each
// endpoint's room: what this instance may still send or queue for it); only the picked rows are
// locked, and SKIP LOCKED plus the re-checked WHERE keep two instances from taking the same row.
// The picked rows are found by primary key (`status::text` keeps the planner off the status index,
// which it would otherwise choose where statistics are missing or stale: on PGlite until the
// db-maintenance job has analysed the table, src/db/maintenance.ts).
export const CLAIM_SQL = `
WITH due AS (
  SELECT id, "endpointId", "nextAttemptAt" FROM "WebhookDelivery"
  WHERE status = 'pending' AND "nextAttemptAt" <= $1
    AND ("lockedUntil" IS NULL OR "lockedUntil" < $1)
    AND NOT ("endpointId" = ANY($4::text[]))
  ORDER BY "nextAttemptAt"
  LIMIT $3
), ranked AS (
  SELECT due.id,
    row_number() OVER (PARTITION BY due."endpointId" ORDER BY due."nextAttemptAt", due.id) AS n,
    COALESCE(b.room, $7) AS room
  FROM due LEFT JOIN unnest($5::text[], $6::int[]) AS b(ep, room) ON b.ep = due."endpointId"
), picked AS (
  SELECT d.id FROM "WebhookDelivery" d
  WHERE d.id = ANY(ARRAY(SELECT id FROM ranked WHERE n <= room))
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

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(err);
  if (code && code !== 'URL_NOT_ALLOWED' && !message.includes(code)) return `${code}: ${message}`;
  return message;
}

const noAnswer: Answer = { code: null, body: null };

class WebhookChannel implements OutboxChannel<Claimed, Answer> {
  readonly name = 'webhook delivery';
  readonly maxAttempts = MAX_ATTEMPTS;
  readonly sendTimeoutMs: number;
  /** Longer than two sends: a row queued behind one send still has a whole send's time left. */
  readonly leaseMs: number;
  private readonly agent: Agent;
  /** Opened endpoint secrets by their sealed form (a new secret is a new sealed string): one
   * AES-GCM open per endpoint, not per delivery. Bounded; cleared when full. */
  private readonly secrets = new Map<string, string>();

  constructor(private readonly deps: Deps) {
    const { webhookTimeoutMs, webhookAllowPrivate } = deps.config;
    this.sendTimeoutMs = webhookTimeoutMs;
    this.leaseMs = Math.max(LEASE_MS, 2 * webhookTimeoutMs + 10_000);
    this.agent = new Agent({
      connect: {
        timeout: webhookTimeoutMs,
        // Send-time SSRF check inside the socket's own DNS lookup (no check-then-connect gap).
        ...(webhookAllowPrivate ? {} : { lookup: guardedLookup as never }),
      },
      keepAliveTimeout: 4_000,
    });
  }

  get maxInFlight() {
    return this.deps.config.webhookMaxInFlight;
  }
  get maxPerGroup() {
    return this.deps.config.webhookMaxPerEndpoint;
  }
  get pollIntervalMs() {
    return this.deps.config.webhookDispatchIntervalMs;
  }
  group = (row: Claimed) => row.endpointId;
  backoffMs = (attempts: number) => backoffMs(attempts, this.deps.config.webhookBackoffScale);

  claim(req: ClaimRequest): Promise<Claimed[]> {
    return this.deps.prisma.$queryRawUnsafe<Claimed[]>(
      CLAIM_SQL,
      req.now,
      req.leaseUntil,
      Math.min(req.limit * 4 + req.defaultRoom, 2_000),
      req.full,
      req.groups,
      req.room,
      req.defaultRoom,
      req.limit,
      req.token,
    );
  }

  write = (...args: Parameters<OutboxChannel<Claimed, Answer>['write']>) =>
    writeDeliveryOutcomes(this.deps, ...args);

  close = () => this.agent.close();

  /** One HTTP attempt. Never throws: every failure is a verdict. */
  async send(row: Claimed, ctx: { signal: AbortSignal; attempted(): void }): Promise<Verdict<Answer>> {
    if (!row.enabled) {
      return {
        kind: 'fail',
        error: 'Endpoint is disabled; delivery not sent',
        attempted: false,
        extra: noAnswer,
      };
    }
    let url: URL;
    let secret: string;
    try {
      url = parseWebhookUrl(row.url);
      const literal = this.deps.config.webhookAllowPrivate ? null : ipLiteral(url);
      const why = literal ? blockedReason(literal) : null;
      if (why)
        return { kind: 'retry', error: `URL_NOT_ALLOWED: ${literal} is a ${why} address`, extra: noAnswer };
      secret = this.secret(row.secretEncrypted);
    } catch (err) {
      return { kind: 'retry', error: describeError(err), extra: noAnswer };
    }
    ctx.attempted();
    const timeoutMs = this.deps.config.webhookTimeoutMs;
    const timestamp = Math.floor(this.deps.now().getTime() / 1000);
    const abort = this.abortable(ctx.signal, timeoutMs);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: deliveryHeaders(row, secret, timestamp),
        body: row.payload,
        signal: abort.signal,
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
      const answer = { code: res.statusCode, body };
      if (res.statusCode >= 200 && res.statusCode < 300) return { kind: 'done', extra: answer };
      if (res.statusCode === 410) {
        const error = 'HTTP 410 Gone: endpoint disabled';
        return { kind: 'fail', error, attempted: true, extra: { ...answer, gone: true } };
      }
      return { kind: 'retry', error: `HTTP ${res.statusCode}`, extra: answer };
    } catch (err) {
      if (ctx.signal.aborted) return { kind: 'release' };
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError') {
        return { kind: 'retry', error: `Timed out after ${timeoutMs} ms`, extra: noAnswer };
      }
      return { kind: 'retry', error: describeError(err), extra: noAnswer };
    } finally {
      abort.done();
    }
  }

  private secret(sealed: string): string {
    let plain = this.secrets.get(sealed);
    if (plain === undefined) {
      plain = this.deps.secretBox.open(sealed);
      if (this.secrets.size >= SECRETS_KEPT) this.secrets.clear();
      this.secrets.set(sealed, plain);
    }
    return plain;
  }

  /** A signal that aborts after `timeoutMs` (as a TimeoutError) or when the send's own signal does
   * (the outbox gives each send one, aborted on shutdown). A plain timer and one listener:
   * AbortSignal.timeout and AbortSignal.any per request were 8 % of the dispatcher's CPU in the
   * webhooks benchmark. */
  private abortable(send: AbortSignal, timeoutMs: number) {
    const c = new AbortController();
    const onAbort = () => c.abort(send.reason);
    if (send.aborted) onAbort();
    else send.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => c.abort(new DOMException(`Timed out after ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    return {
      signal: c.signal,
      done: () => {
        clearTimeout(timer);
        send.removeEventListener('abort', onAbort);
      },
    };
  }
}

export class WebhookDispatcher extends Outbox<Claimed, Answer> {
  constructor(private readonly deps: Deps) {
    super(deps, new WebhookChannel(deps));
  }

  override job(): Job {
    return super.job('webhook-dispatcher');
  }

  /** Deliveries waiting to be sent or retried (every tenant). */
  queueDepth(): Promise<number> {
    return this.deps.prisma.webhookDelivery.count({ where: { status: 'pending' } });
  }
}
