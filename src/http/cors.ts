// CORS, one policy for /api/v1, /graphql and the rest (TO_CORS_ORIGINS). A listed origin (or any,
// with `*`) gets the Access-Control headers; with a list, credentials (the session cookie) are
// allowed, and with `*` they are not. Preflights are answered here with 204.
import type { HttpCtx, Reply } from '../rest/context';

const ALLOW_HEADERS = 'Authorization,Content-Type,X-API-Version,X-Request-Id';
const ALLOW_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';
const EXPOSE_HEADERS =
  'X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,X-Request-Id,X-API-Version,Retry-After';

export type Cors = (c: HttpCtx) => Reply | null;

/** Sets the CORS headers on `c`; returns the reply to a preflight, or null to go on. */
export function corsPolicy(origins: string[]): Cors | null {
  if (origins.length === 0) return null;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (c) => {
    const origin = c.req.headers.get('origin');
    const preflight =
      c.req.method === 'OPTIONS' && c.req.headers.get('access-control-request-method') !== null;
    if (!any) c.header('Vary', 'Origin');
    if (origin && (any || allowed.has(origin))) {
      c.header('Access-Control-Allow-Origin', any ? '*' : origin);
      if (!any) c.header('Access-Control-Allow-Credentials', 'true');
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      if (preflight) {
        c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
        c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
        c.header('Access-Control-Max-Age', '600');
      }
    }
    return preflight ? { status: 204, headers: c.headers, body: null } : null;
  };
}
