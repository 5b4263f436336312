// How an end customer signs in to the customer page, kept apart from the staff sessions of
// src/auth/. Sign-in links (a magic link by email, or the vendor's portal link) are single use,
// valid 15 minutes, and stored only as a SHA-256: the token is an HMAC of the link's id under the
// deployment's master key, so the email dispatcher can put it in the email when it sends it and no
// copy is ever written. A session is a random token in an HttpOnly, SameSite=Lax cookie scoped to
// the page's path (Secure behind https), also stored as a hash. Every form carries a CSRF token:
// an HMAC of a second random cookie, checked on every POST.
import { randomBytes } from 'node:crypto';
import type { CustomerSession, Environment } from '../../prisma/generated/client/client';
import { commit, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { safeEqual, sha256Hex } from '../lib/crypto';
import { newId } from '../lib/ids';
import type { RequestMeta, Tenant } from '../lib/principal';

export const LOGIN_MINUTES = 15;
export const SESSION_HOURS = 12;
export const SESSION_COOKIE = 'to_customer';
export const CSRF_COOKIE = 'to_customer_csrf';
const LOGIN_PURPOSE = 'customer-login';
const CSRF_PURPOSE = 'customer-csrf';

export type LoginKind = 'magic_link' | 'portal_link';

/** The token of a sign-in link, derived from its id (see the header). */
export const loginToken = (deps: Deps, id: string) => deps.secretBox.mac(LOGIN_PURPOSE, id);

/** A new single-use sign-in link for a customer, inside `tx`. Returns its id (for the email, which
 * derives the token when it sends) and token (for the portal link, returned once). */
export async function issueLoginToken(
  deps: Deps,
  tx: Tx,
  tenant: Tenant,
  customerId: string,
  kind: LoginKind,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const id = newId('clt');
  const token = loginToken(deps, id);
  const expiresAt = new Date(deps.now().getTime() + LOGIN_MINUTES * 60_000);
  await tx.customerLoginToken.create({
    data: { id, ...tenant, customerId, kind, tokenHash: sha256Hex(token), expiresAt },
  });
  return { id, token, expiresAt };
}

/** Uses a sign-in link once: the conditional UPDATE lets exactly one request through, and an
 * expired, used or foreign link gives null. */
/** The sign-in link with this token in this account, used or not (for the audit of a refused one). */
export async function findLoginToken(deps: Deps, accountId: string, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await deps.prisma.customerLoginToken.findUnique({ where: { tokenHash: sha256Hex(token) } });
  return row && row.accountId === accountId ? { ...row, kind: row.kind as LoginKind } : null;
}

export async function consumeLoginToken(
  deps: Deps,
  accountId: string,
  token: string,
): Promise<{ environment: Environment; customerId: string; kind: LoginKind } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const tokenHash = sha256Hex(token);
  const now = deps.now();
  const used = await deps.prisma.customerLoginToken.updateMany({
    where: { tokenHash, accountId, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (used.count !== 1) return null;
  const row = await deps.prisma.customerLoginToken.findUniqueOrThrow({ where: { tokenHash } });
  return { environment: row.environment, customerId: row.customerId, kind: row.kind as LoginKind };
}

/** How a customer signed in, as the audit log names it. */
export type SignInMethod = LoginKind | 'license_key';

/** Who signs in: a customer (by a link), or the one license a key opens (its customer, if any). */
export type SessionSubject =
  { customerId: string; label: string | null } | { licenseId: string; customerId: string | null };

/** A customer-page session, with its `customer.signed_in` audit entry in the same transaction. */
export async function createSession(
  deps: Deps,
  tenant: Tenant,
  who: SessionSubject,
  method: SignInMethod,
  meta: RequestMeta,
): Promise<{ token: string; maxAge: number }> {
  const token = randomBytes(32).toString('base64url');
  const maxAge = SESSION_HOURS * 3600;
  const byKey = 'licenseId' in who;
  await commit(deps, async (tx, staged) => {
    await tx.customerSession.create({
      data: {
        id: newId('cps'),
        ...tenant,
        customerId: byKey ? null : who.customerId,
        licenseId: byKey ? who.licenseId : null,
        tokenHash: sha256Hex(token),
        expiresAt: new Date(deps.now().getTime() + maxAge * 1000),
      },
    });
    // The actor is the customer, as on the page's Deactivate; a key sign-in is labelled like the
    // public key routes' (the key is the credential, and never appears in the log).
    const actor = {
      type: 'customer' as const,
      id: who.customerId,
      label: byKey ? 'license key' : who.label,
    };
    staged.audit({ ...meta, tenant, actor }, 'customer.signed_in', {
      id: byKey ? who.licenseId : who.customerId,
      targetType: byKey ? 'license' : 'customer',
      changes: { method: [null, method] },
    });
  });
  // Expired sessions and links are dropped as new ones are made (cheap: an index range).
  const now = deps.now();
  await deps.prisma.customerSession.deleteMany({ where: { expiresAt: { lt: now } } });
  await deps.prisma.customerLoginToken.deleteMany({
    where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } },
  });
  return { token, maxAge };
}

export async function readSession(
  deps: Deps,
  accountId: string,
  token: string | null,
): Promise<CustomerSession | null> {
  if (!token) return null;
  const s = await deps.prisma.customerSession.findUnique({ where: { tokenHash: sha256Hex(token) } });
  if (!s || s.accountId !== accountId || s.expiresAt <= deps.now()) return null;
  return s;
}

export async function endSession(deps: Deps, token: string | null): Promise<void> {
  if (token) await deps.prisma.customerSession.deleteMany({ where: { tokenHash: sha256Hex(token) } });
}

export const newCsrfSecret = () => randomBytes(24).toString('base64url');

/** The form token for a browser's CSRF cookie. */
export const csrfToken = (deps: Deps, cookie: string) => deps.secretBox.mac(CSRF_PURPOSE, cookie);

export const csrfValid = (deps: Deps, cookie: string | null, token: string | null) =>
  Boolean(cookie && token) && safeEqual(csrfToken(deps, cookie!), token!);

export function cookie(name: string, value: string, path: string, secure: boolean, maxAge: number): string {
  return `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}
