// Sign-in input (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { optional } from '../lib/schema';

/** Any `local@domain`: sign-in only looks the address up, and the generated first-start owner is
 * `owner+…@localhost`, which a stricter check (a dot in the domain) refused. */
const signInEmail = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

export const LoginInput = z.object({
  email: signInEmail,
  password: z.string().min(1).max(1024),
  /** The environment the session works in. */
  environment: optional(z.enum(['live', 'test'])),
  /** Which account, when the same email is a user of several (otherwise the password decides). */
  accountId: optional(z.string().trim().min(1).max(64)),
});

/** Renewing a session may move it to the other environment of the same account (the dashboard's
 * "Test mode" switch); without one it stays where it is. */
export const RefreshInput = z.object({ environment: optional(z.enum(['live', 'test'])) });
