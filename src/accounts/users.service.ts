// The account's users and their roles: owner (everything), developer (everything but users and
// API keys), readonly (reads only; REST's router and GraphQL's `portal: 'write'` scope refuse the
// rest). Managing users is for owners; an API key acts as the owner of its account.
import { randomBytes } from 'node:crypto';
import type { User, UserRole } from '../../prisma/generated/client/client';
import type { Principal, Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { hashPassword } from '../lib/crypto';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';

/** Managing users and API keys is for owners (an API key acts as the owner of its account). */
export function requireOwner(p: Principal) {
  if (p.kind === 'user' && p.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can do this');
}

/** Users belong to the account, not to one environment. */
export const usersWhere = (tenant: Tenant) => ({ accountId: tenant.accountId });

export async function listUsers(deps: Deps, tenant: Tenant, w: PageWindow) {
  const where = usersWhere(tenant);
  const [data, total] = await Promise.all([
    deps.prisma.user.findMany({ where, orderBy: { createdAt: 'asc' }, skip: w.skip, take: w.take }),
    deps.prisma.user.count({ where }),
  ]);
  return { data, total };
}

/** Creates (invites) a user. Without a password one is generated and returned, once. */
export async function createUser(
  deps: Deps,
  actor: Principal,
  tenant: Tenant,
  input: { email: string; password?: string; role: UserRole },
): Promise<{ user: User; generatedPassword?: string }> {
  requireOwner(actor);
  const email = input.email.toLowerCase();
  if (await deps.prisma.user.findUnique({ where: { email } })) {
    throw new AppError('CONFLICT', 'A user with this email already exists');
  }
  const password = input.password ?? randomBytes(18).toString('base64url');
  const user = await deps.prisma.user.create({
    data: {
      id: newId('usr'),
      accountId: tenant.accountId,
      email,
      role: input.role,
      passwordHash: await hashPassword(password),
    },
  });
  return input.password ? { user } : { user, generatedPassword: password };
}

async function findUser(deps: Deps, tenant: Tenant, id: string): Promise<User> {
  const u = await deps.prisma.user.findFirst({ where: { id, ...usersWhere(tenant) } });
  if (!u) throw notFound('User');
  return u;
}

export async function updateUserRole(
  deps: Deps,
  actor: Principal,
  tenant: Tenant,
  id: string,
  role: UserRole,
): Promise<User> {
  requireOwner(actor);
  const u = await findUser(deps, tenant, id);
  const updated = await deps.prisma.user.update({ where: { id: u.id }, data: { role } });
  deps.forgetCredentials(); // sessions carry the role
  return updated;
}

/** Removes a user (not oneself); their sessions stop working. Returns the removed user. */
export async function deleteUser(deps: Deps, actor: Principal, tenant: Tenant, id: string): Promise<User> {
  requireOwner(actor);
  const u = await findUser(deps, tenant, id);
  if (u.id === actor.userId) throw new AppError('CONFLICT', 'You cannot remove yourself');
  await deps.prisma.user.delete({ where: { id: u.id } });
  deps.forgetCredentials();
  return u;
}
