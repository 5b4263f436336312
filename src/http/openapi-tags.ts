// The groups of /docs, in the order of the product document, and what each one is for.
export const TAG_ORDER = [
  'License keys',
  'Offline tokens',
  'Licenses',
  'Activations',
  'Products',
  'Entitlements',
  'Customers',
  'Webhooks',
  'Events',
  'Analytics',
  'Emails',
  'Branding',
  'Integrations',
  'API keys',
  'Sessions',
  'Users',
  'Audit log',
  'Admin',
  'Operations',
];

export const TAG_DESCRIPTIONS: Record<string, string> = {
  'License keys':
    'What your app calls: validate, activate, deactivate and heartbeat. Public: the license key is the credential.',
  'Offline tokens':
    'The public keys that verify the offline tokens (EdDSA JWS) returned by validate and activate.',
  'Audit log':
    'Who changed what, from where, with the before and after of each field (portal scope, read-only; secrets redacted).',
  Licenses: 'Issue and manage licenses (portal scope: an API key or a user session).',
  Activations: "A license's devices; freeing a seat.",
  Entitlements:
    "Feature flags (`ent_…`) granted by a product to all its licenses or to one license; a license's effective set is in its JSON, its offline token's `ent` claim, and checked by validate's `entitlements`.",
  Webhooks: 'Signed, retried deliveries of events to your endpoints, with the delivery log.',
  Emails:
    'The email outbox: license keys, expiry notices and sign-in links, sent and retried by the dispatcher.',
  Branding: 'How the customer page and the emails look, and the custom domains that serve the page.',
  Integrations: 'Stripe: the settings and the signed webhook receiver that turns payments into licenses.',
  Sessions: 'Account users sign in with email and password (the dashboard does).',
  Admin: "The deployment operator's routes (admin scope).",
  Operations: 'Health, readiness and this document.',
};
