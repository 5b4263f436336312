import { z } from 'zod';
import type { Deps } from '../deps';
import { requireOwner } from '../accounts/users.service';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import { apiKeyJson, createApiKey, listApiKeys, revokeApiKey } from './api-keys.service';

export const CreateApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  /** Defaults to the environment of the calling key. */
  environment: z.enum(['live', 'test']).optional(),
});

export function apiKeyRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/api-keys',
      access: 'portal',
      tag: 'API keys',
      summary: "List the environment's API keys (secrets are never shown again)",
      query: PaginationQuery,
      list: ({ tenant, query }, w) => listApiKeys(deps, tenant, w),
      json: apiKeyJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/api-keys',
      access: 'portal',
      tag: 'API keys',
      summary: 'Create an API key; the secret is in this response only',
      body: CreateApiKeyBody,
      async handler(c, { tenant, body, principal }) {
        requireOwner(principal);
        const { apiKey, secret } = await createApiKey(deps.prisma, {
          accountId: tenant.accountId,
          environment: body.environment ?? tenant.environment,
          name: body.name,
        });
        return c.json({ apiKey: apiKeyJson(apiKey), secret }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/api-keys/:id',
      access: 'portal',
      tag: 'API keys',
      summary: 'Revoke an API key',
      async handler(c, { tenant, params, principal }) {
        requireOwner(principal);
        return c.json({ apiKey: apiKeyJson(await revokeApiKey(deps, tenant.accountId, params.id!)) });
      },
    }),
  ]);
}
