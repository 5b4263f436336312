// Who is calling, and on whose data: built once per request (by the API-key, JWT or anonymous
// strategy) and used by REST, GraphQL and graphql-ws alike. Services receive a `Caller` for portal
// writes and a `KeyCaller` on the public license-key routes.
import type { Environment, Plan, UserRole } from '../../prisma/generated/client/client';

export type Scope = 'portal' | 'admin';

export interface Tenant {
  accountId: string;
  environment: Environment;
}

export interface Principal {
  /** `system` is the server itself (sweepers, reapers, the CLI). */
  kind: 'api_key' | 'user' | 'anonymous' | 'system';
  accountId: string | null;
  environment: Environment | null;
  scopes: Scope[];
  apiKeyId?: string;
  userId?: string;
  /** The user's sign-in (src/auth/sessions.ts): logging out revokes it, and every token of it. */
  sessionId?: string;
  role?: UserRole;
  /** The account's plan, for rate limits. */
  plan?: Plan;
  /** Who this is, for the audit log: an API key's name and prefix, a user's email. */
  label?: string;
}

/** Who made a change, as the audit log records it (PRODUCT.md §16). */
export interface Actor {
  type: 'api_key' | 'user' | 'customer' | 'integration' | 'system';
  id: string | null;
  label: string | null;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  accountId: null,
  environment: null,
  scopes: [],
}) as Principal;

/** The fields that name a principal in a log line: account, environment, API key or user id
 * (never a secret). */
export const principalLogFields = (p: Principal | undefined) => ({
  accountId: p?.accountId,
  environment: p?.environment,
  apiKeyId: p?.apiKeyId,
  userId: p?.userId,
});

export function tenantOf(p: Principal): Tenant | null {
  return p.accountId && p.environment ? { accountId: p.accountId, environment: p.environment } : null;
}

/** `{accountId, environment}` for a Prisma `where`: every tenant-owned query carries both. */
export const inTenant = (t: Tenant) => ({ accountId: t.accountId, environment: t.environment });

/** Where a request came from. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** A portal or admin call: whose data it touches, who asked, and from where. */
export interface Caller extends RequestMeta {
  tenant: Tenant;
  principal: Principal;
  /** Who the audit log names, when not the principal itself: a customer on the customer page, an
   * integration (Stripe), the CLI. */
  actor?: Actor;
}

/** A call on a public license-key route. The key is the credential; an API key sent along
 * restricts the lookup to its account and environment (`scope`). */
export interface KeyCaller extends RequestMeta {
  scope: Tenant | null;
}

const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };

/** The server acting on a tenant's data by itself (sweepers, reapers, imports from the CLI). */
export function systemCaller(tenant: Tenant, actor?: Actor): Caller {
  return {
    ...NO_REQUEST,
    tenant,
    principal: { kind: 'system', ...tenant, scopes: ['portal'], role: 'owner' },
    ...(actor ? { actor } : {}),
  };
}

/** A caller with full rights on a tenant and no request around it (tests, tools). */
export const keyCallerFor = (scope: Tenant | null, meta: Partial<RequestMeta> = {}): KeyCaller => ({
  ...NO_REQUEST,
  ...meta,
  scope,
});
