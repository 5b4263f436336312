// What the OpenAPI example tables share: the placeholder ids (test/openapi-examples.test.ts puts real
// ids in their place), the one timestamp, a list page, and the shape of an example.
export const IDS = {
  product: 'prod_1234567890',
  license: 'lic_1234567890',
  customer: 'cus_1234567890',
  activation: 'mach_1234567890',
  webhook: 'whk_1234567890',
  delivery: 'del_1234567890',
  apiKey: 'key_1234567890',
  user: 'usr_1234567890',
  account: 'acct_1234567890',
  event: 'evt_1234567890',
  email: 'eml_1234567890',
  domain: 'dom_1234567890',
  entitlement: 'ent_1234567890',
};

/** The entitlement code the examples' `:code` path parameters name. */
export const EXAMPLE_CODE = 'export';

export const AT = '2026-01-15T12:00:00.000Z';

export const page = (data: unknown[], limit = 20) => ({
  data,
  pagination: { page: 1, limit, total: data.length, totalPages: 1, hasMore: false },
});

export interface Example {
  request?: unknown;
  /** Query parameters shown in the docs and sent by the examples test. */
  query?: Record<string, string>;
  response?: unknown;
  status?: number;
}
