// REST routes that grant entitlements to a product (and so to its licenses). The rules are the
// entitlements service's; this domain owns the routes because they answer with a product.
import type { Deps } from '../deps';
import { AttachEntitlementsInput } from '../entitlements/entitlements.schemas';
import { attachToProduct, detachFromProduct } from '../entitlements/entitlements.service';
import { TAG } from '../entitlements/entitlements.rest';
import { defineRoutes, route } from '../rest/route';
import { getProduct } from './products.service';
import { productJson } from './products.views';

export function productEntitlementRoutes(deps: Deps) {
  return defineRoutes([
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
  ]);
}
