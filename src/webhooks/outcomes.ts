// Recording delivery outcomes. Outcomes are queued and written in batches, one statement per batch
// (while one batch is being written the next one gathers), and only to rows still leased to the
// claim that sent them. A 410 also disables the endpoint, in the same transaction.
import type { Deps } from '../deps';

export const MAX_ATTEMPTS = 10;
const FIRST_DELAY_MS = 18_000;
const FACTOR = 3;
const BATCH = 500;
/** How long the first outcome waits for others to join its batch. */
const GATHER_MS = 2;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wait before the next attempt after `attempts` failed ones: 18 s × 3^(attempts−1), ±25 % jitter,
 * times `scale`. The nine waits add up to about 49 h, so the 10th and last attempt is made about
 * two days after the first. */
export function backoffMs(attempts: number, scale = 1, random: () => number = Math.random): number {
  const base = FIRST_DELAY_MS * FACTOR ** Math.max(0, attempts - 1);
  return Math.round(base * scale * (0.75 + random() * 0.5));
}

/** A claimed row, with what the send needs from its endpoint. */
export interface Claimed {
  id: string;
  endpointId: string;
  eventType: string;
  payload: string;
  attempts: number;
  url: string;
  secretEncrypted: string;
  enabled: boolean;
}

export type Outcome =
  /** The receiver answered (any status). */
  | { kind: 'response'; status: number; body: string }
  /** No answer: refused, timed out, blocked by the SSRF guard, unreadable secret… */
  | { kind: 'error'; error: string }
  /** Not sent: the endpoint is disabled. */
  | { kind: 'skipped'; error: string }
  /** Not sent or cut off by shutdown: hand the row back without counting an attempt. */
  | { kind: 'released' };

export interface DispatcherStats {
  attempts: number;
  delivered: number;
  retried: number;
  failed: number;
}

interface Queued {
  row: Claimed;
  token: string;
  outcome: Outcome;
  at: Date;
  done: () => void;
  fail: (err: unknown) => void;
}

interface RowUpdate {
  id: string;
  token: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next: string | null;
  code: number | null;
  body: string | null;
  error: string | null;
  delivered: string | null;
  /** Keep the last answer (a skipped row was not sent this time). */
  keep: boolean;
}

const WRITE_SQL = `
UPDATE "WebhookDelivery" d SET
  status = v.status::"DeliveryStatus",
  attempts = v.attempts,
  "nextAttemptAt" = COALESCE(v.next, d."nextAttemptAt"),
  "lastStatusCode" = CASE WHEN v.keep THEN d."lastStatusCode" ELSE v.code END,
  "lastResponseBody" = CASE WHEN v.keep THEN d."lastResponseBody" ELSE v.body END,
  "lastError" = v.error,
  "deliveredAt" = v.delivered,
  "lockedBy" = NULL,
  "lockedUntil" = NULL,
  "updatedAt" = $2
FROM json_to_recordset($1::json) AS v(id text, token text, status text, attempts int,
  next timestamptz, code int, body text, error text, delivered timestamptz, keep boolean)
WHERE d.id = v.id AND d."lockedBy" = v.token`;

export class OutcomeWriter {
  readonly stats: DispatcherStats = { attempts: 0, delivered: 0, retried: 0, failed: 0 };
  private queue: Queued[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly deps: Deps) {}

  /** Queues an outcome; resolves once it is written (or rejects if the write failed, in which case
   * the row stays leased and is sent again when the lease runs out). */
  record(row: Claimed, token: string, outcome: Outcome): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ row, token, outcome, at: this.deps.now(), done, fail });
      this.writing ??= sleep(GATHER_MS).then(() => this.drain());
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
          this.deps.logger.error({ err, deliveries: batch.length }, 'writing webhook outcomes failed');
          for (const q of batch) q.fail(err);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private update(q: Queued): RowUpdate | null {
    const { row, token, outcome, at } = q;
    const base = { id: row.id, token, next: null, code: null, body: null, delivered: null, keep: false };
    if (outcome.kind === 'released') return null;
    if (outcome.kind === 'skipped') {
      return { ...base, status: 'failed', attempts: row.attempts, error: outcome.error, keep: true };
    }
    const attempts = row.attempts + 1;
    const answer = outcome.kind === 'response' ? { code: outcome.status, body: outcome.body } : {};
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      return { ...base, ...answer, status: 'delivered', attempts, error: null, delivered: at.toISOString() };
    }
    if (outcome.kind === 'response' && outcome.status === 410) {
      return { ...base, ...answer, status: 'failed', attempts, error: 'HTTP 410 Gone: endpoint disabled' };
    }
    const error = outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.error;
    if (attempts >= MAX_ATTEMPTS) return { ...base, ...answer, status: 'failed', attempts, error };
    const wait = backoffMs(attempts, this.deps.config.webhookBackoffScale);
    const next = new Date(at.getTime() + wait).toISOString();
    return { ...base, ...answer, status: 'pending', attempts, error, next };
  }

  private async write(batch: Queued[]): Promise<void> {
    const prisma = this.deps.prisma;
    const now = this.deps.now();
    const updates = batch.map((q) => this.update(q));
    const rows = updates.filter((u): u is RowUpdate => u !== null);
    const gone = batch.filter((q) => q.outcome.kind === 'response' && q.outcome.status === 410);
    const statements = [];
    if (rows.length > 0) statements.push(prisma.$executeRawUnsafe(WRITE_SQL, JSON.stringify(rows), now));
    for (const q of gone) {
      statements.push(
        prisma.webhookEndpoint.updateMany({
          where: { id: q.row.endpointId, enabled: true },
          data: {
            enabled: false,
            disabledReason: `The endpoint answered 410 Gone at ${q.at.toISOString()} (delivery ${q.row.id})`,
          },
        }),
      );
    }
    for (const q of batch) {
      if (q.outcome.kind !== 'released') continue;
      statements.push(
        prisma.webhookDelivery.updateMany({
          where: { id: q.row.id, lockedBy: q.token },
          data: { lockedBy: null, lockedUntil: null },
        }),
      );
    }
    if (statements.length === 1) await statements[0];
    else if (statements.length > 1) await prisma.$transaction(statements);

    for (const u of rows) {
      if (u.status === 'delivered') this.stats.delivered++;
      else if (u.status === 'failed') this.stats.failed++;
      else this.stats.retried++;
      if (u.status === 'failed') {
        this.deps.logger.warn({ delivery: u.id, error: u.error }, 'webhook delivery failed for good');
      }
    }
    for (const q of gone) {
      this.deps.logger.warn(
        { endpoint: q.row.endpointId, delivery: q.row.id },
        'webhook endpoint disabled (410)',
      );
    }
  }
}
