// REST routes for the account's users (users.service.ts: roles, owner-only management). Read-only
// users get GET only; the router enforces that for every mutating route.
import { z } from 'zod';
import type { User } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import { createUser, deleteUser, listUsers, updateUserRole } from './users.service';

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

export function userRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: "List the account's users",
      query: PaginationQuery,
      list: ({ tenant, query }, w) => listUsers(deps, tenant, w),
      json: userJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: 'Create (invite) a user; a generated password is returned once when none is given',
      body: CreateUserBody,
      async handler(c, { tenant, body, principal }) {
        const { user, generatedPassword } = await createUser(deps, principal, tenant, body);
        return c.json(
          { user: userJson(user), ...(generatedPassword ? { password: generatedPassword } : {}) },
          201,
        );
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
        const updated = await updateUserRole(deps, principal, tenant, params.id!, body.role);
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
        const u = await deleteUser(deps, principal, tenant, params.id!);
        return c.json({ deleted: true, id: u.id });
      },
    }),
  ]);
}
