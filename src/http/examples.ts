// Examples for the OpenAPI document (and so for /docs) of the routes that declare none of their own:
// a request (REST names) where the route takes a body, the query of a list, and the answer. Ids are
// the placeholders below; test/openapi-examples.test.ts sends every example to a real server with
// real ids in their place and checks the status and the answer's fields, so each one works as shown.
import type { RouteDef } from '../rest/route';
import { AT, type Example, IDS, page } from './examples-kit';
import { COMMERCE_EXAMPLES } from './examples-commerce';
import { ENTITLEMENT_EXAMPLES } from './examples-entitlements';

export { EXAMPLE_CODE, type Example, IDS } from './examples-kit';

const license = {
  id: IDS.license,
  key: 'XXXX-XXXX-XXXX-XXXX',
  productId: IDS.product,
  customerId: IDS.customer,
  email: 'buyer@example.com',
  type: 'subscription',
  status: 'active',
  activations: 1,
  maxActivations: 3,
  expiresAt: '2026-02-15T12:00:00.000Z',
  createdAt: AT,
  updatedAt: AT,
  lastValidatedAt: null,
  metadata: {},
  uses: 0,
  maxUses: null,
  usesResetInterval: 'none',
};
const product = {
  id: IDS.product,
  name: 'My App',
  platforms: ['windows', 'mac'],
  metadata: {},
  offlineGracePeriod: 604800,
  leaseDuration: 900,
  maxUses: null,
  usesResetInterval: 'none',
  createdAt: AT,
  updatedAt: AT,
};
const customer = {
  id: IDS.customer,
  email: 'buyer@example.com',
  name: 'Ada Buyer',
  metadata: {},
  createdAt: AT,
  updatedAt: AT,
};
const activation = {
  id: IDS.activation,
  licenseId: IDS.license,
  machineId: 'unique-device-fingerprint',
  label: 'Work laptop',
  platform: 'mac',
  leaseExpiresAt: null,
  lastHeartbeatAt: null,
  createdAt: AT,
};
const webhook = {
  id: IDS.webhook,
  url: 'https://example.com/webhooks/traffic-orchestrator',
  description: 'Provisioning',
  events: ['license.activated', 'license.revoked'],
  enabled: true,
  disabledReason: null,
  secretPrefix: 'whsec_AbCd',
  createdAt: AT,
  updatedAt: AT,
};
const delivery = {
  id: IDS.delivery,
  endpointId: IDS.webhook,
  eventId: IDS.event,
  event: 'license.activated',
  status: 'delivered',
  attempts: 1,
  lastStatusCode: 200,
  lastResponseBody: 'ok',
  lastError: null,
  nextAttemptAt: null,
  deliveredAt: AT,
  createdAt: AT,
};
const apiKey = {
  id: IDS.apiKey,
  name: 'Billing server',
  environment: 'live',
  scope: 'portal',
  prefix: 'to_live_AbCd',
  createdAt: AT,
  lastUsedAt: null,
  revokedAt: null,
};
const user = { id: IDS.user, email: 'dev@example.com', role: 'developer', createdAt: AT };
const account = {
  id: IDS.account,
  name: 'Acme',
  plan: 'starter',
  status: 'active',
  createdAt: AT,
  updatedAt: AT,
};
const EXAMPLES: Record<string, Example> = {
  'get /api/v1/health': { response: { status: 'ok' } },
  'get /api/v1/ready': { response: { status: 'ready', database: 'pglite', degraded: [] } },
  'get /api/v1/.well-known/jwks.json': {
    response: {
      keys: [
        {
          kty: 'OKP',
          crv: 'Ed25519',
          x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
          kid: 'sk_1',
          alg: 'EdDSA',
          use: 'sig',
        },
      ],
    },
  },
  'post /api/v1/admin/signing-keys/rotate': { response: { kid: 'sk_2' } },
  'get /api/v1/licenses': { query: { status: 'active', limit: '25' }, response: page([license], 25) },
  'get /api/v1/portal/licenses': { query: { email: 'buyer@example.com' }, response: page([license], 25) },
  'get /api/v1/licenses/:id': { response: { license } },
  'patch /api/v1/licenses/:id': {
    request: { max_activations: 5, metadata: { seats: 'team' } },
    response: { license: { ...license, maxActivations: 5, metadata: { seats: 'team' } } },
  },
  'post /api/v1/licenses/:id/suspend': { response: { license: { ...license, status: 'suspended' } } },
  'post /api/v1/licenses/:id/reinstate': { response: { license } },
  'post /api/v1/licenses/:id/revoke': { response: { license: { ...license, status: 'revoked' } } },
  'post /api/v1/licenses/:id/renew': {
    request: {},
    response: { license: { ...license, expiresAt: '2026-03-15T12:00:00.000Z' } },
  },
  'get /api/v1/licenses/:id/activations': { response: page([activation]) },
  'delete /api/v1/activations/:id': { response: { deleted: true, activation } },
  'get /api/v1/products': { response: page([product]) },
  'get /api/v1/products/:id': { response: { product } },
  'patch /api/v1/products/:id': {
    request: { name: 'My App Pro' },
    response: { product: { ...product, name: 'My App Pro' } },
  },
  'delete /api/v1/products/:id': { response: { deleted: true, id: IDS.product } },
  'get /api/v1/customers': { query: { email: 'buyer@example.com' }, response: page([customer]) },
  'get /api/v1/customers/:id': { response: { customer } },
  'patch /api/v1/customers/:id': {
    request: { name: 'Ada Lovelace' },
    response: { customer: { ...customer, name: 'Ada Lovelace' } },
  },
  'delete /api/v1/customers/:id': { response: { deleted: true, id: IDS.customer } },
  'get /api/v1/api-keys': { response: page([apiKey]) },
  'post /api/v1/api-keys': {
    request: { name: 'Billing server' },
    status: 201,
    response: { apiKey, secret: 'to_live_4eC39HqLyjWDarjtT1zdp7dcAbCdEfGhIjKlMnOp' },
  },
  'delete /api/v1/api-keys/:id': { response: { apiKey: { ...apiKey, revokedAt: AT } } },
  'get /api/v1/events': {
    query: { type: 'license.activated' },
    response: page([
      {
        id: IDS.event,
        event: 'license.activated',
        timestamp: AT,
        data: { licenseId: IDS.license, machineId: IDS.activation, productId: IDS.product },
      },
    ]),
  },
  'get /api/v1/webhooks': { response: page([webhook]) },
  'get /api/v1/webhooks/:id': { response: { webhook } },
  'patch /api/v1/webhooks/:id': {
    request: { enabled: false },
    response: { webhook: { ...webhook, enabled: false } },
  },
  'delete /api/v1/webhooks/:id': { response: { deleted: true, id: IDS.webhook } },
  'post /api/v1/webhooks/:id/test': {
    status: 202,
    response: {
      event: { id: IDS.event, event: 'webhook.test', timestamp: AT, data: { webhookId: IDS.webhook } },
      delivery: {
        ...delivery,
        event: 'webhook.test',
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastResponseBody: null,
        deliveredAt: null,
        nextAttemptAt: AT,
      },
    },
  },
  'post /api/v1/webhooks/:id/roll-secret': {
    response: { webhook, secret: 'whsec_9sd8f7g6h5j4k3l2AbCdEfGh' },
  },
  'get /api/v1/webhooks/:id/deliveries': { query: { status: 'delivered' }, response: page([delivery]) },
  'post /api/v1/webhook-deliveries/:id/redeliver': {
    status: 202,
    response: { delivery: { ...delivery, status: 'pending', attempts: 0, nextAttemptAt: AT } },
  },
  'post /api/v1/auth/login': {
    response: {
      token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…',
      expiresAt: '2026-01-16T12:00:00.000Z',
      user: { id: IDS.user, email: 'owner@example.com', role: 'owner' },
    },
  },
  'post /api/v1/auth/logout': { response: { loggedOut: true } },
  'get /api/v1/users': { response: page([user]) },
  'post /api/v1/users': {
    request: { email: 'dev@example.com', role: 'developer' },
    status: 201,
    response: { user, password: 'generated-once-Xy12Zq' },
  },
  'patch /api/v1/users/:id': {
    request: { role: 'readonly' },
    response: { user: { ...user, role: 'readonly' } },
  },
  'delete /api/v1/users/:id': { response: { deleted: true, id: IDS.user } },
  'get /api/v1/admin/accounts': { query: { status: 'active' }, response: page([account]) },
  'post /api/v1/admin/accounts': {
    request: { name: 'Acme', plan: 'starter', owner_email: 'ops@acme.example' },
    status: 201,
    response: {
      account,
      owner: { id: IDS.user, email: 'ops@acme.example', password: 'generated-once-Xy12Zq' },
      liveKey: 'to_live_…',
      testKey: 'to_test_…',
    },
  },
  'get /api/v1/admin/accounts/:id': { response: { account } },
  'patch /api/v1/admin/accounts/:id': {
    request: { plan: 'business' },
    response: { account: { ...account, plan: 'business' } },
  },
  'post /api/v1/admin/accounts/:id/suspend': { response: { account: { ...account, status: 'suspended' } } },
  'post /api/v1/admin/accounts/:id/reinstate': { response: { account } },
  'get /api/v1/analytics/usage': {
    query: { interval: 'day', kind: 'validate' },
    response: {
      from: '2025-12-16T12:00:00.000Z',
      to: AT,
      interval: 'day',
      totals: { total: 120, success: 117, failure: 3 },
      series: [
        {
          bucket: '2026-01-15T00:00:00.000Z',
          total: 120,
          success: 117,
          failure: 3,
          byCode: [
            { code: 'VALID', success: true, count: 117 },
            { code: 'EXPIRED', success: false, count: 3 },
          ],
        },
      ],
      byCode: [
        { code: 'VALID', success: true, count: 117 },
        { code: 'EXPIRED', success: false, count: 3 },
      ],
      activeDevices: 42,
    },
  },
  'get /api/v1/openapi.json': { response: { openapi: '3.1.0', info: { title: 'Traffic Orchestrator API' } } },
  'post /api/v1/activate': {
    response: {
      activated: true,
      activation,
      license,
      offline: { token: 'eyJhbGciOiJFZERTQSIsImtpZCI6InNrXzEifQ…', graceUntil: '2026-01-22T12:00:00.000Z' },
    },
  },
  'post /api/v1/deactivate': {
    response: { deactivated: true, activation, license: { ...license, activations: 0 } },
  },
  'post /api/v1/heartbeat': {
    response: {
      ok: true,
      activation,
      leaseExpiresAt: '2026-01-15T12:15:00.000Z',
      offline: { token: 'eyJhbGciOiJFZERTQSIsImtpZCI6InNrXzEifQ…', graceUntil: '2026-01-22T12:00:00.000Z' },
    },
  },
  ...COMMERCE_EXAMPLES,
  ...ENTITLEMENT_EXAMPLES,
  'post /api/v1/products': { response: { product } },
  'post /api/v1/customers': { response: { customer } },
  'post /api/v1/webhooks': { response: { webhook, secret: 'whsec_9sd8f7g6h5j4k3l2AbCdEfGh' } },
};

/** A route's example: its own, completed by the table above. */
export function exampleOf(r: RouteDef): Example | undefined {
  const own = r.example;
  const extra = EXAMPLES[`${r.method} ${r.path}`];
  if (!own && !extra) return undefined;
  return { ...extra, ...own, response: own?.response ?? extra?.response };
}

/** The placeholder a path parameter of `path` takes in the examples. */
export function exampleParam(path: string): string | undefined {
  const resource = /\/api\/v1\/(?:admin\/|integrations\/)?([a-z-]+)\/:/.exec(path)?.[1];
  const byResource: Record<string, string> = {
    licenses: IDS.license,
    activations: IDS.activation,
    products: IDS.product,
    customers: IDS.customer,
    'api-keys': IDS.apiKey,
    webhooks: IDS.webhook,
    'webhook-deliveries': IDS.delivery,
    users: IDS.user,
    accounts: IDS.account,
    emails: IDS.email,
    domains: IDS.domain,
    stripe: IDS.account,
    entitlements: IDS.entitlement,
  };
  return resource ? byResource[resource] : undefined;
}
