// API keys: `to_live_…` / `to_test_…` + 40 base62 characters (≈238 bits). Only a SHA-256 hash and
// a display prefix are stored; the full key is returned once, at creation.
import type { ApiKey, ApiKeyScope, Environment } from '../../prisma/generated/client/client';
import { commit, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { safeEqual, sha256Hex } from '../lib/crypto';
import { AppError, notFound } from '../lib/errors';
import { newId, randomBase62 } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Principal } from '../lib/principal';
import type { CreateApiKeyInput } from './api-keys.schemas';
import { requireOwner } from './authorize';

const KEY_RE = /^to_(live|test)_[0-9A-Za-z]{32,}$/;

/** Writes a new key in `tx` and returns it with its secret (shown once). */
export async function createApiKey(
  tx: Tx,
  input: { accountId: string; environment: Environment; name?: string; scope?: ApiKeyScope },
): Promise<{ apiKey: ApiKey; secret: string }> {
  const secret = `to_${input.environment}_${randomBase62(40)}`;
  const apiKey = await tx.apiKey.create({
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

/** A portal key for the caller's account (owners only), in the caller's environment. Naming the
 * other environment is 403: a `to_test_` key (or a test-mode session) must never mint a `to_live_`
 * key. A user who wants a live key signs in to (or refreshes into) the live environment. */
export function issueApiKey(deps: Deps, caller: Caller, input: CreateApiKeyInput) {
  requireOwner(caller.principal);
  const environment = caller.tenant.environment;
  if (input.environment && input.environment !== environment) {
    throw new AppError('FORBIDDEN', `A ${environment} credential can only create ${environment} API keys`);
  }
  return commit(deps, async (tx, staged) => {
    const made = await createApiKey(tx, {
      accountId: caller.tenant.accountId,
      environment,
      name: input.name,
    });
    staged.audit(caller, 'api_key.created', { id: made.apiKey.id, after: made.apiKey });
    return made;
  });
}

export const listApiKeys = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(deps.prisma.apiKey, inTenant(caller.tenant), w);

/** Revokes a key of the caller's account and environment (a key of the other environment is 404,
 * like an unknown id); takes effect at once here, and on the other instances as soon as they hear
 * of it over pub/sub. */
export function revokeApiKey(deps: Deps, caller: Caller, id: string): Promise<ApiKey> {
  requireOwner(caller.principal);
  return commit(deps, async (tx, staged) => {
    const key = await tx.apiKey.findFirst({ where: { id, ...inTenant(caller.tenant) } });
    if (!key) throw notFound('API key');
    staged.forgetCredentials();
    if (key.revokedAt) return key;
    const after = await tx.apiKey.update({ where: { id }, data: { revokedAt: deps.now() } });
    staged.audit(caller, 'api_key.revoked', { id, before: key, after });
    return after;
  });
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
    label: `${key.name} (${key.prefix}…)`,
  };
  deps.apiKeyCache.set(presented, principal);
  return principal;
}
