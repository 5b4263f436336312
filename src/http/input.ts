// Turning request input into typed values or a 4xx with a stable code.
import { z } from 'zod';
import { AppError } from '../lib/errors';

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || '(body)';
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Missing required fields → 400 MISSING_FIELDS; anything else wrong → 400 VALIDATION_ERROR. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues;
  const missing = issues
    .filter((i) => i.code === 'invalid_type' && valueAt(value, i.path) === undefined)
    .map(pathOf);
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

/** Reads a JSON object body. An empty body reads as `{}` so that missing fields are named. */
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
  return value as Record<string, unknown>;
}

/** Accepts `key` or `license_key` (the seed uses both) and names `license_key` when neither is sent. */
export const licenseKeyField = {
  key: z.string().trim().min(1).max(256).optional(),
  license_key: z.string().trim().min(1).max(256).optional(),
};

export function requireLicenseKey(body: { key?: string; license_key?: string }): string {
  const key = body.license_key ?? body.key;
  if (!key)
    throw new AppError('MISSING_FIELDS', 'Missing required field(s): license_key', {
      fields: ['license_key'],
    });
  return key;
}

export const isoDate = z
  .string()
  .datetime({ offset: true })
  .or(z.string().date())
  .transform((s) => new Date(s));
