export const EVENT_TYPES = [
  'license.created',
  'license.updated',
  'license.activated',
  'license.deactivated',
  'license.expired',
  'license.suspended',
  'license.reinstated',
  'license.revoked',
  'license.renewed',
  'validation.failed',
  'license.usage.incremented',
  'license.usage.decremented',
  'license.usage.reset',
  'license.usage.limit_reached',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
