// What a Principal may do: the portal and admin scopes, writes, and owner-only management. REST's
// router and GraphQL's auth scopes check the first three; services check requireOwner.
import { AppError } from '../lib/errors';
import type { Principal, Tenant } from '../lib/principal';

export function requirePortal(p: Principal): Tenant {
  if (p.kind === 'anonymous') throw new AppError('AUTH_REQUIRED', 'Authentication required');
  if (!p.scopes.includes('portal') || !p.accountId || !p.environment) {
    throw new AppError('FORBIDDEN', 'This credential cannot use portal routes');
  }
  return { accountId: p.accountId, environment: p.environment };
}

export function requireAdmin(p: Principal) {
  if (p.kind === 'anonymous') throw new AppError('AUTH_REQUIRED', 'Authentication required');
  if (!p.scopes.includes('admin')) throw new AppError('FORBIDDEN', 'Admin scope required');
}

export function requireWriter(p: Principal) {
  if (p.role === 'readonly') throw new AppError('FORBIDDEN', 'Read-only users cannot make changes');
}

/** Managing users and API keys is for owners (an API key acts as the owner of its account). */
export function requireOwner(p: Principal) {
  if (p.kind === 'user' && p.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can do this');
}
