// Customer inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { clearable, metadata, optional } from '../lib/schema';

const email = z.string().trim().email().max(254);

export const CreateCustomerInput = z.object({
  email,
  name: clearable(z.string().trim().max(200)),
  metadata: optional(metadata),
});
export type CreateCustomerInput = z.output<typeof CreateCustomerInput>;

/** null clears the name. */
export const UpdateCustomerInput = CreateCustomerInput.extend({ email: optional(email) });
export type UpdateCustomerInput = z.output<typeof UpdateCustomerInput>;

export const CustomerFilterInput = z.object({
  /** Exact match, case-insensitive. */
  email: optional(z.string().max(254)),
  /** Part of the email or the name, case-insensitive. */
  search: optional(z.string().trim().max(254)),
});
export type CustomerFilter = z.output<typeof CustomerFilterInput>;

export const ListCustomersQuery = PaginationQuery.extend(CustomerFilterInput.shape);
