// API keys: `to_live_…` / `to_test_…` + 40 base62 characters (≈238 bits). Only a SHA-256 hash and
// a display prefix are stored; the full key is returned once, at creation.
import type { ApiKey, ApiKeyScope, Environment } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import type { Db } from '../db/client';
import { safeEqual, sha256Hex } from '../lib/crypto';
import { AppError, notFound } from '../lib/errors';
import { newId, randomBase62 } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';
import type { Principal, Tenant } from './principal';

const KEY_RE = /^to_(live|test)_[0-9A-Za-z]{32,}$/;

export function apiKeyJson(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    environment: k.environment,
    scope: k.scope,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

export async function createApiKey(
  prisma: Db,
  input: { accountId: string; environment: Environment; name?: string; scope?: ApiKeyScope },
): Promise<{ apiKey: ApiKey; secret: string }> {
  const secret = `to_${input.environment}_${randomBase62(40)}`;
  const apiKey = await prisma.apiKey.create({
    data: {
      id: newId('key'),
      accountId: input.accountId,
      environment: input.environment,
      name: input.name ?? `${input.environment} key`,
      scope: input.scope ?? 'portal',
      prefix: secret.slice(0, 12),
      hash: sha256Hex(secret),
    },
  });
  return { apiKey, secret };
}

export async function listApiKeys(deps: Deps, tenant: Tenant, w: PageWindow) {
  const where = { accountId: tenant.accountId, environment: tenant.environment };
  const [data, total] = await Promise.all([
    deps.prisma.apiKey.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.apiKey.count({ where }),
  ]);
  return { data, total };
}

/** Revokes a key of the caller's account (either environment); takes effect at once here, and on the
 * other instances as soon as they hear of it over pub/sub. */
export async function revokeApiKey(deps: Deps, accountId: string, id: string): Promise<ApiKey> {
  const key = await deps.prisma.apiKey.findFirst({ where: { id, accountId } });
  if (!key) throw notFound('API key');
  const revoked = key.revokedAt
    ? key
    : await deps.prisma.apiKey.update({ where: { id }, data: { revokedAt: deps.now() } });
  deps.forgetCredentials();
  return revoked;
}

/** Resolves a presented API key to a Principal, or throws 401 INVALID_API_KEY. */
export async function authenticateApiKey(deps: Deps, presented: string): Promise<Principal> {
  const cached = deps.apiKeyCache.get(presented);
  if (cached) return cached;
  if (!KEY_RE.test(presented)) throw new AppError('INVALID_API_KEY', 'Invalid API key');
  const hash = sha256Hex(presented);
  const key = await deps.prisma.apiKey.findUnique({
    where: { hash },
    include: { account: { select: { status: true, plan: true } } },
  });
  // The index lookup is by hash; the final comparison is constant-time all the same.
  if (!key || !safeEqual(key.hash, hash) || key.revokedAt)
    throw new AppError('INVALID_API_KEY', 'Invalid API key');
  if (key.account.status !== 'active') throw new AppError('FORBIDDEN', 'Account is suspended');
  const principal: Principal = {
    kind: 'api_key',
    accountId: key.accountId,
    environment: key.environment,
    scopes: key.scope === 'admin' ? ['portal', 'admin'] : ['portal'],
    apiKeyId: key.id,
    plan: key.account.plan,
  };
  deps.apiKeyCache.set(presented, principal);
  return principal;
}
