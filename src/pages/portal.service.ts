// Signing customers in: a magic link by email (the same answer whether or not the address is known,
// rate limited per address and per IP), a license key (that one license, behind the same
// enumeration guard as the public key routes), and the vendor's one-click portal link.
import type { Environment } from '../../prisma/generated/client/client';
import { customerPageBase } from '../accounts/branding.service';
import { normalizeEmail } from '../customers/customers.service';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { queueEmail } from '../email/email.service';
import { LOGIN_TOKEN } from '../email/templates';
import { notFound } from '../lib/errors';
import { normalizeLicenseKey } from '../lib/ids';
import { type Caller, inTenant, type RequestMeta } from '../lib/principal';
import {
  consumeLoginToken,
  createSession,
  findLoginToken,
  issueLoginToken,
  LOGIN_MINUTES,
} from './portal-auth';

const PER_ADDRESS = 3;
const PER_IP = 10;

/** Emails a sign-in link to the customer with this address, if there is one (live first, then
 * test). Throws 429 past the limits, which count every request, known address or not. */
export async function requestMagicLink(
  deps: Deps,
  accountId: string,
  email: string,
  ip: string,
  origin: string,
  meta: RequestMeta,
) {
  const address = normalizeEmail(email);
  const byAddress = `${accountId}:${address}`;
  // Counted atomically (check and count in one step), so concurrent requests cannot pass together.
  const byEmail = await deps.limits.take('magic-email', PER_ADDRESS, byAddress);
  if (!byEmail.state.allowed) throw deps.limits.refuse(byEmail.state, 'login');
  const byIp = await deps.limits.take('magic-ip', PER_IP, ip);
  if (!byIp.state.allowed) {
    await deps.limits.refund(byEmail);
    throw deps.limits.refuse(byIp.state, 'login');
  }
  const customers = await deps.prisma.customer.findMany({ where: { accountId, email: address } });
  const customer = customers.find((c) => c.environment === 'live') ?? customers[0];
  if (!customer) return;
  const tenant = { accountId, environment: customer.environment };
  await commit(deps, async (tx, staged) => {
    const link = await issueLoginToken(deps, tx, tenant, customer.id, 'magic_link');
    await queueEmail(deps, tx, staged, {
      tenant,
      to: customer.email,
      template: 'magic_link',
      customerId: customer.id,
      loginTokenId: link.id,
      params: () => ({ signInUrl: `${origin}/sign-in/${LOGIN_TOKEN}`, minutes: LOGIN_MINUTES }),
    });
    const actor = { type: 'customer' as const, id: customer.id, label: customer.email };
    staged.audit({ ...meta, tenant, actor }, 'customer.sign_in_link_sent', {
      id: customer.id,
      changes: { email: [null, customer.email] },
    });
  });
}

/** A session for the one license with this key in this account, or null (counted as a failed
 * lookup for the IP, like an unknown key on the public routes). */
export async function signInWithKey(deps: Deps, accountId: string, key: string, meta: RequestMeta) {
  const ip = meta.ip ?? '';
  const blocked = await deps.limits.lookupsBlocked(ip);
  if (blocked) throw deps.limits.refuse(blocked, 'lookup');
  const license = await deps.prisma.license.findUnique({ where: { key: normalizeLicenseKey(key) } });
  if (!license || license.accountId !== accountId) {
    await deps.limits.failedLookup(ip);
    return null;
  }
  const tenant = { accountId, environment: license.environment as Environment };
  return createSession(
    deps,
    tenant,
    { licenseId: license.id, customerId: license.customerId },
    'license_key',
    meta,
  );
}

const customerEmail = async (deps: Deps, accountId: string, customerId: string) =>
  (await deps.prisma.customer.findFirst({ where: { id: customerId, accountId }, select: { email: true } }))
    ?.email ?? null;

/** A session for the customer a sign-in link (magic or portal link) was issued to, or null when
 * the link is unknown, expired or used. A known link that is refused (used, expired) writes
 * `customer.sign_in_failed` with the reason; an unknown one names nobody and writes nothing. */
export async function signInWithLink(deps: Deps, accountId: string, token: string, meta: RequestMeta) {
  const used = await consumeLoginToken(deps, accountId, token);
  if (!used) {
    const link = await findLoginToken(deps, accountId, token);
    if (!link) return null;
    const tenant = { accountId, environment: link.environment };
    const label = await customerEmail(deps, accountId, link.customerId);
    const actor = { type: 'customer' as const, id: link.customerId, label };
    await commit(deps, (_tx, staged) => {
      staged.audit({ ...meta, tenant, actor }, 'customer.sign_in_failed', {
        id: link.customerId,
        targetType: 'customer',
        changes: {
          method: [null, link.kind],
          reason: [null, link.usedAt ? 'link_used' : 'link_expired'],
        },
      });
      return Promise.resolve();
    });
    return null;
  }
  const tenant = { accountId, environment: used.environment };
  const who = { customerId: used.customerId, label: await customerEmail(deps, accountId, used.customerId) };
  return createSession(deps, tenant, who, used.kind, meta);
}

/** POST /customers/:id/portal-link: a one-click, single-use sign-in link to the customer page,
 * valid 15 minutes, for the vendor's own app to open. */
export async function createPortalLink(deps: Deps, caller: Caller, customerId: string) {
  const customer = await deps.prisma.customer.findFirst({
    where: { id: customerId, ...inTenant(caller.tenant) },
  });
  if (!customer) throw notFound('Customer');
  const base = await customerPageBase(deps, caller.tenant.accountId);
  const link = await commit(deps, async (tx, staged) => {
    const made = await issueLoginToken(deps, tx, caller.tenant, customer.id, 'portal_link');
    staged.audit(caller, 'customer.portal_link_created', {
      id: customer.id,
      changes: { expiresAt: [null, made.expiresAt] },
    });
    return made;
  });
  return { url: `${base}/sign-in/${link.token}`, expiresAt: link.expiresAt };
}
