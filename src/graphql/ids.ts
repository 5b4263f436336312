// Relay Node ids are the database ids; the GraphQL type is recovered from the id's prefix.
const TYPE_BY_PREFIX: Record<string, string> = {
  prod: 'Product',
  lic: 'License',
  cus: 'Customer',
  mach: 'Activation',
  evt: 'Event',
  key: 'ApiKey',
  whk: 'WebhookEndpoint',
  del: 'WebhookDelivery',
  eml: 'EmailMessage',
  dom: 'CustomDomain',
};

export function typenameForId(id: string): string | null {
  const m = /^([a-z]+)_[0-9A-Za-z]+$/.exec(id);
  return (m && TYPE_BY_PREFIX[m[1]!]) ?? null;
}
