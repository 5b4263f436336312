import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { CreateApiKeyInput, ListApiKeysQuery } from './api-keys.schemas';
import { issueApiKey, listApiKeys, revokeApiKey } from './api-keys.service';
import { apiKeyJson } from './api-keys.views';

export function apiKeyRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/api-keys',
      access: 'portal',
      tag: 'API keys',
      summary: "List the environment's API keys (secrets are never shown again)",
      query: ListApiKeysQuery,
      list: ({ caller }, w) => listApiKeys(deps, caller, w),
      json: apiKeyJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/api-keys',
      access: 'portal',
      tag: 'API keys',
      summary: 'Create an API key; the secret is in this response only',
      body: CreateApiKeyInput,
      async handler(c, { caller, body }) {
        const { apiKey, secret } = await issueApiKey(deps, caller, body);
        return c.json({ apiKey: apiKeyJson(apiKey), secret }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/api-keys/:id',
      access: 'portal',
      tag: 'API keys',
      summary: 'Revoke an API key',
      async handler(c, { caller, params }) {
        return c.json({ apiKey: apiKeyJson(await revokeApiKey(deps, caller, params.id!)) });
      },
    }),
  ]);
}
