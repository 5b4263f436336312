// The account's users and their roles: owner (everything), developer (everything but users and
// API keys), readonly (reads only; REST's router and GraphQL's `portal: 'write'` scope refuse the
// rest). Managing users is for owners; an API key acts as the owner of its account. Sessions carry
// the role, so every change forgets the cached credentials everywhere.
import { randomBytes } from 'node:crypto';
import type { User, UserRole } from '../../prisma/generated/client/client';
import { requireOwner } from '../auth/authorize';
import { commit, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { hashPassword } from '../lib/crypto';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, oldestFirst, type PageWindow } from '../lib/pagination';
import type { Caller, Tenant } from '../lib/principal';
import type { CreateUserInput } from './accounts.schemas';

/** Users belong to the account, not to one environment. */
export const usersWhere = (tenant: Tenant) => ({ accountId: tenant.accountId });

export const listUsers = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(deps.prisma.user, usersWhere(caller.tenant), w, oldestFirst());

/** Creates (invites) a user. Without a password one is generated and returned, once. */
export async function createUser(
  deps: Deps,
  caller: Caller,
  input: CreateUserInput,
): Promise<{ user: User; generatedPassword?: string }> {
  requireOwner(caller.principal);
  const email = input.email.toLowerCase();
  const password = input.password ?? randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  const user = await commit(deps, async (tx, staged) => {
    // Only this account's users are looked at: whether the address is a user of another account is
    // none of this caller's business (emails are unique per account).
    const accountId = caller.tenant.accountId;
    if (await tx.user.findUnique({ where: { accountId_email: { accountId, email } } })) {
      throw new AppError('CONFLICT', 'This account already has a user with this email');
    }
    const created = await tx.user.create({
      data: { id: newId('usr'), accountId: caller.tenant.accountId, email, role: input.role, passwordHash },
    });
    staged.audit(caller, 'user.created', { id: created.id, after: created });
    return created;
  });
  return input.password ? { user } : { user, generatedPassword: password };
}

async function findUser(tx: Tx, tenant: Tenant, id: string): Promise<User> {
  const u = await tx.user.findFirst({ where: { id, ...usersWhere(tenant) } });
  if (!u) throw notFound('User');
  return u;
}

export function updateUserRole(deps: Deps, caller: Caller, id: string, role: UserRole): Promise<User> {
  requireOwner(caller.principal);
  return commit(deps, async (tx, staged) => {
    const u = await findUser(tx, caller.tenant, id);
    staged.forgetCredentials();
    const after = await tx.user.update({ where: { id: u.id }, data: { role } });
    staged.audit(caller, 'user.updated', { id, before: u, after });
    return after;
  });
}

/** Removes a user (not oneself); their sessions stop working. Returns the removed user. */
export function deleteUser(deps: Deps, caller: Caller, id: string): Promise<User> {
  requireOwner(caller.principal);
  return commit(deps, async (tx, staged) => {
    const u = await findUser(tx, caller.tenant, id);
    if (u.id === caller.principal.userId) throw new AppError('CONFLICT', 'You cannot remove yourself');
    await tx.user.delete({ where: { id: u.id } });
    staged.forgetCredentials();
    staged.audit(caller, 'user.deleted', { id, before: u });
    return u;
  });
}
