// Hostile values shared by the fuzz tests (test/fuzz.test.ts for REST, test/fuzz-graphql.test.ts).

/** JSON text sent as it is (JSON.stringify itself overflows the stack at 5,000 levels). */
export class Raw {
  constructor(readonly text: string) {}
}
export const deep = (n: number) => new Raw(`${'{"a":'.repeat(n)}"bottom"${'}'.repeat(n)}`);

/** JSON text of `v`, with every Raw inside it spliced in as its text. */
export function toJson(v: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(v, (_k, x: unknown) =>
    x instanceof Raw ? `\u0001RAW${raws.push(x.text) - 1}` : x,
  );
  return text.replace(/"\\u0001RAW(\d+)"/g, (_m, i: string) => raws[Number(i)]!);
}

/** A JSON body with `field` set to `value`. */
export const bodyWith = (base: Record<string, unknown>, field: string, value: unknown) =>
  toJson({ ...base, [field]: value });

/** Hostile JSON values for a body field. */
export const BAD_VALUES: [string, unknown][] = [
  ['NUL byte', 'fuzz\u0000value'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', 'a\udfffb'],
  ['NUL in an array', ['ok', 'a\u0000']],
  ['NUL in a key', { 'k\u0000': 'v' }],
  ['lone surrogate in nested metadata', { a: { b: '\ud83d' } }],
  ['nesting 5,000 deep', deep(5000)],
  ['nesting 40 deep', deep(40)],
  ['arrays 5,000 deep', new Raw('['.repeat(5000) + ']'.repeat(5000))],
  ['year 0', '0000-01-01'],
  ['year 0 date-time', '0000-01-01T00:00:00Z'],
  ['year 10000', '+010000-01-01T00:00:00Z'],
  ['year -1', '-000001-01-01T00:00:00Z'],
  ['beyond JS dates', '+275761-01-01T00:00:00Z'],
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2^63', 2 ** 63],
  ['2^31', 2 ** 31],
  ['-1', -1],
  ['1.5', 1.5],
  ['5e-324', 5e-324],
];

/** Why a response is not a safe answer to hostile input (a 5xx, or a leaked trace), or null. */
export function unsafe(what: string, res: { status: number; body: unknown }): string | null {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  if (res.status >= 500 || /at .*\.[jt]s:\d+|node_modules|Prisma|Invalid `/.test(text)) {
    return `${what} → ${res.status} ${text.slice(0, 200)}`;
  }
  return null;
}
