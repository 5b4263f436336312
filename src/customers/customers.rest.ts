import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { CreateCustomerInput, ListCustomersQuery, UpdateCustomerInput } from './customers.schemas';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from './customers.service';
import { customerJson } from './customers.views';

export function customerRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/customers',
      access: 'portal',
      tag: 'Customers',
      summary: 'Create a customer',
      body: CreateCustomerInput,
      example: { request: { email: 'buyer@example.com', name: 'Ada Buyer' }, status: 201 },
      async handler(c, { caller, body }) {
        return c.json({ customer: customerJson(await createCustomer(deps, caller, body)) }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/customers',
      access: 'portal',
      tag: 'Customers',
      summary: 'List customers (filter: email)',
      query: ListCustomersQuery,
      list: ({ caller, query }, w) => listCustomers(deps, caller, query, w),
      json: customerJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Get a customer',
      async handler(c, { caller, params }) {
        return c.json({ customer: customerJson(await getCustomer(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Update a customer',
      body: UpdateCustomerInput,
      async handler(c, { caller, params, body }) {
        return c.json({ customer: customerJson(await updateCustomer(deps, caller, params.id!, body)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/customers/:id',
      access: 'portal',
      tag: 'Customers',
      summary: 'Delete a customer (their licenses are kept, unlinked)',
      async handler(c, { caller, params }) {
        await deleteCustomer(deps, caller, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
