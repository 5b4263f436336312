// REST routes of entitlements. Attaching them is a route of products and of licenses
// (products/product-entitlements.rest.ts, licensing/license-entitlements.rest.ts), so that this
// domain imports neither. Handlers translate; the service decides.
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import {
  CreateEntitlementInput,
  ListEntitlementsQuery,
  UpdateEntitlementInput,
} from './entitlements.schemas';
import {
  createEntitlement,
  deleteEntitlement,
  getEntitlement,
  listEntitlements,
  updateEntitlement,
} from './entitlements.service';
import { entitlementJson } from './entitlements.views';

export const TAG = 'Entitlements';

export function entitlementRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/entitlements',
      access: 'portal',
      tag: TAG,
      summary: 'Create an entitlement (a code unique in the environment, ignoring case)',
      body: CreateEntitlementInput,
      async handler(c, { caller, body }) {
        return c.json({ entitlement: entitlementJson(await createEntitlement(deps, caller, body)) }, 201);
      },
    }),
    listRoute({
      path: '/api/v1/entitlements',
      tag: TAG,
      summary: 'List entitlements',
      query: ListEntitlementsQuery,
      list: ({ caller }, w) => listEntitlements(deps, caller, w),
      json: entitlementJson,
    }),
    route({
      method: 'get',
      path: '/api/v1/entitlements/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Get an entitlement',
      async handler(c, { caller, params }) {
        return c.json({ entitlement: entitlementJson(await getEntitlement(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/entitlements/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Update an entitlement (a new code applies to every license that has it)',
      body: UpdateEntitlementInput,
      async handler(c, { caller, params, body }) {
        const e = await updateEntitlement(deps, caller, params.id!, body);
        return c.json({ entitlement: entitlementJson(e) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/entitlements/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Delete an entitlement (it leaves every product and license that had it)',
      async handler(c, { caller, params }) {
        await deleteEntitlement(deps, caller, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
