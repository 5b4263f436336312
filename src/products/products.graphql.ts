// Product type, queries and mutations. Arguments go straight to the services' input shapes.
import { UsesResetInterval } from '../../prisma/generated/client/enums';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { Event } from '../events/events.graphql';
import { caller, idsInTenant, nodeWhere, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { CreateProductInput, PLATFORMS, UpdateProductInput } from './products.schemas';
import { createProduct, deleteProduct, updateProduct } from './products.service';
import { type StoredTier, tiersOf } from './tiers';

const ProductTierRef = builder.objectRef<StoredTier>('ProductTier').implement({
  description:
    'A pricing tier: the defaults of a license created with `tier` (fields given on the create win).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique within the product, ignoring case.' }),
    maxActivations: t.exposeInt('maxActivations', { nullable: true, description: 'Seats; null: 1.' }),
    durationDays: t.exposeInt('durationDays', {
      nullable: true,
      description: 'Days to expiresAt for licenses that expire; null: the type decides.',
    }),
    entitlements: t.exposeStringList('entitlements', { description: 'Codes the license gets.' }),
  }),
});

const ProductTierInputRef = builder.inputType('ProductTierInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    maxActivations: t.int(),
    durationDays: t.int(),
    entitlements: t.stringList({ description: 'Codes that exist in this environment.' }),
  }),
});

export const UsesResetIntervalEnum = builder.enumType(UsesResetInterval, {
  name: 'UsesResetInterval',
  description: "When a license's uses start again from 0 (UTC day, ISO week from Monday, month).",
});

export const Product = builder.prismaNode('Product', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    name: t.exposeString('name'),
    platforms: t.exposeStringList('platforms', { description: `Any of ${PLATFORMS.join(', ')}.` }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    offlineGracePeriod: t.exposeInt('offlineGracePeriod', {
      description: 'Seconds an offline token stays usable (default 7 days).',
    }),
    leaseDuration: t.exposeInt('leaseDuration', {
      description: "Seconds a floating seat's lease lasts between heartbeats (default 15 minutes).",
    }),
    customerDeactivationsPerMonth: t.exposeInt('customerDeactivationsPerMonth', {
      nullable: true,
      description: 'Devices a customer may free on the customer page, per license and month; null: no cap.',
    }),
    maxUses: t.exposeInt('maxUses', {
      nullable: true,
      description: 'The maxUses new licenses get; null: unlimited.',
    }),
    usesResetInterval: t.expose('usesResetInterval', {
      type: UsesResetIntervalEnum,
      description: 'The uses reset interval new licenses get.',
    }),
    tiers: t.field({ type: [ProductTierRef], resolve: (p) => tiersOf(p) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    // `entitlements` is added by the entitlements domain.
    // `licenses` (LicenseConnection) is added by the licensing domain, which owns the License type.
  }),
});

/** An event's product, batched per request like Event.license. */
builder.objectField(Event, 'product', (t) =>
  t.loadable({
    type: Product,
    nullable: true,
    load: (ids: string[], ctx) => ctx.deps.prisma.product.findMany({ where: idsInTenant(ids, ctx) }),
    sort: (p) => p.id,
    resolve: (e) => e.productId,
  }),
);

const PLATFORMS_DESCRIPTION = `Any of ${PLATFORMS.join(', ')} (case-insensitive; stored lower-case, each once). Anything else is a VALIDATION_ERROR naming the field.`;

const CreateProductInputRef = builder.inputType('CreateProductInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    platforms: t.stringList({ description: PLATFORMS_DESCRIPTION }),
    metadata: t.field({ type: 'JSON' }),
    offlineGracePeriod: t.int({ description: 'Seconds; default 604800 (7 days).' }),
    leaseDuration: t.int({ description: 'Seconds; default 900 (15 minutes).' }),
    customerDeactivationsPerMonth: t.int({ description: 'Default: no cap.' }),
    maxUses: t.int({ description: 'The maxUses new licenses get; default null (unlimited).' }),
    usesResetInterval: t.field({ type: UsesResetIntervalEnum, description: 'Default none.' }),
    tiers: t.field({ type: [ProductTierInputRef] }),
  }),
});

const UpdateProductInputRef = builder.inputType('UpdateProductInput', {
  fields: (t) => ({
    name: t.string(),
    platforms: t.stringList({ description: PLATFORMS_DESCRIPTION }),
    metadata: t.field({ type: 'JSON' }),
    offlineGracePeriod: t.int(),
    leaseDuration: t.int(),
    customerDeactivationsPerMonth: t.int({ description: 'null removes the cap.' }),
    maxUses: t.int({ description: 'For licenses created from now on; null: unlimited.' }),
    usesResetInterval: t.field({
      type: UsesResetIntervalEnum,
      description: 'For licenses created from now on.',
    }),
    tiers: t.field({ type: [ProductTierInputRef], description: 'Replaces the whole list.' }),
  }),
});

export const ProductConnection = nodeConnection(Product, 'Product');

builder.queryFields((t) => ({
  products: t.prismaConnection(
    {
      type: Product,
      cursor: 'id',
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.product.findMany({ ...query, where: tenantWhere(ctx), orderBy: newestFirst() }),
      totalCount: (_root, _args, ctx) => ctx.deps.prisma.product.count({ where: tenantWhere(ctx) }),
    },
    ProductConnection,
  ),
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
    args: { input: t.arg({ type: CreateProductInputRef, required: true }) },
    errors: { types: [NotFoundError, ValidationError, ConflictError], dataField: { name: 'product' } },
    resolve: (_root, { input }, ctx) =>
      createProduct(ctx.deps, caller(ctx), parseInput(CreateProductInput, input)),
  }),
  updateProduct: t.field({
    type: Product,
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateProductInputRef, required: true }) },
    errors: { types: [NotFoundError, ValidationError, ConflictError], dataField: { name: 'product' } },
    resolve: (_root, { id, input }, ctx) =>
      updateProduct(ctx.deps, caller(ctx), id, parseInput(UpdateProductInput, input)),
  }),
  deleteProduct: t.field({
    type: 'ID',
    description: 'Deletes a product that has no licenses (ConflictError otherwise).',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteProduct(ctx.deps, caller(ctx), id)).id,
  }),
}));
