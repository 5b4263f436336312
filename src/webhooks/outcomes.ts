// Writing webhook delivery outcomes (the outbox core in src/jobs/ settles each verdict and batches
// them): one statement per batch, only to rows still leased to the claim that sent them. A 410 also
// disables the endpoint, in the same transaction.
import type { Deps } from '../deps';
import { backoffMs as outboxBackoff, type Settled } from '../jobs/outbox';

export const MAX_ATTEMPTS = 10;
const FIRST_DELAY_MS = 18_000;
const FACTOR = 3;

/** Wait before the next attempt after `attempts` failed ones: 18 s × 3^(attempts−1), ±25 % jitter,
 * times `scale`. The nine waits add up to about 49 h, so the 10th and last attempt is made about
 * two days after the first. */
export const backoffMs = (attempts: number, scale = 1, random: () => number = Math.random): number =>
  outboxBackoff(attempts, { firstMs: FIRST_DELAY_MS, factor: FACTOR, scale }, random);

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

/** What an attempt records beside its verdict: the receiver's answer, if any. */
export interface Answer {
  code: number | null;
  body: string | null;
  /** The receiver answered 410 Gone: disable the endpoint. */
  gone?: boolean;
}

const STATUS = { done: 'delivered', pending: 'pending', failed: 'failed' } as const;

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

/** Writes one batch of settled and released deliveries. */
export async function writeDeliveryOutcomes(
  deps: Deps,
  settled: Settled<Claimed, Answer>[],
  released: { row: Claimed; token: string }[],
): Promise<void> {
  const prisma = deps.prisma;
  const rows = settled.map((s) => ({
    id: s.row.id,
    token: s.token,
    status: STATUS[s.status],
    attempts: s.attempts,
    next: s.next?.toISOString() ?? null,
    code: s.extra?.code ?? null,
    body: s.extra?.body ?? null,
    error: s.error,
    delivered: s.status === 'done' ? s.at.toISOString() : null,
    // A skipped row (endpoint disabled) was not sent this time: keep its last answer.
    keep: !s.attempted,
  }));
  const gone = settled.filter((s) => s.extra?.gone);
  const statements = [];
  if (rows.length > 0) statements.push(prisma.$executeRawUnsafe(WRITE_SQL, JSON.stringify(rows), deps.now()));
  for (const s of gone) {
    statements.push(
      prisma.webhookEndpoint.updateMany({
        where: { id: s.row.endpointId, enabled: true },
        data: {
          enabled: false,
          disabledReason: `The endpoint answered 410 Gone at ${s.at.toISOString()} (delivery ${s.row.id})`,
        },
      }),
    );
  }
  for (const r of released) {
    statements.push(
      prisma.webhookDelivery.updateMany({
        where: { id: r.row.id, lockedBy: r.token },
        data: { lockedBy: null, lockedUntil: null },
      }),
    );
  }
  if (statements.length === 1) await statements[0];
  else if (statements.length > 1) await prisma.$transaction(statements);
  for (const s of gone) {
    deps.logger.warn({ endpoint: s.row.endpointId, delivery: s.row.id }, 'webhook endpoint disabled (410)');
  }
}
