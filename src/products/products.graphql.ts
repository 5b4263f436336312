// Product type, queries and mutations. Mutations call products.service; inputs reuse the REST zod shapes.
import { builder } from '../graphql/builder';
import { newestFirst, nodeWhere, tenant, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, ValidationError } from '../graphql/errors';
import { given, parseInput } from '../graphql/validation';
import { CreateProductBody, UpdateProductBody } from './products.rest';
import { createProduct, deleteProduct, updateProduct } from './products.service';

export const Product = builder.prismaNode('Product', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    platforms: t.exposeStringList('platforms'),
    metadata: t.expose('metadata', { type: 'JSON' }),
    offlineGracePeriod: t.exposeInt('offlineGracePeriod', {
      description: 'Seconds an offline token stays usable (default 7 days).',
    }),
    leaseDuration: t.exposeInt('leaseDuration', {
      description: "Seconds a floating seat's lease lasts between heartbeats (default 15 minutes).",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    licenses: t.relatedConnection('licenses', {
      authScopes: { portal: 'read' },
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: newestFirst() }),
    }),
  }),
});

export const CreateProductInput = builder.inputType('CreateProductInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    platforms: t.stringList(),
    metadata: t.field({ type: 'JSON' }),
    offlineGracePeriod: t.int({ description: 'Seconds; default 604800 (7 days).' }),
    leaseDuration: t.int({ description: 'Seconds; default 900 (15 minutes).' }),
  }),
});

export const UpdateProductInput = builder.inputType('UpdateProductInput', {
  fields: (t) => ({
    name: t.string(),
    platforms: t.stringList(),
    metadata: t.field({ type: 'JSON' }),
    offlineGracePeriod: t.int(),
    leaseDuration: t.int(),
  }),
});

type ProductInputShape = {
  name?: string | null;
  platforms?: string[] | null;
  metadata?: unknown;
  offlineGracePeriod?: number | null;
  leaseDuration?: number | null;
};

/** GraphQL input → the REST body shape, so both doors validate with the same zod schema. */
const restBody = (i: ProductInputShape) =>
  given({
    name: i.name,
    platforms: i.platforms,
    metadata: i.metadata,
    offline_grace_period: i.offlineGracePeriod,
    lease_duration: i.leaseDuration,
  });

builder.queryFields((t) => ({
  products: t.prismaConnection({
    type: Product,
    cursor: 'id',
    authScopes: { portal: 'read' },
    resolve: (query, _root, _args, ctx) =>
      ctx.deps.prisma.product.findMany({ ...query, where: tenantWhere(ctx), orderBy: newestFirst() }),
    totalCount: (_root, _args, ctx) => ctx.deps.prisma.product.count({ where: tenantWhere(ctx) }),
  }),
  product: t.prismaField({
    type: Product,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.product.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
}));

builder.mutationFields((t) => ({
  createProduct: t.field({
    type: Product,
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateProductInput, required: true }) },
    errors: { types: [ValidationError, ConflictError], dataField: { name: 'product' } },
    resolve: (_root, { input }, ctx) =>
      createProduct(ctx.deps, tenant(ctx), parseInput(CreateProductBody, restBody(input))),
  }),
  updateProduct: t.field({
    type: Product,
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateProductInput, required: true }) },
    errors: { types: [NotFoundError, ValidationError, ConflictError], dataField: { name: 'product' } },
    resolve: (_root, { id, input }, ctx) =>
      updateProduct(ctx.deps, tenant(ctx), id, parseInput(UpdateProductBody, restBody(input))),
  }),
  deleteProduct: t.field({
    type: 'ID',
    description: 'Deletes a product that has no licenses (ConflictError otherwise).',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteProduct(ctx.deps, tenant(ctx), id)).id,
  }),
}));
