// The per-request GraphQL context and the helpers resolvers use to read it.
import type { Deps } from '../deps';
import {
  type Caller,
  inTenant,
  type KeyCaller,
  type Principal,
  type Tenant,
  tenantOf,
} from '../lib/principal';
import { forbidden } from './errors';

export interface GraphQLContext {
  deps: Deps;
  principal: Principal;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

/** The caller's account and environment. Portal fields are guarded by the `portal` auth scope,
 * so a missing tenant here is a programming error, reported as FORBIDDEN all the same. */
export function tenant(ctx: GraphQLContext): Tenant {
  const t = tenantOf(ctx.principal);
  if (!t) throw forbidden();
  return t;
}

/** `{accountId, environment}` for a Prisma `where`: every tenant-owned query carries both. */
export const tenantWhere = (ctx: GraphQLContext) => inTenant(tenant(ctx));

const meta = (ctx: GraphQLContext) => ({ ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId });

/** A portal field's caller, as the REST router builds it: tenant, principal and request. */
export const caller = (ctx: GraphQLContext): Caller => ({
  ...meta(ctx),
  tenant: tenant(ctx),
  principal: ctx.principal,
});

/** A public license-key field's caller: an API key sent along restricts lookups to its tenant. */
export const keyCaller = (ctx: GraphQLContext): KeyCaller => ({
  ...meta(ctx),
  scope: tenantOf(ctx.principal),
});

/** Where-clause for loading a node by id: scoped to the caller's tenant when there is one. Public
 * fields (validate, activate) may return a license to an anonymous caller, whose key was the
 * credential; loading more of that same license must still work. */
export function nodeWhere(id: string, ctx: GraphQLContext) {
  const t = tenantOf(ctx.principal);
  return t ? { id, ...inTenant(t) } : { id };
}

/** Where-clause for a DataLoader batch of ids, within the caller's tenant. */
export const idsInTenant = (ids: readonly string[], ctx: GraphQLContext) => ({
  id: { in: [...ids] },
  ...tenantWhere(ctx),
});
