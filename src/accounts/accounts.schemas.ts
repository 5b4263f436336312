// Inputs of the account's users and of the operator's account management (camelCase,
// door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { optional } from '../lib/schema';

const email = z.string().trim().email().max(254);
const password = z.string().min(8).max(1024);

export const UserRoleEnum = z.enum(['owner', 'developer', 'readonly']);
export const PlanEnum = z.enum(['builder', 'starter', 'professional', 'business', 'enterprise']);
export const AccountStatusEnum = z.enum(['active', 'suspended']);

export const CreateUserInput = z.object({
  email,
  /** Generated (and returned once) when not given. */
  password: optional(password),
  role: UserRoleEnum.nullish().transform((r) => r ?? 'developer'),
});
export type CreateUserInput = z.output<typeof CreateUserInput>;

export const UpdateUserInput = z.object({ role: UserRoleEnum });

export const CreateAccountInput = z.object({
  name: z.string().trim().min(1).max(200),
  /** Defaults to the deployment's TO_DEFAULT_PLAN. */
  plan: optional(PlanEnum),
  ownerEmail: email,
  ownerPassword: optional(password),
});
export type CreateAccountInput = z.output<typeof CreateAccountInput>;

export const UpdateAccountInput = z.object({
  name: optional(z.string().trim().min(1).max(200)),
  plan: optional(PlanEnum),
  status: optional(AccountStatusEnum),
});
export type UpdateAccountInput = z.output<typeof UpdateAccountInput>;

export const AccountFilterInput = z.object({ status: optional(AccountStatusEnum) });
export type AccountFilter = z.output<typeof AccountFilterInput>;

export const ListUsersQuery = PaginationQuery;
export const ListAccountsQuery = PaginationQuery.extend(AccountFilterInput.shape);
