// Reading Stripe's webhook objects defensively (they are JSON from outside, and fields moved between
// API versions: a subscription's period end went to its items, an invoice's subscription to
// `parent.subscription_details`).
export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;

export const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

/** An id, whether the field is the id or the expanded object. */
export const idOf = (v: unknown): string | null => str(v) ?? str(obj(v)?.id);

const list = (v: unknown): Obj[] => {
  const data = obj(v)?.data;
  return Array.isArray(data) ? data.map(obj).filter((o): o is Obj => o !== null) : [];
};

const seconds = (v: unknown): Date | null =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? new Date(v * 1000) : null;

const latest = (dates: (Date | null)[]) =>
  dates.reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);

/** A positive integer from a number or a numeric string (Stripe metadata values are strings). */
export function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : undefined;
}

export function invoiceSubscription(inv: Obj): string | null {
  const parent = obj(inv.parent);
  const fromLines = list(inv.lines)
    .map((l) => idOf(l.subscription) ?? idOf(obj(obj(l.parent)?.subscription_item_details)?.subscription))
    .find((id) => id !== null);
  return idOf(inv.subscription) ?? idOf(obj(parent?.subscription_details)?.subscription) ?? fromLines ?? null;
}

/** The end of the period an invoice paid for: the latest of its lines' `period.end`. */
export const invoicePeriodEnd = (inv: Obj): Date | null =>
  latest(list(inv.lines).map((l) => seconds(obj(l.period)?.end))) ?? seconds(inv.period_end);

/** A subscription's current period end (on the subscription, or on its items in newer API versions). */
export const subscriptionPeriodEnd = (sub: Obj): Date | null =>
  seconds(sub.current_period_end) ??
  latest(list(sub.items).map((i) => seconds(i.current_period_end))) ??
  seconds(sub.cancel_at);

export const epochSeconds = seconds;
