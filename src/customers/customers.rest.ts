import { z } from 'zod';
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import {
  createCustomer,
  customerJson,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from './customers.service';

const fields = {
  email: z.string().trim().email().max(254),
  name: z.string().trim().max(200).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
};
export const CreateCustomerBody = z.object(fields);
export const UpdateCustomerBody = z.object({ ...fields, email: fields.email.optional() });

export function customerRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/customers',
      access: 'portal',
      tag: 'Customers',
      summary: 'Create a customer',
      body: CreateCustomerBody,
      example: { request: { email: 'buyer@example.com', name: 'Ada Buyer' }, status: 201 },
      async handler(c, { tenant, body }) {
        return c.json({ customer: customerJson(await createCustomer(deps, tenant, body)) }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/customers',
      access: 'portal',
      tag: 'Customers',
      summary: 'List customers (filter: email)',
      query: PaginationQuery.extend({ email: z.string().optional() }),
      list: ({ tenant, query }, w) => listCustomers(deps, tenant, { email: query.email }, w),
      json: customerJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Get a customer',
      async handler(c, { tenant, params }) {
        return c.json({ customer: customerJson(await getCustomer(deps, tenant, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Update a customer',
      body: UpdateCustomerBody,
      async handler(c, { tenant, params, body }) {
        return c.json({ customer: customerJson(await updateCustomer(deps, tenant, params.id!, body)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Delete a customer (their licenses are kept, unlinked)',
      async handler(c, { tenant, params }) {
        await deleteCustomer(deps, tenant, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
