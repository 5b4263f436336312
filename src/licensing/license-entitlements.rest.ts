// REST routes that give one license entitlements beside its product's. The rules are the
// entitlements service's; this domain owns the routes because they answer with a license.
import type { Deps } from '../deps';
import { AttachEntitlementsInput } from '../entitlements/entitlements.schemas';
import { attachToLicense, detachFromLicense } from '../entitlements/entitlements.service';
import { TAG } from '../entitlements/entitlements.rest';
import { defineRoutes, route } from '../rest/route';
import { licenseJson } from './licenses.views';

export function licenseEntitlementRoutes(deps: Deps) {
  return defineRoutes([
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
