// The operator's account management (admin scope): list, read, create, change plan/name/status.
// Used by the REST admin routes and the GraphQL admin fields alike. Plan and status ride on cached
// principals, so every change forgets the cached credentials everywhere.
import type { Account, AccountStatus } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { notFound } from '../lib/errors';
import type { Caller } from '../lib/principal';
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
export function openAccount(deps: Deps, caller: Caller, input: CreateAccountInput): Promise<NewAccount> {
  return createAccount(
    deps,
    {
      name: input.name,
      plan: input.plan ?? deps.config.defaultPlan,
      ownerEmail: input.ownerEmail,
      ownerPassword: input.ownerPassword,
    },
    caller,
  );
}

/** The entry goes in the changed account's log (in the environment of the operator's credential):
 * its owner sees who suspended it or changed its plan. */
export function updateAccount(
  deps: Deps,
  caller: Caller,
  id: string,
  data: UpdateAccountInput,
): Promise<Account> {
  return commit(deps, async (tx, staged) => {
    const before = await tx.account.findUnique({ where: { id } });
    if (!before) throw notFound('Account');
    staged.forgetCredentials();
    const after = await tx.account.update({ where: { id }, data });
    const action =
      data.status && data.status !== before.status
        ? data.status === 'suspended'
          ? 'account.suspended'
          : 'account.reinstated'
        : 'account.updated';
    const tenant = { accountId: id, environment: caller.tenant.environment };
    staged.audit({ ...caller, tenant }, action, { id, before, after, fields: ['name', 'plan', 'status'] });
    return after;
  });
}

/** Suspended: the account's keys and sessions stop working (FORBIDDEN) until it is reinstated. */
export const setAccountStatus = (deps: Deps, caller: Caller, id: string, status: AccountStatus) =>
  updateAccount(deps, caller, id, { status });
