// The email dispatcher: the outbox core (src/jobs/outbox.ts) with an SMTP channel (nodemailer,
// pooled connections). It claims due rows (queued, and unsent ones written before SMTP_URL was
// set), sends each once per attempt across instances, and records the outcome. Failures are
// retried with backoff (30 s × 3^(n−1) ± 25 %, 9 attempts over about a day); an SMTP server's
// permanent refusal (5xx other than authentication) fails the email at once.
import { createTransport } from 'nodemailer';
import type { Deps } from '../deps';
import {
  backoffMs,
  type ClaimRequest,
  Outbox,
  type OutboxChannel,
  type Settled,
  type Verdict,
} from '../jobs/outbox';
import type { Job } from '../jobs/scheduler';
import { LOGIN_TOKEN } from './templates';

export const EMAIL_MAX_ATTEMPTS = 9;
const LEASE_MS = 120_000;

export interface ClaimedEmail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
  loginTokenId: string | null;
  brandName: string;
  supportEmail: string | null;
}

const CLAIM_SQL = `
WITH picked AS (
  SELECT id FROM "EmailMessage"
  WHERE status IN ('queued', 'unsent') AND "nextAttemptAt" <= $1
    AND ("lockedUntil" IS NULL OR "lockedUntil" < $1)
  ORDER BY "nextAttemptAt", id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
)
UPDATE "EmailMessage" m SET "lockedBy" = $4, "lockedUntil" = $2, "updatedAt" = $1
FROM picked, "Account" a
WHERE m.id = picked.id AND a.id = m."accountId"
RETURNING m.id, m."to", m.subject, m.text, m.html, m.attempts, m."loginTokenId",
  COALESCE(a."displayName", a.name) AS "brandName", a."supportEmail"`;

const WRITE_SQL = `
UPDATE "EmailMessage" m SET
  status = v.status::"EmailStatus",
  attempts = v.attempts,
  "nextAttemptAt" = COALESCE(v.next, m."nextAttemptAt"),
  "lastError" = v.error,
  "sentAt" = v.sent,
  "lockedBy" = NULL,
  "lockedUntil" = NULL,
  "updatedAt" = $2
FROM json_to_recordset($1::json) AS v(id text, token text, status text, attempts int,
  next timestamptz, error text, sent timestamptz)
WHERE m.id = v.id AND m."lockedBy" = v.token`;

const STATUS = { done: 'sent', pending: 'queued', failed: 'failed' } as const;

/** The address part of TO_EMAIL_FROM (`Name <a@b>` or `a@b`). */
const fromAddress = (from: string) => /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();

function describe(err: unknown): { message: string; permanent: boolean } {
  const e = err as { code?: string; responseCode?: number; permanent?: boolean; message?: string };
  const parts = [e.code, e.responseCode].filter((p) => p !== undefined && p !== null);
  const message = `${parts.length ? `${parts.join(' ')}: ` : ''}${e.message ?? String(err)}`.slice(0, 1000);
  // A 5xx is the server refusing this message (a bad recipient, a rejected body) for good; a 5xx to
  // our login is the operator's configuration, which a retry after fixing it should still reach.
  return { message, permanent: e.permanent === true && e.code !== 'EAUTH' };
}

class EmailChannel implements OutboxChannel<ClaimedEmail, null> {
  readonly name = 'email';
  /** A send is a connection, the greeting and a few commands, each under emailTimeoutMs. */
  readonly sendTimeoutMs: number;
  /** Longer than two sends: a row queued behind one send still has a whole send's time left. */
  readonly leaseMs: number;
  readonly maxAttempts = EMAIL_MAX_ATTEMPTS;
  private readonly transport;

  constructor(
    private readonly deps: Deps,
    smtpUrl: string,
  ) {
    const t = deps.config.emailTimeoutMs;
    this.sendTimeoutMs = 3 * t;
    this.leaseMs = Math.max(LEASE_MS, 2 * this.sendTimeoutMs + 10_000);
    this.transport = createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: deps.config.emailMaxInFlight,
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
    });
  }

  get maxInFlight() {
    return this.deps.config.emailMaxInFlight;
  }
  get pollIntervalMs() {
    return this.deps.config.emailDispatchIntervalMs;
  }
  backoffMs = (attempts: number) =>
    backoffMs(attempts, { firstMs: 30_000, factor: 3, scale: this.deps.config.emailBackoffScale });

  claim(req: ClaimRequest): Promise<ClaimedEmail[]> {
    return this.deps.prisma.$queryRawUnsafe<ClaimedEmail[]>(
      CLAIM_SQL,
      req.now,
      req.leaseUntil,
      req.limit,
      req.token,
    );
  }

  async send(m: ClaimedEmail, ctx: { attempted(): void }): Promise<Verdict<null>> {
    // A sign-in link's token is derived from its id here, so no copy of it is ever stored.
    const token = m.loginTokenId ? this.deps.secretBox.mac('customer-login', m.loginTokenId) : null;
    const fill = (s: string) => (token ? s.replaceAll(LOGIN_TOKEN, token) : s);
    ctx.attempted();
    try {
      await this.transport.sendMail({
        from: { name: m.brandName, address: fromAddress(this.deps.config.emailFrom) },
        to: m.to,
        ...(m.supportEmail ? { replyTo: m.supportEmail } : {}),
        subject: m.subject,
        text: fill(m.text),
        html: fill(m.html),
        // The same Message-ID on every attempt, so a mailbox can drop a duplicate.
        messageId: `<${m.id}@traffic-orchestrator>`,
        headers: { 'X-TO-Email-ID': m.id },
      });
      return { kind: 'done', extra: null };
    } catch (err) {
      const { message, permanent } = describe(err);
      return permanent
        ? { kind: 'fail', error: message, attempted: true, extra: null }
        : { kind: 'retry', error: message, extra: null };
    }
  }

  async write(settled: Settled<ClaimedEmail, null>[], released: { row: ClaimedEmail; token: string }[]) {
    const prisma = this.deps.prisma;
    const rows = settled.map((s) => ({
      id: s.row.id,
      token: s.token,
      status: STATUS[s.status],
      attempts: s.attempts,
      next: s.next?.toISOString() ?? null,
      error: s.error,
      sent: s.status === 'done' ? s.at.toISOString() : null,
    }));
    const statements = [];
    if (rows.length > 0)
      statements.push(prisma.$executeRawUnsafe(WRITE_SQL, JSON.stringify(rows), this.deps.now()));
    for (const r of released) {
      statements.push(
        prisma.emailMessage.updateMany({
          where: { id: r.row.id, lockedBy: r.token },
          data: { lockedBy: null, lockedUntil: null },
        }),
      );
    }
    if (statements.length === 1) await statements[0];
    else if (statements.length > 1) await prisma.$transaction(statements);
  }

  close = () => Promise.resolve(this.transport.close());
}

export class EmailDispatcher extends Outbox<ClaimedEmail, null> {
  constructor(
    private readonly deps: Deps,
    smtpUrl: string,
  ) {
    super(deps, new EmailChannel(deps, smtpUrl));
  }

  override job(): Job {
    return super.job('email-dispatcher');
  }

  /** Emails waiting to be sent or retried (every tenant). */
  queueDepth(): Promise<number> {
    return this.deps.prisma.emailMessage.count({ where: { status: { in: ['queued', 'unsent'] } } });
  }
}
