// The OpenAPI examples of the entitlement routes (and of their attachments to products and
// licenses). Merged into the table in examples.ts. The fixtures (test/helpers/examples.ts) hold the
// entitlements `export` and `sso`; `export` is the one the `:code` examples name.
import { AT, EXAMPLE_CODE, type Example, IDS, page } from './examples-kit';

const entitlement = {
  id: IDS.entitlement,
  code: EXAMPLE_CODE,
  name: 'Export to PDF',
  metadata: {},
  createdAt: AT,
  updatedAt: AT,
};
const license = {
  id: IDS.license,
  key: 'XXXX-XXXX-XXXX-XXXX',
  productId: IDS.product,
  type: 'subscription',
  status: 'active',
  entitlements: ['export', 'sso'],
};
const product = { id: IDS.product, name: 'My App', entitlements: ['export', 'sso'], tiers: [] };

export const ENTITLEMENT_EXAMPLES: Record<string, Example> = {
  'get /api/v1/entitlements': { response: page([entitlement]) },
  'post /api/v1/entitlements': {
    request: { code: 'priority-support', name: 'Priority support' },
    status: 201,
    response: { entitlement: { ...entitlement, code: 'priority-support', name: 'Priority support' } },
  },
  'get /api/v1/entitlements/:id': { response: { entitlement } },
  'patch /api/v1/entitlements/:id': {
    request: { name: 'Export (PDF and CSV)' },
    response: { entitlement: { ...entitlement, name: 'Export (PDF and CSV)' } },
  },
  'delete /api/v1/entitlements/:id': { response: { deleted: true, id: IDS.entitlement } },
  'post /api/v1/products/:id/entitlements': { request: { codes: ['export', 'sso'] }, response: { product } },
  'delete /api/v1/products/:id/entitlements/:code': {
    response: { product: { ...product, entitlements: ['sso'] } },
  },
  'post /api/v1/licenses/:id/entitlements': { request: { codes: ['export', 'sso'] }, response: { license } },
  'delete /api/v1/licenses/:id/entitlements/:code': {
    response: { license: { ...license, entitlements: ['sso'] } },
  },
};
