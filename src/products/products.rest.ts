import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { CreateProductInput, ListProductsQuery, UpdateProductInput } from './products.schemas';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './products.service';
import { productJson } from './products.views';

export function productRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/products',
      access: 'portal',
      tag: 'Products',
      summary: 'Create a product',
      body: CreateProductInput,
      example: { request: { name: 'My App', platforms: ['windows', 'mac'] }, status: 201 },
      async handler(c, { caller, body }) {
        return c.json({ product: productJson(await createProduct(deps, caller, body)) }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/products',
      access: 'portal',
      tag: 'Products',
      summary: 'List products',
      query: ListProductsQuery,
      list: ({ caller }, w) => listProducts(deps, caller, w),
      json: productJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Get a product',
      async handler(c, { caller, params }) {
        return c.json({ product: productJson(await getProduct(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Update a product',
      body: UpdateProductInput,
      async handler(c, { caller, params, body }) {
        return c.json({ product: productJson(await updateProduct(deps, caller, params.id!, body)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/products/:id',
      access: 'portal',
      tag: 'Products',
      summary: 'Delete a product that has no licenses',
      async handler(c, { caller, params }) {
        await deleteProduct(deps, caller, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
