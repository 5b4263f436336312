// The operator's routes: every account, plans and suspension. Admin scope only (an admin API key
// from `npm run cli -- keys:create --scope admin`).
import { z } from 'zod';
import type { Account } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../http/route';
import { PaginationQuery } from '../lib/pagination';
import { getAccount, listAccounts, openAccount, setAccountStatus, updateAccount } from './admin.service';

const PlanEnum = z.enum(['builder', 'starter', 'professional', 'business', 'enterprise']);
export const CreateAccountBody = z.object({
  name: z.string().trim().min(1).max(200),
  plan: PlanEnum.optional(),
  owner_email: z.string().trim().email().max(254),
  owner_password: z.string().min(8).max(1024).optional(),
});
export const UpdateAccountBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  plan: PlanEnum.optional(),
  status: z.enum(['active', 'suspended']).optional(),
});

export const accountJson = (a: Account) => ({
  id: a.id,
  name: a.name,
  plan: a.plan,
  status: a.status,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

export function adminRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/admin/accounts',
      access: 'admin',
      tag: 'Admin',
      summary: 'List every account',
      query: PaginationQuery.extend({ status: z.enum(['active', 'suspended']).optional() }),
      list: ({ query }, w) => listAccounts(deps, { status: query.status }, w),
      json: accountJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts',
      access: 'admin',
      tag: 'Admin',
      summary: 'Create an account with its owner and a live and a test key (shown once)',
      body: CreateAccountBody,
      async handler(c, { body }) {
        const a = await openAccount(deps, {
          name: body.name,
          plan: body.plan,
          ownerEmail: body.owner_email,
          ownerPassword: body.owner_password,
        });
        return c.json(
          {
            account: accountJson(a.account),
            owner: {
              id: a.owner.id,
              email: a.owner.email,
              ...(a.owner.generatedPassword ? { password: a.owner.password } : {}),
            },
            liveKey: a.liveKey,
            testKey: a.testKey,
          },
          201,
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/accounts/:id',
      access: 'admin',
      tag: 'Admin',
      summary: 'Get an account',
      async handler(c, { params }) {
        return c.json({ account: accountJson(await getAccount(deps, params.id!)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/admin/accounts/:id',
      access: 'admin',
      tag: 'Admin',
      summary: "Change an account's name, plan or status",
      body: UpdateAccountBody,
      async handler(c, { params, body }) {
        return c.json({ account: accountJson(await updateAccount(deps, params.id!, body)) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts/:id/suspend',
      access: 'admin',
      tag: 'Admin',
      summary: 'Suspend an account: its keys and sessions stop working',
      async handler(c, { params }) {
        return c.json({ account: accountJson(await setAccountStatus(deps, params.id!, 'suspended')) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts/:id/reinstate',
      access: 'admin',
      tag: 'Admin',
      summary: 'Reinstate a suspended account',
      async handler(c, { params }) {
        return c.json({ account: accountJson(await setAccountStatus(deps, params.id!, 'active')) });
      },
    }),
  ]);
}
