// The API key JSON view: a display prefix, never the key or its hash.
import type { ApiKey } from '../../prisma/generated/client/client';

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
