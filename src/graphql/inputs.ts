// GraphQL arguments → the service's camelCase input shape (`<domain>.schemas.ts`), passed straight
// through: GraphQL already names fields as the services do and its DateTime scalar gives Dates.
import type { z } from 'zod';
import { inputError } from './errors';

/** Parses with a domain input shape; a failure is a GraphQLError with extensions.code VALIDATION_ERROR
 * naming the GraphQL field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const res = schema.safeParse(value ?? {});
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
  const first = issues[0]!;
  throw inputError(`Invalid input field ${first.path}: ${first.message}`, { issues });
}
