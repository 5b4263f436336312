// The OpenAPI examples of the commerce routes: the email outbox, branding and custom domains, and the
// Stripe integration (its settings and the signed receiver). Merged into the table in examples.ts.
import { AT, type Example, IDS, page } from './examples-kit';

const email = {
  id: IDS.email,
  to: 'buyer@example.com',
  subject: 'Your My App license key',
  template: 'license_key',
  status: 'sent',
  attempts: 1,
  lastError: null,
  licenseId: IDS.license,
  customerId: IDS.customer,
  nextAttemptAt: null,
  sentAt: AT,
  createdAt: AT,
  updatedAt: AT,
};
const branding = {
  name: 'Acme Apps',
  logoUrl: null,
  primaryColor: '#1F4FD1',
  accentColor: '#0F766E',
  supportEmail: null,
  supportUrl: null,
  customerPageUrl: `https://licenses.example.com/my/${IDS.account}/`,
};
const domain = {
  id: IDS.domain,
  host: 'licenses.acme.example',
  customerPageUrl: 'https://licenses.acme.example/',
  createdAt: AT,
};
const stripe = {
  id: 'stp_1234567890',
  environment: 'live',
  webhookUrl: `https://licenses.example.com/api/v1/integrations/stripe/${IDS.account}/webhook`,
  webhookSecretPrefix: 'whsec_1a2b',
  defaultProductId: IDS.product,
  prices: { price_123: { productId: IDS.product, maxActivations: 3 } },
  sendLicenseEmail: true,
  createdAt: AT,
  updatedAt: AT,
};

const auditEntry = {
  id: 'aud_1234567890',
  actor: { type: 'api_key', id: 'key_1234567890', label: 'live key (to_live_AbCd…)' },
  action: 'license.updated',
  targetType: 'license',
  targetId: IDS.license,
  changes: { maxActivations: [1, 3] },
  ip: '203.0.113.7',
  userAgent: 'curl/8.5.0',
  requestId: '6f1c2a7e-4b1d-4c55-9a43-0e6f1b2c3d4e',
  environment: 'live',
  createdAt: AT,
};

export const COMMERCE_EXAMPLES: Record<string, Example> = {
  'get /api/v1/audit-log': { query: { action: 'license.updated' }, response: page([auditEntry]) },
  'post /api/v1/licenses/:id/send-key': { response: { email } },
  'get /api/v1/emails': { query: { status: 'sent' }, response: page([email]) },
  'get /api/v1/emails/:id': { response: { email } },
  'post /api/v1/emails/:id/resend': {
    response: { email: { ...email, status: 'queued', sentAt: null, nextAttemptAt: AT } },
  },
  'get /api/v1/branding': { response: { branding } },
  'patch /api/v1/branding': {
    request: { name: 'Acme Apps', primary_color: '#1F6FEB', support_email: 'help@acme.example' },
    response: { branding: { ...branding, primaryColor: '#1F6FEB', supportEmail: 'help@acme.example' } },
  },
  'get /api/v1/domains': { response: page([domain]) },
  'post /api/v1/domains': { request: { host: 'licenses.acme.example' }, status: 201, response: { domain } },
  'delete /api/v1/domains/:id': { response: { deleted: true, id: IDS.domain } },
  'put /api/v1/integrations/stripe': { response: { stripe } },
  'get /api/v1/integrations/stripe': { response: { stripe } },
  'delete /api/v1/integrations/stripe': { response: { deleted: true, id: 'stp_1234567890' } },
  'post /api/v1/integrations/stripe/:accountId/webhook': {
    request: {
      id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
      object: 'event',
      type: 'checkout.session.completed',
      created: 1768478400,
      livemode: true,
      data: {
        object: {
          id: 'cs_test_a1b2c3',
          object: 'checkout.session',
          mode: 'payment',
          payment_status: 'paid',
          status: 'complete',
          customer_details: { email: 'buyer@example.com' },
        },
      },
    },
    response: { received: true },
  },
};
