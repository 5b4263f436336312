// Entitlement type, queries and mutations. Attaching them is a mutation of products and of licenses
// (products/product-entitlements.graphql.ts, licensing/license-entitlements.graphql.ts), so that this
// domain imports neither. Arguments go straight to the services' inputs.
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, nodeWhere, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { CreateEntitlementInput, UpdateEntitlementInput } from './entitlements.schemas';
import { createEntitlement, deleteEntitlement, updateEntitlement } from './entitlements.service';

export const Entitlement = builder.prismaNode('Entitlement', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  description: 'A feature flag (`ent_…`) that products grant to all their licenses, or a license has itself.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: '1–64 characters of A–Z, a–z, 0–9, _ . : -; unique in the environment, ignoring case.',
    }),
    name: t.exposeString('name', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const EntitlementConnection = nodeConnection(Entitlement, 'Entitlement');

const CreateEntitlementInputRef = builder.inputType('CreateEntitlementInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string(),
    metadata: t.field({ type: 'JSON' }),
  }),
});

const UpdateEntitlementInputRef = builder.inputType('UpdateEntitlementInput', {
  description: 'Only the fields given change; null clears the name. A new code applies to every license.',
  fields: (t) => ({
    code: t.string(),
    name: t.string(),
    metadata: t.field({ type: 'JSON' }),
  }),
});

builder.queryFields((t) => ({
  entitlements: t.prismaConnection(
    {
      type: Entitlement,
      cursor: 'id',
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.entitlement.findMany({ ...query, where: tenantWhere(ctx), orderBy: newestFirst() }),
      totalCount: (_root, _args, ctx) => ctx.deps.prisma.entitlement.count({ where: tenantWhere(ctx) }),
    },
    EntitlementConnection,
  ),
  entitlement: t.prismaField({
    type: Entitlement,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.entitlement.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
}));

const write = { portal: 'write' } as const;

builder.mutationFields((t) => ({
  createEntitlement: t.field({
    type: Entitlement,
    authScopes: write,
    args: { input: t.arg({ type: CreateEntitlementInputRef, required: true }) },
    errors: { types: [ValidationError, ConflictError], dataField: { name: 'entitlement' } },
    resolve: (_root, { input }, ctx) =>
      createEntitlement(ctx.deps, caller(ctx), parseInput(CreateEntitlementInput, input)),
  }),
  updateEntitlement: t.field({
    type: Entitlement,
    authScopes: write,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateEntitlementInputRef, required: true }),
    },
    errors: { types: [NotFoundError, ValidationError, ConflictError], dataField: { name: 'entitlement' } },
    resolve: (_root, { id, input }, ctx) =>
      updateEntitlement(ctx.deps, caller(ctx), id, parseInput(UpdateEntitlementInput, input)),
  }),
  deleteEntitlement: t.field({
    type: 'ID',
    description: 'Deletes an entitlement; it leaves every product and license that had it.',
    authScopes: write,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteEntitlement(ctx.deps, caller(ctx), id)).id,
  }),
}));
