// What no input may carry, whatever its field: a NUL character (PostgreSQL refuses it in text and
// jsonb: a 500 at the database), a lone UTF-16 surrogate (jsonb refuses its escape; it is not a
// character in any encoding), or nesting deeper than MAX_INPUT_DEPTH (recursive code further on,
// zod's or Prisma's, overflows the stack at a few thousand levels). Every door checks its raw input
// here before anything parses it into a shape: REST bodies, query strings and path ids
// (src/rest/input.ts, src/http/router.ts) and GraphQL variables and literals (src/http/graphql/).
// The walk is iterative, so hostile depth cannot overflow it either.
import { AppError } from './errors';

/** Levels of objects and arrays any input may nest. Metadata is the only free-form field, and 32
 * levels is far beyond any real use of it. */
export const MAX_INPUT_DEPTH = 32;

// Any NUL or surrogate at all (one cheap test, almost always false), then the exact rule: a NUL, a
// high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const SUSPECT = /[\0\ud800-\udfff]/;
const BAD_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string may not be stored, or null. */
export function badText(s: string): string | null {
  if (!SUSPECT.test(s)) return null;
  const m = BAD_TEXT.exec(s);
  if (!m) return null;
  return m[0] === '\0' ? 'must not contain a NUL character' : 'must not contain a lone UTF-16 surrogate';
}

export interface InputProblem {
  /** The dotted path of the offending value ('' for the value itself). */
  path: string;
  why: string;
}

/** A value still to look at; its path is only spelled out when it is the problem. */
interface Frame {
  value: unknown;
  depth: number;
  key: string;
  parent: Frame | null;
}

const pathOf = (f: Frame | null): string => {
  const keys: string[] = [];
  for (let x = f; x && x.parent; x = x.parent) keys.push(x.key);
  return keys.reverse().join('.');
};

/** The first NUL, lone surrogate or too-deep nesting in `value` (keys included), or null. */
export function inputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: Frame[] = [{ value, depth: 0, key: '', parent: null }];
  while (stack.length > 0) {
    const f = stack.pop()!;
    const v = f.value;
    if (typeof v === 'string') {
      const why = badText(v);
      if (why) return { path: pathOf(f), why };
      continue;
    }
    if (v === null || typeof v !== 'object' || v instanceof Date) continue;
    if (f.depth >= maxDepth)
      return { path: pathOf(f), why: `must not nest more than ${maxDepth} levels deep` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        stack.push({ value: v[i], depth: f.depth + 1, key: String(i), parent: f });
      continue;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const why = badText(k);
      if (why) return { path: pathOf(f), why: `a field name ${why}` };
      stack.push({ value: (v as Record<string, unknown>)[k], depth: f.depth + 1, key: k, parent: f });
    }
  }
  return null;
}

/** Throws 400 VALIDATION_ERROR naming the field when `value` holds a NUL, a lone surrogate, or
 * nests deeper than MAX_INPUT_DEPTH. `where` names the part of the request ("body", "query"). */
export function assertCleanInput(value: unknown, where: string): void {
  const p = inputProblem(value);
  if (!p) return;
  const path = p.path || '(root)';
  throw new AppError('VALIDATION_ERROR', `Invalid ${where} field ${path}: ${p.why}`, {
    issues: [{ path, message: p.why }],
  });
}
