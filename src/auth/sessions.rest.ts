import { z } from 'zod';
import type { Deps } from '../deps';
import { respondRateLimited } from '../http/edge';
import { defineRoutes, route } from '../http/route';
import { AppError } from '../lib/errors';
import {
  authenticateSession,
  checkCredentials,
  clearedSessionCookie,
  issueSession,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
} from './sessions';

export const LoginBody = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(1).max(1024),
  /** The environment the session works in. */
  environment: z.enum(['live', 'test']).optional(),
});

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
      tag: 'Sessions',
      summary: 'Sign in with email and password: returns a 24 h JWT and sets an HttpOnly session cookie',
      body: LoginBody,
      example: { request: { email: 'owner@example.com', password: '••••••••' } },
      async handler(c, { body, caller }) {
        const ip = caller.ip ?? 'unknown';
        const email = body.email.toLowerCase();
        const blocked =
          (await deps.limits.blocked('login-email', LOGIN_FAILURES_PER_EMAIL, email)) ??
          (await deps.limits.blocked('login-ip', LOGIN_FAILURES_PER_IP, ip));
        if (blocked) return respondRateLimited(c, blocked, deps, 'login');
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
      tag: 'Sessions',
      summary: 'Renew the session token from the session cookie (or a still-valid bearer JWT)',
      async handler(c) {
        const auth = c.req.headers.get('authorization');
        const token =
          readCookie(c.req.headers.get('cookie'), SESSION_COOKIE) ??
          /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1];
        if (!token || token.startsWith('to_')) throw new AppError('AUTH_REQUIRED', 'No session to refresh');
        const p = await authenticateSession(deps, token);
        const session = await issueSession(deps, { id: p.userId!, accountId: p.accountId! }, p.environment!);
        c.header('Set-Cookie', sessionCookie(session.token, secure()));
        return c.json(session);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      access: 'public',
      tag: 'Sessions',
      summary: 'Clear the session cookie',
      handler(c) {
        c.header('Set-Cookie', clearedSessionCookie);
        return c.json({ loggedOut: true });
      },
    }),
  ]);
}
