// REST input: JSON bodies and query strings into the camelCase shapes the services take, or a 400
// with a stable code. REST is the door that speaks snake_case (the seed's names), so it renames at
// its own edge: `max_activations` → `maxActivations`, `license_key` → `key`, and a route's own
// aliases. camelCase twins are accepted as they are; when both are sent the documented snake_case
// name wins. Errors name the REST field.
import type { z } from 'zod';
import { AppError } from '../lib/errors';
import { assertCleanInput } from '../lib/input-guard';

/** The one REST name that is not the snake_case of its service field: the seed calls the license
 * key `license_key` (and, in places, `key`). */
const REST_NAME: Record<string, string> = { key: 'license_key' };
const FROM_REST: Record<string, string> = { license_key: 'key' };

const toCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const toSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The REST name of a service field: `maxActivations` → `max_activations`, `key` → `license_key`. */
export const restName = (field: string) => REST_NAME[field] ?? toSnake(field);

/** Top-level snake_case names → the service's camelCase names, plus the route's own aliases (the
 * seed's Stripe body says `product` and `customer_email`). Nested values (metadata) are left as
 * they are. */
export function fromRest(
  raw: Record<string, unknown>,
  aliases: Record<string, string> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const renamed: [string, unknown][] = [];
  for (const [k, v] of Object.entries(raw)) {
    const name = aliases[k] ?? FROM_REST[k] ?? toCamel(k);
    if (name === k) out[k] = v;
    else renamed.push([name, v]);
  }
  for (const [name, v] of renamed) out[name] = v;
  return out;
}

function pathOf(issue: z.core.$ZodIssue): string {
  const [first, ...rest] = issue.path.map(String);
  if (first === undefined) return '(body)';
  return [restName(first), ...rest].join('.');
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Missing required fields → 400 MISSING_FIELDS; anything else wrong → 400 VALIDATION_ERROR. A field
 * is missing when it is absent, whatever its type (an absent enum fails as `invalid_value`). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues;
  const missing = issues.filter((i) => i.path.length > 0 && valueAt(value, i.path) === undefined).map(pathOf);
  if (missing.length > 0 && missing.length === issues.length) {
    throw new AppError('MISSING_FIELDS', `Missing required field(s): ${missing.join(', ')}`, {
      fields: missing,
    });
  }
  const first = issues.find((i) => !missing.includes(pathOf(i))) ?? issues[0]!;
  throw new AppError('VALIDATION_ERROR', `Invalid ${where} field ${pathOf(first)}: ${first.message}`, {
    issues: issues.map((i) => ({ path: pathOf(i), message: i.message })),
  });
}

/** Reads a JSON object body. An empty body reads as `{}` so that missing fields are named. A NUL, a
 * lone surrogate or nesting past 32 levels anywhere in it is a 400 (src/lib/input-guard.ts). */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'Request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('VALIDATION_ERROR', 'Request body must be a JSON object');
  }
  assertCleanInput(value, 'body');
  return value as Record<string, unknown>;
}

/** The query string as a record; the first of repeated names wins. No value may hold a NUL. */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (query === '') return out;
  for (const [k, v] of new URLSearchParams(query)) if (!(k in out)) out[k] = v;
  assertCleanInput(out, 'query');
  return out;
}
