// The operator's account management (admin scope): list, read, create, change plan/name/status.
// Used by the REST admin routes and the GraphQL admin fields alike. Plan and status ride on cached
// principals, so every change forgets the cached credentials everywhere.
import type { Account, AccountStatus } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { notFound } from '../lib/errors';
import { listPage, oldestFirst, type PageWindow } from '../lib/pagination';
import type { AccountFilter, CreateAccountInput, UpdateAccountInput } from './accounts.schemas';
import { createAccount, type NewAccount } from './accounts.service';

export const accountsWhere = (f: AccountFilter) => (f.status ? { status: f.status } : {});

/** Oldest first, as the operator created them. */
export const listAccounts = (deps: Deps, filter: AccountFilter, w: PageWindow) =>
  listPage(deps.prisma.account, accountsWhere(filter), w, oldestFirst());

export async function getAccount(deps: Deps, id: string): Promise<Account> {
  const a = await deps.prisma.account.findUnique({ where: { id } });
  if (!a) throw notFound('Account');
  return a;
}

/** A new account with its owner and a live and a test key; the plan defaults to TO_DEFAULT_PLAN. */
export function openAccount(deps: Deps, input: CreateAccountInput): Promise<NewAccount> {
  return createAccount(deps, {
    name: input.name,
    plan: input.plan ?? deps.config.defaultPlan,
    ownerEmail: input.ownerEmail,
    ownerPassword: input.ownerPassword,
  });
}

export function updateAccount(deps: Deps, id: string, data: UpdateAccountInput): Promise<Account> {
  return commit(deps, async (tx, staged) => {
    if (!(await tx.account.findUnique({ where: { id } }))) throw notFound('Account');
    staged.forgetCredentials();
    return tx.account.update({ where: { id }, data });
  });
}

/** Suspended: the account's keys and sessions stop working (FORBIDDEN) until it is reinstated. */
export const setAccountStatus = (deps: Deps, id: string, status: AccountStatus) =>
  updateAccount(deps, id, { status });
