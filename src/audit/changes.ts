// What an audit entry says changed: `{field: [before, after]}` for the fields that differ between
// two versions of a row, with every secret replaced by REDACTED (at any depth, by its field name),
// so no key hash, sealed secret, password hash or token is ever copied into the log.

export const REDACTED = '[redacted]';

/** Field names that hold secrets or their derivatives: API key hashes and plaintext, webhook and
 * Stripe secrets (sealed), password hashes, login and session tokens, private keys. */
const SECRET = /hash|secret|password|token|sealed|encrypted|private|plaintext|credential|^key$|apikey/i;

/** Fields that say nothing about the change itself. */
const IGNORED = new Set(['id', 'accountId', 'environment', 'createdAt', 'updatedAt']);

export type Changes = Record<string, [unknown, unknown]>;

/** Plain JSON for the log: dates as ISO strings, bytes never, secrets redacted at any depth. */
export function redactValue(v: unknown, depth = 0): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return REDACTED;
  if (depth > 8) return REDACTED;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET.test(k) ? REDACTED : redactValue(x, depth + 1);
    return out;
  }
  return null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields that differ between `before` and `after` (null for a row that did not exist yet, or
 * no longer does), as `[before, after]`. A secret that changed shows as `[REDACTED, REDACTED]`: the
 * log says it changed, never what it is. `only` limits the comparison to those fields. Relations
 * (nested rows loaded with `include`) are left out. */
export function diff(
  before: object | null | undefined,
  after: object | null | undefined,
  only?: readonly string[],
): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const fields = only ?? [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const out: Changes = {};
  for (const f of fields) {
    if (IGNORED.has(f)) continue;
    const bv = b[f] ?? null;
    const av = a[f] ?? null;
    if (isRelation(bv) || isRelation(av)) continue;
    const bj = redactValue(bv);
    const aj = redactValue(av);
    if (same(bj, aj) && (!SECRET.test(f) || same(bv, av))) continue;
    out[f] = SECRET.test(f) ? [bv === null ? null : REDACTED, av === null ? null : REDACTED] : [bj, aj];
  }
  return out;
}

/** A nested row (an `include`d relation) rather than a JSON column: it has an id of its own, or is
 * a list of such. JSON columns (metadata) are compared as values. */
function isRelation(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0 && isRelation(v[0]);
  return typeof v === 'object' && v !== null && !(v instanceof Date) && 'id' in v && 'accountId' in v;
}
