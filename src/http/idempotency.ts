// Idempotency keys (PRODUCT.md §14), one mechanism for every REST write and every GraphQL mutation
// sent by POST. The edge calls `idempotent()` once a request has been admitted and its input parsed,
// so failures before the handler (401, 403, 429, bad input) never reach it and are never stored.
//
// The claim is the INSERT of a row keyed by (scope, key): of twenty identical requests racing, the
// database lets exactly one insert, and that one runs. The others read the row: a different request
// is 422 IDEMPOTENCY_KEY_REUSED, a running one 409 IDEMPOTENCY_IN_PROGRESS, a finished one is
// replayed (its status, body and content headers) with `Idempotent-Replayed: true`. Rows live 24
// hours; a sweeper job deletes them after that. This works across instances because the row is the
// only state.
import { createHash } from 'node:crypto';
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';
import { AppError } from '../lib/errors';
import type { HttpCtx, Reply } from '../rest/context';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A running claim older than this was left by an instance that died mid-request (the longest a
 * write may take is commit()'s 10 s wait plus 30 s transaction); the same request may take it over. */
export const IDEMPOTENCY_LEASE_MS = 120_000;

/** The headers a replay repeats; the rest (request id, rate limits, CORS) belong to each request. */
const REPLAYED_HEADERS = ['content-type', 'location', 'deprecation', 'sunset', 'link'];

/** The request's `Idempotency-Key`, or null when none was sent. 400 when it is not 1–255 characters. */
export function idempotencyKeyOf(c: HttpCtx): string | null {
  const key = c.req.headers.get('idempotency-key');
  if (key === null) return null;
  if (key.length < 1 || key.length > 255) {
    throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1 to 255 characters', {
      field: 'Idempotency-Key',
    });
  }
  return key;
}

/** What the stored response is checked against: method, path with query, and the body's bytes. */
export function fingerprintOf(c: HttpCtx, body: string | Buffer | null): string {
  const h = createHash('sha256');
  h.update(`${c.req.method}\n${c.req.path}?${c.req.query}\n`);
  if (body !== null) h.update(body);
  return h.digest('hex');
}

/** The scope of a license key on the public key routes (a hash: the key itself is a credential). */
export const licenseKeyScope = (key: string) =>
  `license:${createHash('sha256').update(key.trim().toUpperCase()).digest('hex')}`;

/** Credential scopes: one per API key or user, whatever account they act on. */
export function credentialScope(p: { apiKeyId?: string; userId?: string }): string | null {
  if (p.apiKeyId) return `api_key:${p.apiKeyId}`;
  if (p.userId) return `user:${p.userId}`;
  return null;
}

interface StoredRow {
  fingerprint: string;
  status: string;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

const CLAIM_SQL = `
INSERT INTO "IdempotencyKey" ("scope", "key", "fingerprint", "status", "lockedUntil", "createdAt", "expiresAt")
VALUES ($1, $2, $3, 'running', $4, $5, $6)
ON CONFLICT ("scope", "key") DO UPDATE SET
  "fingerprint" = EXCLUDED."fingerprint", "status" = 'running', "lockedUntil" = EXCLUDED."lockedUntil",
  "responseStatus" = NULL, "responseHeaders" = NULL, "responseBody" = NULL,
  "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
WHERE "IdempotencyKey"."expiresAt" <= $5
   OR ("IdempotencyKey"."status" = 'running' AND "IdempotencyKey"."lockedUntil" <= $5
       AND "IdempotencyKey"."fingerprint" = EXCLUDED."fingerprint")
RETURNING 1 AS claimed`;

export interface IdempotentRequest {
  scope: string;
  key: string;
  fingerprint: string;
}

/**
 * Runs `run` at most once per (scope, key) within 24 hours, or answers for it. `store(reply)` says
 * whether an outcome is kept (handler failures that a retry could fix — 5xx, 401/403/429 — are not:
 * the claim is dropped and the key can be used again).
 */
export async function idempotent(
  deps: Deps,
  c: HttpCtx,
  req: IdempotentRequest,
  run: () => Promise<Reply>,
  store: (reply: Reply) => boolean = storable,
): Promise<Reply> {
  const db = deps.prisma;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now();
    const claimed = await db.$queryRawUnsafe<{ claimed: number }[]>(
      CLAIM_SQL,
      req.scope,
      req.key,
      req.fingerprint,
      new Date(now.getTime() + IDEMPOTENCY_LEASE_MS),
      now,
      new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    );
    if (claimed.length > 0) return runClaimed(deps, req, run, store);
    const rows = await db.$queryRawUnsafe<StoredRow[]>(
      `SELECT "fingerprint", "status", "responseStatus", "responseHeaders", "responseBody"
         FROM "IdempotencyKey" WHERE "scope" = $1 AND "key" = $2`,
      req.scope,
      req.key,
    );
    const row = rows[0];
    if (!row) continue; // released (or swept) between the two statements: claim again
    if (row.fingerprint !== req.fingerprint) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request (method, path or body)',
      );
    }
    if (row.status !== 'done') {
      throw new AppError(
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still running; retry once it has finished',
      );
    }
    return replay(c, row);
  }
  throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is being retried');
}

async function runClaimed(
  deps: Deps,
  req: IdempotentRequest,
  run: () => Promise<Reply>,
  store: (reply: Reply) => boolean,
): Promise<Reply> {
  let reply: Reply;
  try {
    reply = await run();
  } catch (err) {
    await release(deps, req);
    throw err;
  }
  if (typeof reply.body !== 'string' && reply.body !== null) {
    await release(deps, req); // a stream is not something to replay
    return reply;
  }
  if (!store(reply)) {
    await release(deps, req);
    return reply;
  }
  const headers: Record<string, string> = {};
  for (const h of REPLAYED_HEADERS) {
    const v = reply.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  await deps.prisma.idempotencyKey.updateMany({
    where: { scope: req.scope, key: req.key, status: 'running', fingerprint: req.fingerprint },
    data: {
      status: 'done',
      responseStatus: reply.status,
      responseHeaders: headers,
      responseBody: reply.body,
    },
  });
  return reply;
}

function release(deps: Deps, req: IdempotentRequest): Promise<unknown> {
  return deps.prisma.idempotencyKey
    .deleteMany({
      where: { scope: req.scope, key: req.key, status: 'running', fingerprint: req.fingerprint },
    })
    .catch((err: unknown) => deps.logger.error({ err }, 'could not release an idempotency claim'));
}

function replay(c: HttpCtx, row: StoredRow): Reply {
  const stored = row.responseHeaders ?? {};
  for (const k in stored) c.header(k, stored[k]!);
  c.header('Idempotent-Replayed', 'true');
  return c.body(row.responseBody ?? null, row.responseStatus ?? 200, undefined, stored['content-type']);
}

/** Outcomes worth keeping: whatever the handler decided, except what a retry could change. */
export const storable = (reply: Reply) =>
  reply.status < 500 && reply.status !== 401 && reply.status !== 403 && reply.status !== 429;

/** Deletes records past their 24 hours. */
export async function sweepIdempotencyKeys(deps: Deps): Promise<number> {
  const { count } = await deps.prisma.idempotencyKey.deleteMany({
    where: { expiresAt: { lte: deps.now() } },
  });
  return count;
}

export const idempotencySweepJob = (deps: Deps): Job => ({
  name: 'idempotency-sweeper',
  intervalMs: deps.config.idempotencySweepIntervalMs,
  run: () => sweepIdempotencyKeys(deps),
});
