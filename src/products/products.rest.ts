import { z } from 'zod';
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import {
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  productJson,
  updateProduct,
} from './products.service';

const fields = {
  name: z.string().trim().min(1).max(200),
  platforms: z.array(z.string().trim().min(1).max(32)).max(20).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  offline_grace_period: z
    .number()
    .int()
    .min(0)
    .max(10 * 365 * 86400)
    .optional(),
  lease_duration: z
    .number()
    .int()
    .min(10)
    .max(30 * 86400)
    .optional(),
};
const toInput = <T extends { offline_grace_period?: number; lease_duration?: number }>(b: T) => {
  const { offline_grace_period, lease_duration, ...rest } = b;
  return { ...rest, offlineGracePeriod: offline_grace_period, leaseDuration: lease_duration };
};
export const CreateProductBody = z.object(fields).transform(toInput);
export const UpdateProductBody = z.object({ ...fields, name: fields.name.optional() }).transform(toInput);

export function productRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/products',
      access: 'portal',
      tag: 'Products',
      summary: 'Create a product',
      body: CreateProductBody,
      example: { request: { name: 'My App', platforms: ['windows', 'mac'] }, status: 201 },
      async handler(c, { tenant, body }) {
        return c.json({ product: productJson(await createProduct(deps, tenant, body)) }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/products',
      access: 'portal',
      tag: 'Products',
      summary: 'List products',
      query: PaginationQuery,
      list: ({ tenant, query }, w) => listProducts(deps, tenant, w),
      json: productJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Get a product',
      async handler(c, { tenant, params }) {
        return c.json({ product: productJson(await getProduct(deps, tenant, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Update a product',
      body: UpdateProductBody,
      async handler(c, { tenant, params, body }) {
        return c.json({ product: productJson(await updateProduct(deps, tenant, params.id!, body)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Delete a product that has no licenses',
      async handler(c, { tenant, params }) {
        await deleteProduct(deps, tenant, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
