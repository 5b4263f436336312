// The account's users and their roles: owner (everything), developer (everything but users and
// API keys), readonly (GET only; enforced by the router for every mutating route).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { User } from '../../prisma/generated/client/client';
import type { Principal } from '../auth/principal';
import type { Deps } from '../deps';
import { defineRoutes, route } from '../http/route';
import { hashPassword } from '../lib/crypto';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { pageWindow, paginated, PaginationQuery } from '../lib/pagination';

const Role = z.enum(['owner', 'developer', 'readonly']);
export const CreateUserBody = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(8).max(1024).optional(),
  role: Role.default('developer'),
});
export const UpdateUserBody = z.object({ role: Role });

export const userJson = (u: User) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
});

/** Managing users and API keys is for owners (an API key acts as the owner of its account). */
export function requireOwner(p: Principal) {
  if (p.kind === 'user' && p.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can do this');
}

export function userRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: "List the account's users",
      query: PaginationQuery,
      async handler(c, { tenant, query }) {
        const w = pageWindow(query);
        const where = { accountId: tenant.accountId };
        const [data, total] = await Promise.all([
          deps.prisma.user.findMany({ where, orderBy: { createdAt: 'asc' }, skip: w.skip, take: w.take }),
          deps.prisma.user.count({ where }),
        ]);
        return c.json(paginated(data.map(userJson), total, w));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: 'Create (invite) a user; a generated password is returned once when none is given',
      body: CreateUserBody,
      async handler(c, { tenant, body, principal }) {
        requireOwner(principal);
        const email = body.email.toLowerCase();
        if (await deps.prisma.user.findUnique({ where: { email } })) {
          throw new AppError('CONFLICT', 'A user with this email already exists');
        }
        const password = body.password ?? randomBytes(18).toString('base64url');
        const user = await deps.prisma.user.create({
          data: {
            id: newId('usr'),
            accountId: tenant.accountId,
            email,
            role: body.role,
            passwordHash: await hashPassword(password),
          },
        });
        return c.json({ user: userJson(user), ...(body.password ? {} : { password }) }, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/users/:id',
      access: 'portal',
      tag: 'Users',
      summary: "Change a user's role",
      body: UpdateUserBody,
      async handler(c, { tenant, params, body, principal }) {
        requireOwner(principal);
        const u = await deps.prisma.user.findFirst({ where: { id: params.id, accountId: tenant.accountId } });
        if (!u) throw notFound('User');
        const updated = await deps.prisma.user.update({ where: { id: u.id }, data: { role: body.role } });
        deps.apiKeyCache.clear(); // sessions carry the role
        return c.json({ user: userJson(updated) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/users/:id',
      access: 'portal',
      tag: 'Users',
      summary: 'Remove a user',
      async handler(c, { tenant, params, principal }) {
        requireOwner(principal);
        const u = await deps.prisma.user.findFirst({ where: { id: params.id, accountId: tenant.accountId } });
        if (!u) throw notFound('User');
        if (u.id === principal.userId) throw new AppError('CONFLICT', 'You cannot remove yourself');
        await deps.prisma.user.delete({ where: { id: u.id } });
        deps.apiKeyCache.clear();
        return c.json({ deleted: true, id: u.id });
      },
    }),
  ]);
}
