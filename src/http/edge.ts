// The edge of /api/v1 and /graphql: API version, authentication into a Principal, and rate limits
// with their headers on every response.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from '../auth/authenticate';
import { ANONYMOUS, type Principal } from '../auth/principal';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { type LimitState, rateLimitedBody, rateLimitHeaders, type RateLimits } from './rate-limit';

/** The socket's address, or the first X-Forwarded-For hop when the proxy is trusted. */
export function clientIp(c: Context, trustProxy = false): string | null {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.fetch in tests has no socket
  }
}

export const SUPPORTED_API_VERSIONS = ['2026-01-01'];

export interface EdgeVars {
  principal: Principal;
  authError: unknown;
  ip: string;
}

export const principalOf = (c: Context): Principal => (c.get('principal' as never) as Principal) ?? ANONYMOUS;
export const ipOf = (c: Context): string => (c.get('ip' as never) as string) ?? 'unknown';

/** Sets a deprecated route's `Sunset` (RFC 8594) and `Deprecation` headers. */
export function deprecate(c: Context, sunset: Date, link?: string) {
  c.header('Deprecation', 'true');
  c.header('Sunset', sunset.toUTCString());
  if (link) c.header('Link', `<${link}>; rel="sunset"`);
}

export function respondRateLimited(c: Context, s: LimitState, deps?: Deps, limiter = 'lookup') {
  deps?.metrics.rateLimited.inc({ limiter });
  return c.json(rateLimitedBody(s), 429, rateLimitHeaders(s));
}

export function edge(
  deps: Deps,
  limits: RateLimits,
  isPublic: (method: string, path: string) => boolean,
  onReject: (kind: string) => void = () => {},
): MiddlewareHandler {
  return async (c, next) => {
    const version = c.req.header('x-api-version');
    if (version && !SUPPORTED_API_VERSIONS.includes(version)) {
      throw new AppError(
        'UNSUPPORTED_API_VERSION',
        `Unknown X-API-Version "${version}"; supported: ${SUPPORTED_API_VERSIONS.join(', ')}`,
      );
    }
    const ip = clientIp(c, deps.config.trustProxy) ?? 'unknown';
    c.set('ip' as never, ip as never);
    let principal: Principal = ANONYMOUS;
    try {
      principal = await authenticate(deps, c.req.header('authorization'), c.req.header('cookie'));
    } catch (err) {
      c.set('authError' as never, err as never);
    }
    c.set('principal' as never, principal as never);

    let limit: LimitState | null = null;
    if (limits.enabled) {
      // API keys are limited by their account's plan everywhere. A user session counts against the
      // plan on portal routes, but has no say over the public path's identity, which is the IP.
      const subject =
        principal.plan && (principal.apiKeyId || (principal.userId && !isPublic(c.req.method, c.req.path)))
          ? (principal.apiKeyId ?? principal.userId)!
          : null;
      limit = subject ? await limits.forPlan(principal.plan!, subject) : await limits.forIp(ip);
      if (!limit.allowed) {
        onReject(subject ? 'plan' : 'ip');
        return respondRateLimited(c, limit);
      }
    }
    if (limit) for (const [k, v] of Object.entries(rateLimitHeaders(limit))) c.header(k, v);
    await next();
  };
}
