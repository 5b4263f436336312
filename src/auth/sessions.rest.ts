import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { defineRoutes, route } from '../rest/route';
import { LoginInput, RefreshInput } from './sessions.schemas';
import {
  authenticateSession,
  checkCredentials,
  clearedSessionCookie,
  issueSession,
  readCookie,
  renewSession,
  revokeSession,
  SESSION_COOKIE,
  sessionCookie,
} from './sessions';

/** The session token a request carries: the cookie, else a bearer JWT (not an API key). */
function sessionToken(headers: { get(name: string): string | null }): string | null {
  const token =
    readCookie(headers.get('cookie'), SESSION_COOKIE) ??
    /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1] ??
    null;
  return token && !token.startsWith('to_') ? token : null;
}

/** Failed (or still running) sign-ins allowed per email and per IP in any minute before 429. */
const LOGIN_FAILURES_PER_EMAIL = 5;
const LOGIN_FAILURES_PER_IP = 20;

export function sessionRoutes(deps: Deps) {
  const secure = () => deps.config.env === 'production';
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      access: 'public',
      idempotency: false,
      tag: 'Sessions',
      summary: 'Sign in with email and password: returns a 24 h JWT and sets an HttpOnly session cookie',
      body: LoginInput,
      example: {
        request: {
          email: 'owner@example.com',
          password: 'correct-horse-battery-staple',
          environment: 'live',
        },
      },
      async handler(c, { body, keyCaller }) {
        const ip = keyCaller.ip ?? 'unknown';
        const email = body.email.toLowerCase();
        // The attempt is counted before the ~50 ms scrypt check, atomically, and given back when it
        // succeeds: concurrent wrong passwords cannot all pass a check made before any was counted.
        const limits = deps.limits;
        const byEmail = await limits.take('login-email', LOGIN_FAILURES_PER_EMAIL, email);
        if (!byEmail.state.allowed) throw limits.refuse(byEmail.state, 'login');
        const byIp = await limits.take('login-ip', LOGIN_FAILURES_PER_IP, ip);
        if (!byIp.state.allowed) {
          await limits.refund(byEmail);
          throw limits.refuse(byIp.state, 'login');
        }
        let user;
        try {
          user = await checkCredentials(deps, email, body.password, body.accountId, {
            ...keyCaller,
            environment: body.environment ?? 'live',
          });
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'INVALID_CREDENTIALS')) {
            await Promise.all([limits.refund(byEmail), limits.refund(byIp)]);
          }
          throw err;
        }
        await Promise.all([limits.refund(byEmail), limits.refund(byIp)]);
        const session = await issueSession(deps, user, body.environment ?? 'live', keyCaller);
        c.header('Set-Cookie', sessionCookie(session.token, secure()));
        return c.json({ ...session, user: { id: user.id, email: user.email, role: user.role } });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/refresh',
      access: 'public',
      usesSessionCookie: true,
      idempotency: false,
      tag: 'Sessions',
      summary:
        'Renew the session token from the session cookie (or a still-valid bearer JWT), optionally in the other environment',
      body: RefreshInput,
      example: {
        request: { environment: 'test' },
        response: { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', expiresAt: '2026-01-02T12:00:00.000Z' },
      },
      async handler(c, { body }) {
        const token = sessionToken(c.req.headers);
        if (!token) throw new AppError('AUTH_REQUIRED', 'No session to refresh');
        // A logged-out (or expired) sign-in is refused here: 403 INVALID_TOKEN.
        const p = await authenticateSession(deps, token);
        const session = await renewSession(deps, p, body.environment ?? p.environment!);
        c.header('Set-Cookie', sessionCookie(session.token, secure()));
        return c.json(session);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      access: 'public',
      usesSessionCookie: true,
      idempotency: false,
      tag: 'Sessions',
      summary:
        'Sign out: the session (cookie or bearer JWT) is revoked on the server, every token of it stops working, and the cookie is cleared',
      async handler(c, { keyCaller }) {
        const token = sessionToken(c.req.headers);
        if (token) await revokeSession(deps, token, keyCaller);
        c.header('Set-Cookie', clearedSessionCookie);
        return c.json({ loggedOut: true });
      },
    }),
  ]);
}
