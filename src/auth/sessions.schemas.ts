// Sign-in input (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { optional } from '../lib/schema';

export const LoginInput = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(1).max(1024),
  /** The environment the session works in. */
  environment: optional(z.enum(['live', 'test'])),
});

/** Renewing a session may move it to the other environment of the same account (the dashboard's
 * "Test mode" switch); without one it stays where it is. */
export const RefreshInput = z.object({ environment: optional(z.enum(['live', 'test'])) });
