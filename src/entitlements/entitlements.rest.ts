// REST routes of entitlements, and of attaching them to products and licenses. Handlers translate;
// the service decides.
import type { Deps } from '../deps';
import { licenseJson } from '../licensing/licenses.views';
import { getProduct } from '../products/products.service';
import { productJson } from '../products/products.views';
import { defineRoutes, listRoute, route } from '../rest/route';
import {
  AttachEntitlementsInput,
  CreateEntitlementInput,
  ListEntitlementsQuery,
  UpdateEntitlementInput,
} from './entitlements.schemas';
import {
  attachToLicense,
  attachToProduct,
  createEntitlement,
  deleteEntitlement,
  detachFromLicense,
  detachFromProduct,
  getEntitlement,
  listEntitlements,
  updateEntitlement,
} from './entitlements.service';
import { entitlementJson } from './entitlements.views';

const TAG = 'Entitlements';

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
    route({
      method: 'post',
      path: '/api/v1/products/:id/entitlements',
      access: 'portal',
      tag: TAG,
      summary: 'Grant entitlements to every license of a product',
      body: AttachEntitlementsInput,
      async handler(c, { caller, params, body }) {
        await attachToProduct(deps, caller, params.id!, body.codes);
        return c.json({ product: productJson(await getProduct(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/products/:id/entitlements/:code',
      access: 'portal',
      tag: TAG,
      summary: "Take an entitlement off a product (and so off its licenses that don't hold it themselves)",
      async handler(c, { caller, params }) {
        await detachFromProduct(deps, caller, params.id!, params.code!);
        return c.json({ product: productJson(await getProduct(deps, caller, params.id!)) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/licenses/:id/entitlements',
      access: 'portal',
      tag: TAG,
      summary: 'Give one license entitlements beside those of its product',
      body: AttachEntitlementsInput,
      async handler(c, { caller, params, body }) {
        const license = await attachToLicense(deps, caller, params.id!, body.codes);
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/licenses/:id/entitlements/:code',
      access: 'portal',
      tag: TAG,
      summary: 'Take an entitlement off a license (403 ENTITLEMENT_INHERITED when its product grants it)',
      async handler(c, { caller, params }) {
        const license = await detachFromLicense(deps, caller, params.id!, params.code!);
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    }),
  ]);
}
