// The operator's account management (admin scope): list, read, create, change plan/name/status.
// Used by the REST admin routes and the GraphQL admin fields alike.
import type { Account, AccountStatus, Plan } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import { notFound } from '../lib/errors';
import type { PageWindow } from '../lib/pagination';
import { createAccount, type NewAccount } from './accounts.service';

export interface AccountFilter {
  status?: AccountStatus;
}

export const accountsWhere = (f: AccountFilter) => (f.status ? { status: f.status } : {});

/** Oldest first, as the operator created them. */
export const accountsOrder = () => [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

export async function listAccounts(deps: Deps, filter: AccountFilter, w: PageWindow) {
  const where = accountsWhere(filter);
  const [data, total] = await Promise.all([
    deps.prisma.account.findMany({ where, orderBy: { createdAt: 'asc' }, skip: w.skip, take: w.take }),
    deps.prisma.account.count({ where }),
  ]);
  return { data, total };
}

export async function getAccount(deps: Deps, id: string): Promise<Account> {
  const a = await deps.prisma.account.findUnique({ where: { id } });
  if (!a) throw notFound('Account');
  return a;
}

/** A new account with its owner and a live and a test key; the plan defaults to TO_DEFAULT_PLAN. */
export function openAccount(
  deps: Deps,
  input: { name: string; plan?: Plan; ownerEmail: string; ownerPassword?: string },
): Promise<NewAccount> {
  return createAccount(deps.prisma, {
    name: input.name,
    plan: input.plan ?? deps.config.defaultPlan,
    ownerEmail: input.ownerEmail,
    ownerPassword: input.ownerPassword,
  });
}

export async function updateAccount(
  deps: Deps,
  id: string,
  data: { name?: string; plan?: Plan; status?: AccountStatus },
): Promise<Account> {
  await getAccount(deps, id);
  const a = await deps.prisma.account.update({ where: { id }, data });
  deps.forgetCredentials(); // plan and status ride on cached principals
  return a;
}

/** Suspended: the account's keys and sessions stop working (FORBIDDEN) until it is reinstated. */
export const setAccountStatus = (deps: Deps, id: string, status: AccountStatus) =>
  updateAccount(deps, id, { status });
