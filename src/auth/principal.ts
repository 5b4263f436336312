// Who is calling: built once per request by a strategy (API key, JWT, none) and used by REST,
// GraphQL and graphql-ws alike.
import type { Environment, Plan, UserRole } from '../../prisma/generated/client/client';

export type Scope = 'portal' | 'admin';

export interface Tenant {
  accountId: string;
  environment: Environment;
}

export interface Principal {
  kind: 'api_key' | 'user' | 'anonymous';
  accountId: string | null;
  environment: Environment | null;
  scopes: Scope[];
  apiKeyId?: string;
  userId?: string;
  role?: UserRole;
  /** The account's plan, for rate limits. */
  plan?: Plan;
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  accountId: null,
  environment: null,
  scopes: [],
}) as Principal;

export function tenantOf(p: Principal): Tenant | null {
  return p.accountId && p.environment ? { accountId: p.accountId, environment: p.environment } : null;
}
