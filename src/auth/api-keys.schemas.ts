// API key inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { optional } from '../lib/schema';

export const CreateApiKeyInput = z.object({
  name: optional(z.string().trim().min(1).max(100)),
  /** The calling credential's environment (the default); the other one is refused (403). */
  environment: optional(z.enum(['live', 'test'])),
});
export type CreateApiKeyInput = z.output<typeof CreateApiKeyInput>;

export const ListApiKeysQuery = PaginationQuery;
