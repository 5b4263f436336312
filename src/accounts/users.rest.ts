// REST routes for the account's users (users.service.ts: roles, owner-only management). Read-only
// users get GET only; the router enforces that for every mutating route.
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { CreateUserInput, ListUsersQuery, UpdateUserInput } from './accounts.schemas';
import { userJson } from './accounts.views';
import { createUser, deleteUser, listUsers, updateUserRole } from './users.service';

export function userRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: "List the account's users",
      query: ListUsersQuery,
      list: ({ caller }, w) => listUsers(deps, caller, w),
      json: userJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      access: 'portal',
      tag: 'Users',
      summary: 'Create (invite) a user; a generated password is returned once when none is given',
      body: CreateUserInput,
      async handler(c, { caller, body }) {
        const { user, generatedPassword } = await createUser(deps, caller, body);
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
      body: UpdateUserInput,
      async handler(c, { caller, params, body }) {
        return c.json({ user: userJson(await updateUserRole(deps, caller, params.id!, body.role)) });
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/users/:id',
      access: 'portal',
      tag: 'Users',
      summary: 'Remove a user',
      async handler(c, { caller, params }) {
        const u = await deleteUser(deps, caller, params.id!);
        return c.json({ deleted: true, id: u.id });
      },
    }),
  ]);
}
