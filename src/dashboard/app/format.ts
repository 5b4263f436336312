// How dates, event types and statuses read on screen.
import type { EventType } from '../gql/graphql';

export const DAY = 86_400_000;

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function ago(iso: string): string {
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return date(iso);
}

/** What the API calls each event type (LICENSE_USAGE_LIMIT_REACHED is license.usage.limit_reached,
 * so no rule on the underscores would do), in the order the filters list them. Typed by the
 * schema's enum: a new event type does not compile until it is named here. */
const EVENT_NAMES: Record<EventType, string> = {
  LICENSE_CREATED: 'license.created',
  LICENSE_UPDATED: 'license.updated',
  LICENSE_ACTIVATED: 'license.activated',
  LICENSE_DEACTIVATED: 'license.deactivated',
  LICENSE_EXPIRED: 'license.expired',
  LICENSE_SUSPENDED: 'license.suspended',
  LICENSE_REINSTATED: 'license.reinstated',
  LICENSE_REVOKED: 'license.revoked',
  LICENSE_RENEWED: 'license.renewed',
  LICENSE_USAGE_INCREMENTED: 'license.usage.incremented',
  LICENSE_USAGE_DECREMENTED: 'license.usage.decremented',
  LICENSE_USAGE_RESET: 'license.usage.reset',
  LICENSE_USAGE_LIMIT_REACHED: 'license.usage.limit_reached',
  VALIDATION_FAILED: 'validation.failed',
  WEBHOOK_TEST: 'webhook.test',
};

/** LICENSE_ACTIVATED → license.activated, as the API names it elsewhere. */
export const eventName = (type: string) => EVENT_NAMES[type as EventType] ?? type.toLowerCase();

export const EVENT_TYPES = Object.keys(EVENT_NAMES) as EventType[];

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
