// The per-request GraphQL context and the helpers resolvers use to read it.
import { GraphQLError } from './graphql-js';
import { type Principal, type Tenant, tenantOf } from '../auth/principal';
import type { Deps } from '../deps';
import type { CallerInfo } from '../licensing/activations.service';

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
  if (!t)
    throw new GraphQLError('This credential is not allowed to do this', {
      extensions: { code: 'FORBIDDEN' },
    });
  return t;
}

/** `{accountId, environment}` for a Prisma `where`: every tenant-owned query carries both. */
export function tenantWhere(ctx: GraphQLContext) {
  const t = tenant(ctx);
  return { accountId: t.accountId, environment: t.environment };
}

/** As the REST router does: an API key sent to a public field restricts lookups to its tenant. */
export function callerInfo(ctx: GraphQLContext): CallerInfo {
  return { scope: tenantOf(ctx.principal), ip: ctx.ip, userAgent: ctx.userAgent };
}

/** Where-clause for loading a node by id: scoped to the caller's tenant when there is one. Public
 * fields (validate, activate) may return a license to an anonymous caller, whose key was the
 * credential; loading more of that same license must still work. */
export function nodeWhere(id: string, ctx: GraphQLContext) {
  const t = tenantOf(ctx.principal);
  return t ? { id, accountId: t.accountId, environment: t.environment } : { id };
}

/** Lists read newest first, as REST does; `id` breaks ties so cursors are stable. */
export const newestFirst = () => [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
