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
  SESSION_COOKIE,
  sessionCookie,
} from './sessions';

/** Failed logins allowed per email and per IP in a minute before 429. */
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
        const blocked =
          (await deps.limits.blocked('login-email', LOGIN_FAILURES_PER_EMAIL, email)) ??
          (await deps.limits.blocked('login-ip', LOGIN_FAILURES_PER_IP, ip));
        if (blocked) throw deps.limits.refuse(blocked, 'login');
        let user;
        try {
          user = await checkCredentials(deps, email, body.password);
        } catch (err) {
          if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') {
            await deps.limits.fail('login-email', LOGIN_FAILURES_PER_EMAIL, email);
            await deps.limits.fail('login-ip', LOGIN_FAILURES_PER_IP, ip);
          }
          throw err;
        }
        const session = await issueSession(deps, user, body.environment ?? 'live');
        c.header('Set-Cookie', sessionCookie(session.token, secure()));
        return c.json({ ...session, user: { id: user.id, email: user.email, role: user.role } });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/refresh',
      access: 'public',
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
        const auth = c.req.headers.get('authorization');
        const token =
          readCookie(c.req.headers.get('cookie'), SESSION_COOKIE) ??
          /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1];
        if (!token || token.startsWith('to_')) throw new AppError('AUTH_REQUIRED', 'No session to refresh');
        const p = await authenticateSession(deps, token);
        const environment = body.environment ?? p.environment!;
        const session = await issueSession(deps, { id: p.userId!, accountId: p.accountId! }, environment);
        c.header('Set-Cookie', sessionCookie(session.token, secure()));
        return c.json(session);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      access: 'public',
      idempotency: false,
      tag: 'Sessions',
      summary: 'Clear the session cookie',
      handler(c) {
        c.header('Set-Cookie', clearedSessionCookie);
        return c.json({ loggedOut: true });
      },
    }),
  ]);
}
