// API keys: list, create (the secret is returned once), revoke. Only a hash is ever stored.
import type { ApiKey as ApiKeyRow } from '../../prisma/generated/client/client';
import { ApiKeyScope } from '../../prisma/generated/client/enums';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { EnvironmentEnum } from '../graphql/environment';
import { caller, nodeWhere, tenantWhere } from '../graphql/context';
import { NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { CreateApiKeyInput } from './api-keys.schemas';
import { issueApiKey, revokeApiKey } from './api-keys.service';

export const ApiKeyScopeEnum = builder.enumType(ApiKeyScope, { name: 'ApiKeyScope' });

export const ApiKey = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    environment: t.expose('environment', { type: EnvironmentEnum }),
    scope: t.expose('scope', { type: ApiKeyScopeEnum }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, for display.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const CreateApiKeySuccess = builder
  .objectRef<{ apiKey: ApiKeyRow; secret: string }>('CreateApiKeySuccess')
  .implement({
    fields: (t) => ({
      apiKey: t.field({ type: ApiKey, resolve: (r) => r.apiKey }),
      secret: t.exposeString('secret', {
        description: 'The full key. It is shown here once and never again.',
      }),
    }),
  });

const CreateApiKeyInputRef = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string(),
    environment: t.field({
      type: EnvironmentEnum,
      description: "The calling credential's environment (the default); naming the other one is FORBIDDEN.",
    }),
  }),
});

export const ApiKeyConnection = nodeConnection(ApiKey, 'ApiKey');

builder.queryField('apiKeys', (t) =>
  t.prismaConnection(
    {
      type: ApiKey,
      cursor: 'id',
      description: "The environment's API keys (secrets are never shown again).",
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.apiKey.findMany({ ...query, where: tenantWhere(ctx), orderBy: newestFirst() }),
      totalCount: (_root, _args, ctx) => ctx.deps.prisma.apiKey.count({ where: tenantWhere(ctx) }),
    },
    ApiKeyConnection,
  ),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeySuccess,
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateApiKeyInputRef }) },
    errors: { types: [ValidationError], directResult: true },
    resolve: (_root, { input }, ctx) =>
      issueApiKey(ctx.deps, caller(ctx), parseInput(CreateApiKeyInput, input)),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    description: "Revokes one of the environment's keys; effective at once.",
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'apiKey' } },
    resolve: (_root, { id }, ctx) => revokeApiKey(ctx.deps, caller(ctx), id),
  }),
}));
