// The operator's routes: every account, plans and suspension. Admin scope only (an admin API key
// from `npm run cli -- keys:create --scope admin`).
import type { Deps } from '../deps';
import { defineRoutes, listRoute, route } from '../rest/route';
import { CreateAccountInput, ListAccountsQuery, UpdateAccountInput } from './accounts.schemas';
import { accountJson } from './accounts.views';
import { getAccount, listAccounts, openAccount, setAccountStatus, updateAccount } from './admin.service';

export function adminRoutes(deps: Deps) {
  return defineRoutes([
    listRoute({
      path: '/api/v1/admin/accounts',
      access: 'admin',
      tag: 'Admin',
      summary: 'List every account',
      query: ListAccountsQuery,
      list: ({ query }, w) => listAccounts(deps, query, w),
      json: accountJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts',
      access: 'admin',
      tag: 'Admin',
      summary: 'Create an account with its owner and a live and a test key (shown once)',
      body: CreateAccountInput,
      async handler(c, { caller, body }) {
        const a = await openAccount(deps, caller, body);
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
      body: UpdateAccountInput,
      async handler(c, { caller, params, body }) {
        return c.json({ account: accountJson(await updateAccount(deps, caller, params.id!, body)) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts/:id/suspend',
      access: 'admin',
      tag: 'Admin',
      summary: 'Suspend an account: its keys and sessions stop working',
      async handler(c, { caller, params }) {
        return c.json({
          account: accountJson(await setAccountStatus(deps, caller, params.id!, 'suspended')),
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/accounts/:id/reinstate',
      access: 'admin',
      tag: 'Admin',
      summary: 'Reinstate a suspended account',
      async handler(c, { caller, params }) {
        return c.json({ account: accountJson(await setAccountStatus(deps, caller, params.id!, 'active')) });
      },
    }),
  ]);
}
