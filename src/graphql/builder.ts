// The one Pothos builder: plugins (order matters: Relay, ScopeAuth, Errors, Prisma, Dataloader),
// the context type, auth scopes and the DateTime/JSON scalars. No domain types live here; they sit
// beside their services in `src/<domain>/*.graphql.ts` (see ARCHITECTURE.md, convention 2).
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { Kind, type ValueNode, valueFromASTUntyped } from './graphql-js';
import type PrismaTypes from '../../prisma/generated/pothos-types';
import { getDatamodel } from '../../prisma/generated/pothos-types';
import type { GraphQLContext } from './context';
import { authRequired, domainErrorsPlugin, forbidden, inputError } from './errors';
import { typenameForId } from './ids';

export type { GraphQLContext } from './context';

/** `onUnusedQuery: 'error'` outside production. The builder is a module singleton built before the
 * config is read, so createGraphQL() sets this from `config.env` (nothing but config.ts reads the
 * environment). */
let strictPrismaQueries = true;
export function setStrictPrismaQueries(strict: boolean) {
  strictPrismaQueries = strict;
}

const capitalize = (s: string) => `${s.slice(0, 1).toUpperCase()}${s.slice(1)}`;

function parseDate(value: unknown): Date {
  const d = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw inputError('DateTime must be an ISO 8601 string');
  return d;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  // `portal: 'write'` additionally refuses read-only users (REST: requireWriter).
  AuthScopes: { portal: 'read' | 'write'; admin: boolean };
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // domainErrors sits right after plugin-errors, so it runs inside it (see ./errors.ts).
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, domainErrorsPlugin, PrismaPlugin, DataloaderPlugin],
  // Fields are non-null unless marked nullable, so the SDL says what clients can rely on.
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: true,
    // The Node id IS the database id (`lic_…`); the type is recoverable from the prefix.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => {
      const typename = typenameForId(globalID);
      if (!typename) throw inputError(`Not a node id: ${globalID}`);
      return { typename, id: globalID };
    },
    nodeQueryOptions: { authScopes: { portal: 'read' }, nullable: true },
    nodesQueryOptions: { authScopes: { portal: 'read' }, nullable: { list: false, items: true } },
  },
  // Fields open to anyone (validateLicense and the other key mutations, which the key itself
  // authorises, and `viewer`) declare no authScopes: a scope that is always true still cost
  // scope-auth a per-request cache and a step per call, 7 % of a GraphQL validate's CPU.
  scopeAuth: {
    authScopes: (ctx) => {
      const p = ctx.principal;
      const portal = p.scopes.includes('portal') && Boolean(p.accountId && p.environment);
      return {
        portal: (mode) => portal && (mode === 'read' || p.role !== 'readonly'),
        admin: p.scopes.includes('admin'),
      };
    },
    // Auth failures are GraphQLErrors with extensions.code, like REST's 401/403 codes.
    unauthorizedError: (_parent, ctx) => (ctx.principal.kind === 'anonymous' ? authRequired() : forbidden()),
  },
  errors: {
    // Mutation names are unique, so `createLicense` → `CreateLicenseResult` / `CreateLicenseSuccess`.
    defaultUnionOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Result` },
    defaultResultOptions: { name: ({ fieldName }) => `${capitalize(fieldName)}Success` },
  },
  prisma: {
    // The client comes from the per-request context (deps.prisma). Keeping Deps, and so the
    // PrismaClient type, in the context type was measured: it adds no tsc time here.
    client: (ctx) => ctx.deps.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    defaultConnectionSize: 20,
    maxConnectionSize: 100,
    onUnusedQuery: (info) => {
      if (!strictPrismaQueries) return;
      throw new Error(
        `Prisma query for ${info.parentType.name}.${info.fieldName} was not used by its resolver`,
      );
    },
  },
});

builder.queryType({});
builder.mutationType({});

builder.scalarType('DateTime', {
  description: 'An ISO 8601 date-time string, always UTC on output.',
  serialize: (value) => (value instanceof Date ? value : parseDate(value)).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw inputError('DateTime must be an ISO 8601 string');
    return parseDate(ast.value);
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast: ValueNode, variables) => valueFromASTUntyped(ast, variables),
});

/** The builder's resolved SchemaTypes, for helpers that take a field builder. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
