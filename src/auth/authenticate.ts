// Authentication strategies → Principal. One entry point for REST, GraphQL and graphql-ws.
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { authenticateApiKey } from './api-keys.service';
import { ANONYMOUS, type Principal } from '../lib/principal';
import { authenticateSession, readCookie, SESSION_COOKIE } from './sessions';

/** Strategies in order: `Authorization: Bearer to_…` (API key), `Authorization: Bearer <JWT>`
 * (user session), the session cookie, else anonymous. A credential that is sent must be valid. */
export async function authenticate(
  deps: Deps,
  authorization: string | null | undefined,
  cookie?: string | null,
): Promise<Principal> {
  if (!authorization) {
    const session = readCookie(cookie, SESSION_COOKIE);
    return session ? authenticateSession(deps, session) : ANONYMOUS;
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new AppError('INVALID_TOKEN', 'Authorization header must be "Bearer <token>"');
  const token = m[1]!;
  if (token.startsWith('to_')) return authenticateApiKey(deps, token);
  return authenticateSession(deps, token);
}
