// Building blocks of the door-neutral input shapes (`<domain>.schemas.ts`). Each shape is the
// camelCase input its service takes: GraphQL passes its arguments straight in, REST renames its
// snake_case fields at its own edge (src/rest/input.ts). So both doors accept the same values, and
// a date arrives as a Date from GraphQL's DateTime scalar or as an ISO 8601 string from JSON.
import { z } from 'zod';
import { inputProblem } from './input-guard';

const isoString = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** A Date, or an ISO 8601 date-time (with offset) or date string. Always a Date after parsing. */
export const dateInput = z
  .union([z.date(), isoString.transform((s) => new Date(s))])
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, {
    message: 'Expected a date between 1970 and 9999',
  });

/** Optional: absent and null both mean "not given" (GraphQL clients send null for that). */
export const optional = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((v) => (v === null ? undefined : v) as Exclude<z.output<T>, null | undefined>)
    .optional();

/** Optional and clearable: absent is "leave as is", null is "clear it". */
export const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** The most a metadata object may take as JSON: it is stored on every row it describes and served
 * with it (Stripe allows 50 keys of 500 characters; this is about the same). */
export const MAX_METADATA_BYTES = 32 * 1024;

/** Free-form metadata: an object of JSON values, at most 32 levels deep and 32 KB, with no NUL or
 * lone surrogate anywhere (PostgreSQL's jsonb refuses both). */
export const metadata = z.record(z.string(), z.unknown()).superRefine((m, ctx) => {
  const problem = inputProblem(m);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem.why, path: problem.path ? problem.path.split('.') : [] });
    return;
  }
  if (Buffer.byteLength(JSON.stringify(m)) > MAX_METADATA_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON` });
  }
});
