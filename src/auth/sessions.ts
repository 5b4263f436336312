// Account users' sessions: HS256 JWTs, 24 h, returned by login and set as an HttpOnly cookie.
// A sign-in is also a Session row: its id is every token's `sid`, refresh renews the same row, and
// logout revokes it, so a logged-out token stops working at once (and cannot be refreshed) on every
// instance, like a revoked API key.
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Environment } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { verifyPassword } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { Principal, RequestMeta } from '../lib/principal';

export const SESSION_COOKIE = 'to_session';
export const SESSION_SECONDS = 24 * 3600;
const ISSUER = 'traffic-orchestrator';
const AUDIENCE = 'traffic-orchestrator:session';

let cachedSecret: { deps: Deps; key: Uint8Array } | null = null;

/** TO_JWT_SECRET, or a secret generated on first use and persisted (sealed) in the database. */
export async function sessionSecret(deps: Deps): Promise<Uint8Array> {
  if (cachedSecret?.deps === deps) return cachedSecret.key;
  let secret = deps.config.jwtSecret;
  if (!secret) {
    const fresh = deps.secretBox.seal(randomBytes(32).toString('base64url'));
    // create-if-absent, then read back: several instances agree on the first one written
    await deps.prisma.setting.upsert({
      where: { key: 'jwt_secret' },
      create: { key: 'jwt_secret', value: fresh },
      update: {},
    });
    const row = await deps.prisma.setting.findUniqueOrThrow({ where: { key: 'jwt_secret' } });
    secret = deps.secretBox.open(row.value);
  }
  const key = new TextEncoder().encode(secret);
  cachedSecret = { deps, key };
  return key;
}

async function signSession(
  deps: Deps,
  user: { id: string; accountId: string },
  sessionId: string,
  environment: Environment,
  exp: number,
) {
  const token = await new SignJWT({ acct: user.accountId, env: environment, sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(deps.now().getTime() / 1000))
    .setExpirationTime(exp)
    .sign(await sessionSecret(deps));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** A new sign-in for `user`: a Session row and its first token. The user's expired sessions go. */
export async function issueSession(
  deps: Deps,
  user: { id: string; accountId: string; email?: string },
  environment: Environment,
  meta?: RequestMeta,
) {
  const now = deps.now();
  const exp = Math.floor(now.getTime() / 1000) + SESSION_SECONDS;
  const id = newId('ses');
  await commit(deps, async (tx, staged) => {
    await tx.session.deleteMany({ where: { userId: user.id, expiresAt: { lt: now } } });
    await tx.session.create({ data: { id, userId: user.id, expiresAt: new Date(exp * 1000) } });
    if (meta) {
      const tenant = { accountId: user.accountId, environment };
      const actor = { type: 'user' as const, id: user.id, label: user.email ?? null };
      staged.audit({ ...meta, tenant, actor }, 'user.signed_in', { id: user.id });
    }
  });
  return signSession(deps, user, id, environment, exp);
}

/** Renews a live session (from its still-valid token's Principal): a new token of the same sign-in,
 * 24 h from now, in `environment`. */
export async function renewSession(deps: Deps, p: Principal, environment: Environment) {
  if (p.kind !== 'user' || !p.sessionId || !p.userId || !p.accountId) {
    throw new AppError('AUTH_REQUIRED', 'No session to refresh');
  }
  const exp = Math.floor(deps.now().getTime() / 1000) + SESSION_SECONDS;
  const renewed = await deps.prisma.session.updateMany({
    where: { id: p.sessionId, revokedAt: null },
    data: { expiresAt: new Date(exp * 1000) },
  });
  if (renewed.count === 0) throw new AppError('INVALID_TOKEN', 'Invalid or expired token');
  return signSession(deps, { id: p.userId, accountId: p.accountId }, p.sessionId, environment, exp);
}

/** Logs a sign-in out: its row is revoked and every instance forgets the cached tokens, so each
 * token of it is refused from the next request on (and subscriptions opened with it close). A token
 * that does not verify has nothing to log out. */
export async function revokeSession(deps: Deps, token: string, meta?: RequestMeta): Promise<boolean> {
  const payload = await verifiedClaims(deps, token).catch(() => null);
  const sid = typeof payload?.sid === 'string' ? payload.sid : null;
  if (!sid) return false;
  return commit(deps, async (tx, staged) => {
    const r = await tx.session.updateMany({
      where: { id: sid, revokedAt: null },
      data: { revokedAt: deps.now() },
    });
    staged.forgetCredentials();
    const userId = payload?.sub;
    const env = payload?.env === 'test' ? 'test' : 'live';
    if (r.count > 0 && meta && typeof payload?.acct === 'string' && userId) {
      const tenant = { accountId: payload.acct, environment: env } as const;
      const actor = { type: 'user' as const, id: userId, label: null };
      staged.audit({ ...meta, tenant, actor }, 'user.signed_out', { id: userId, targetType: 'user' });
    }
    return r.count > 0;
  });
}

/** Email + password → user, or 401 INVALID_CREDENTIALS (same answer for unknown email and wrong
 * password). An email is unique per account, so one address may have a user in several accounts:
 * the password picks among them (oldest first), or `accountId` does. */
export async function checkCredentials(
  deps: Deps,
  email: string,
  password: string,
  accountId?: string,
  attempt?: RequestMeta & { environment: Environment },
) {
  const users = await deps.prisma.user.findMany({
    where: { email: email.trim().toLowerCase(), ...(accountId ? { accountId } : {}) },
    include: { account: { select: { status: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 10,
  });
  // Verify against a dummy hash for unknown emails so timing does not reveal which emails exist.
  let user: (typeof users)[number] | undefined;
  for (const u of users.length ? users : [undefined]) {
    if ((await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH)) && u) {
      user = u;
      break;
    }
  }
  if (!user || user.account.status !== 'active') {
    // A failed sign-in writes nothing else: its entry is written on its own, in each account that
    // has a user with this email (an unknown email has no account to write it to).
    if (attempt)
      await auditFailedSignIn(deps, users, user ? 'account_suspended' : 'invalid_credentials', attempt);
    if (!user) throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
    throw new AppError('FORBIDDEN', 'Account is suspended');
  }
  return user;
}
function auditFailedSignIn(
  deps: Deps,
  users: { id: string; accountId: string; email: string }[],
  reason: string,
  attempt: RequestMeta & { environment: Environment },
) {
  if (users.length === 0) return Promise.resolve();
  const meta = { ip: attempt.ip, userAgent: attempt.userAgent, requestId: attempt.requestId };
  return commit(deps, (_tx, staged) => {
    for (const u of users) {
      const tenant = { accountId: u.accountId, environment: attempt.environment };
      const actor = { type: 'user' as const, id: null, label: u.email };
      staged.audit({ ...meta, tenant, actor }, 'user.sign_in_failed', {
        id: u.id,
        changes: { reason: [null, reason] },
      });
    }
    return Promise.resolve();
  });
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

async function verifiedClaims(deps: Deps, token: string) {
  try {
    const { payload } = await jwtVerify(token, await sessionSecret(deps), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: deps.now(),
    });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) throw new AppError('INVALID_TOKEN', 'Invalid or expired token');
    throw err;
  }
}

/** A session JWT → Principal, or 403 INVALID_TOKEN (tampered, expired, wrong alg, logged out, user
 * gone). One query: the session with its user and account. */
export async function authenticateSession(deps: Deps, token: string): Promise<Principal> {
  const cached = deps.apiKeyCache.get(token);
  if (cached) return cached;
  const payload = await verifiedClaims(deps, token);
  const invalid = () => new AppError('INVALID_TOKEN', 'Invalid or expired token');
  if (typeof payload.sid !== 'string') throw invalid();
  const session = await deps.prisma.session.findUnique({
    where: { id: payload.sid },
    include: { user: { include: { account: { select: { status: true, plan: true } } } } },
  });
  const user = session?.user;
  if (!session || session.revokedAt || session.expiresAt <= deps.now()) throw invalid();
  if (!user || user.id !== payload.sub || user.accountId !== payload.acct) throw invalid();
  if (user.account.status !== 'active') throw new AppError('FORBIDDEN', 'Account is suspended');
  const principal: Principal = {
    kind: 'user',
    accountId: user.accountId,
    environment: payload.env === 'test' ? 'test' : 'live',
    scopes: ['portal'],
    userId: user.id,
    sessionId: session.id,
    role: user.role,
    plan: user.account.plan,
    label: user.email,
  };
  deps.apiKeyCache.set(token, principal);
  return principal;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
}

export const clearedSessionCookie = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || null;
  }
  return null;
}
