// How dates, event types and statuses read on screen.
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

/** LICENSE_ACTIVATED → license.activated, as the API names it elsewhere. */
export const eventName = (type: string) => type.toLowerCase().replace('_', '.');

export const EVENT_TYPES = [
  'LICENSE_CREATED',
  'LICENSE_UPDATED',
  'LICENSE_ACTIVATED',
  'LICENSE_DEACTIVATED',
  'LICENSE_EXPIRED',
  'LICENSE_SUSPENDED',
  'LICENSE_REINSTATED',
  'LICENSE_REVOKED',
  'LICENSE_RENEWED',
  'VALIDATION_FAILED',
  'WEBHOOK_TEST',
] as const;

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;
