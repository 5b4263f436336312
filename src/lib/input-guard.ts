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

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const BAD_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string may not be stored, or null. */
export function badText(s: string): string | null {
  const m = BAD_TEXT.exec(s);
  if (!m) return null;
  return m[0] === '\0' ? 'must not contain a NUL character' : 'must not contain a lone UTF-16 surrogate';
}

export interface InputProblem {
  /** The dotted path of the offending value ('' for the value itself). */
  path: string;
  why: string;
}

/** The first NUL, lone surrogate or too-deep nesting in `value` (keys included), or null. */
export function inputProblem(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      const why = badText(v);
      if (why) return { path, why };
      continue;
    }
    if (v === null || typeof v !== 'object' || v instanceof Date) continue;
    if (depth >= maxDepth) return { path, why: `must not nest more than ${maxDepth} levels deep` };
    const at = (k: string) => (path ? `${path}.${k}` : k);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], depth + 1, at(String(i))]);
      continue;
    }
    for (const k of Object.keys(v)) {
      const why = badText(k);
      if (why) return { path, why: `a field name ${why}` };
      stack.push([(v as Record<string, unknown>)[k], depth + 1, at(k)]);
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
