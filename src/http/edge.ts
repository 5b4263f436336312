// The edge of /api/v1 and /graphql: API version, authentication into a Principal, and rate limits
// with their headers on every response.
import { authenticate } from '../auth/authenticate';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { ANONYMOUS, type Principal } from '../lib/principal';
import { rateLimitHeaders } from '../lib/rate-limit';
import type { Exchange, HttpCtx } from '../rest/context';

/** What the `hops` trusted proxies in front of this server said in a comma-separated forwarding
 * header: each proxy appends the address it was reached from, so the entry `hops` from the right is
 * the one the outermost trusted proxy wrote. Entries to its left came from the client, and anyone
 * can write them: they are never believed. A shorter list means fewer proxies than configured; its
 * leftmost entry is then the best there is. */
export function forwardedEntry(header: string | null | undefined, hops: number): string | undefined {
  if (hops <= 0 || !header) return undefined;
  const entries = header
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.length === 0 ? undefined : entries[Math.max(0, entries.length - hops)];
}

/** The socket's address, or, behind `trustProxyHops` trusted proxies (TO_TRUST_PROXY), the
 * X-Forwarded-For entry the outermost of them appended. */
export function clientIp(ex: Exchange, trustProxyHops = 0): string | null {
  return forwardedEntry(ex.headers.get('x-forwarded-for'), trustProxyHops) ?? ex.remoteAddress;
}

export const SUPPORTED_API_VERSIONS = ['2026-01-01'];

/** Who is calling, decided once per request at the edge. */
export interface Admitted {
  principal: Principal;
  /** A credential that was sent but failed; routes that need one rethrow it. */
  authError: Error | undefined;
  ip: string;
  requestId: string;
}

/**
 * Checks the API version, authenticates, and counts the request against its rate limit (the API
 * key's plan, or the client IP), setting the X-RateLimit-* headers on `c`. Returns who is calling;
 * throws 429 RATE_LIMITED over the limit.
 */
export async function admit(deps: Deps, c: HttpCtx, isPublic: boolean, requestId: string): Promise<Admitted> {
  const ex = c.req;
  const version = ex.headers.get('x-api-version');
  if (version && !SUPPORTED_API_VERSIONS.includes(version)) {
    throw new AppError(
      'UNSUPPORTED_API_VERSION',
      `Unknown X-API-Version "${version}"; supported: ${SUPPORTED_API_VERSIONS.join(', ')}`,
    );
  }
  const ip = clientIp(ex, deps.config.trustProxy) ?? 'unknown';
  let principal: Principal = ANONYMOUS;
  let authError: Error | undefined = undefined;
  try {
    principal = await authenticate(deps, ex.headers.get('authorization'), ex.headers.get('cookie'));
  } catch (err) {
    authError = err instanceof Error ? err : new Error(String(err));
  }

  const limits = deps.limits;
  if (limits.enabled) {
    // API keys are limited by their account's plan everywhere. A user session counts against the
    // plan on portal routes, but has no say over the public path's identity, which is the IP.
    const subject =
      principal.plan && (principal.apiKeyId || (principal.userId && !isPublic))
        ? (principal.apiKeyId ?? principal.userId)!
        : null;
    const limit = subject ? await limits.forPlan(principal.plan!, subject) : await limits.forIp(ip);
    if (!limit.allowed) throw limits.refuse(limit, subject ? 'plan' : 'ip');
    const h = rateLimitHeaders(limit);
    for (const k in h) c.header(k, h[k]!);
  }
  return { principal, authError, ip, requestId };
}
