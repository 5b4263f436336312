// GraphQL input → the same zod shapes REST uses. REST names fields in snake_case; GraphQL inputs
// are camelCase, so resolvers map their input to the REST shape and failures name the GraphQL field.
import type { z } from 'zod';
import { inputError } from './builder';

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Parses with a shared zod shape; a failure is a GraphQLError with extensions.code VALIDATION_ERROR. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({
    path: i.path.map((p) => camel(String(p))).join('.') || '(input)',
    message: i.message,
  }));
  const first = issues[0]!;
  throw inputError(`Invalid input field ${first.path}: ${first.message}`, { issues });
}

/** Drops null and undefined: GraphQL clients send null for "not given", zod's optional() does not
 * accept it. Use `keepNull` for fields where null means "clear". */
export function given<T extends Record<string, unknown>, K extends keyof T = never>(
  value: T,
  keepNull: K[] = [],
) {
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => v !== undefined && (v !== null || keepNull.includes(k as K))),
  ) as { [P in keyof T]?: P extends K ? NonNullable<T[P]> | null : NonNullable<T[P]> };
}
