// Account users' sessions: HS256 JWTs, 24 h, returned by login and set as an HttpOnly cookie.
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Environment } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import { verifyPassword } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';

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

export async function issueSession(
  deps: Deps,
  user: { id: string; accountId: string },
  environment: Environment,
) {
  const now = Math.floor(deps.now().getTime() / 1000);
  const exp = now + SESSION_SECONDS;
  const token = await new SignJWT({ acct: user.accountId, env: environment })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await sessionSecret(deps));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Email + password → user, or 401 INVALID_CREDENTIALS (same answer for unknown email and wrong password). */
export async function checkCredentials(deps: Deps, email: string, password: string) {
  const user = await deps.prisma.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    include: { account: { select: { status: true } } },
  });
  // Verify against a dummy hash for unknown emails so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
  if (user.account.status !== 'active') throw new AppError('FORBIDDEN', 'Account is suspended');
  return user;
}
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A session JWT → Principal, or 403 INVALID_TOKEN (tampered, expired, wrong alg, user gone). */
export async function authenticateSession(deps: Deps, token: string): Promise<Principal> {
  const cached = deps.apiKeyCache.get(token);
  if (cached) return cached;
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await sessionSecret(deps), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: deps.now(),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) throw new AppError('INVALID_TOKEN', 'Invalid or expired token');
    throw err;
  }
  const user = await deps.prisma.user.findUnique({
    where: { id: String(payload.sub) },
    include: { account: { select: { status: true, plan: true } } },
  });
  if (!user || user.accountId !== payload.acct)
    throw new AppError('INVALID_TOKEN', 'Invalid or expired token');
  if (user.account.status !== 'active') throw new AppError('FORBIDDEN', 'Account is suspended');
  const principal: Principal = {
    kind: 'user',
    accountId: user.accountId,
    environment: payload.env === 'test' ? 'test' : 'live',
    scopes: ['portal'],
    userId: user.id,
    role: user.role,
    plan: user.account.plan,
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
