// Customer type, queries and mutations. Arguments go straight to the services' input shapes.
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, type GraphQLContext, nodeWhere, tenant, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { CreateCustomerInput, CustomerFilterInput, UpdateCustomerInput } from './customers.schemas';
import { createCustomer, customerWhere, deleteCustomer, updateCustomer } from './customers.service';

export const Customer = builder.prismaNode('Customer', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    // `licenses` (LicenseConnection) is added by the licensing domain, which owns the License type.
  }),
});

export const CustomerFilter = builder.inputType('CustomerFilter', {
  fields: (t) => ({ email: t.string({ description: 'Exact match, case-insensitive.' }) }),
});

const CreateCustomerInputRef = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string(),
    metadata: t.field({ type: 'JSON' }),
  }),
});

const UpdateCustomerInputRef = builder.inputType('UpdateCustomerInput', {
  fields: (t) => ({
    email: t.string(),
    name: t.string({ description: 'null clears the name.' }),
    metadata: t.field({ type: 'JSON' }),
  }),
});

const filtered = (ctx: GraphQLContext, filter: unknown, search?: string | null) =>
  customerWhere(tenant(ctx), parseInput(CustomerFilterInput, { ...(filter ?? {}), search }));

export const CustomerConnection = nodeConnection(Customer, 'Customer');

builder.queryFields((t) => ({
  customers: t.prismaConnection(
    {
      type: Customer,
      cursor: 'id',
      authScopes: { portal: 'read' },
      args: {
        filter: t.arg({ type: CustomerFilter }),
        search: t.arg.string({ description: 'Part of the email or the name, any case.' }),
      },
      resolve: (query, _root, { filter, search }, ctx) =>
        ctx.deps.prisma.customer.findMany({
          ...query,
          where: filtered(ctx, filter, search),
          orderBy: newestFirst(),
        }),
      totalCount: (_root, { filter, search }, ctx) =>
        ctx.deps.prisma.customer.count({ where: filtered(ctx, filter, search) }),
    },
    CustomerConnection,
  ),
  customer: t.prismaField({
    type: Customer,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.customer.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
}));

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: Customer,
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateCustomerInputRef, required: true }) },
    errors: { types: [ValidationError, ConflictError], dataField: { name: 'customer' } },
    resolve: (_root, { input }, ctx) =>
      createCustomer(ctx.deps, caller(ctx), parseInput(CreateCustomerInput, input)),
  }),
  updateCustomer: t.field({
    type: Customer,
    authScopes: { portal: 'write' },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateCustomerInputRef, required: true }),
    },
    errors: { types: [NotFoundError, ValidationError, ConflictError], dataField: { name: 'customer' } },
    resolve: (_root, { id, input }, ctx) =>
      updateCustomer(ctx.deps, caller(ctx), id, parseInput(UpdateCustomerInput, input)),
  }),
  deleteCustomer: t.field({
    type: 'ID',
    description: 'Deletes a customer; their licenses are kept, unlinked.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteCustomer(ctx.deps, caller(ctx), id)).id,
  }),
}));
