// Branding of an account (the customer page, the emails and the dashboard preview use it) and its
// custom domains. Both belong to the account, so a live and a test key see and change the same.
import type { Account, CustomDomain } from '../../prisma/generated/client/client';
import { commit } from '../db/commit';
import { isUniqueViolation } from '../db/errors';
import type { Deps } from '../deps';
import { conflict, notFound, validationError } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, oldestFirst, type PageWindow } from '../lib/pagination';
import type { Caller } from '../lib/principal';
import type { AddDomainInput, UpdateBrandingInput } from './branding.schemas';

/** Branding with the defaults filled in: what a page or an email is rendered with. */
export interface Branding {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  supportEmail: string | null;
  supportUrl: string | null;
}

export const DEFAULT_PRIMARY = '#1F4FD1';
export const DEFAULT_ACCENT = '#0F766E';

export const brandingOf = (a: Account): Branding => ({
  name: a.displayName ?? a.name,
  logoUrl: a.logoUrl,
  primaryColor: (a.primaryColor ?? DEFAULT_PRIMARY).toUpperCase(),
  accentColor: (a.accentColor ?? DEFAULT_ACCENT).toUpperCase(),
  supportEmail: a.supportEmail,
  supportUrl: a.supportUrl,
});

export async function getAccountOf(deps: Deps, caller: Caller): Promise<Account> {
  const a = await deps.prisma.account.findUnique({ where: { id: caller.tenant.accountId } });
  if (!a) throw notFound('Account');
  return a;
}

export function updateBranding(deps: Deps, caller: Caller, input: UpdateBrandingInput): Promise<Account> {
  const data = {
    ...(input.name !== undefined ? { displayName: input.name } : {}),
    ...(input.logoUrl !== undefined ? { logoUrl: input.logoUrl } : {}),
    ...(input.primaryColor !== undefined ? { primaryColor: input.primaryColor?.toUpperCase() ?? null } : {}),
    ...(input.accentColor !== undefined ? { accentColor: input.accentColor?.toUpperCase() ?? null } : {}),
    ...(input.supportEmail !== undefined ? { supportEmail: input.supportEmail } : {}),
    ...(input.supportUrl !== undefined ? { supportUrl: input.supportUrl } : {}),
  };
  return commit(deps, async (tx, staged) => {
    const where = { id: caller.tenant.accountId };
    const before = await tx.account.findUniqueOrThrow({ where });
    const after = await tx.account.update({ where, data });
    staged.audit(caller, 'branding.updated', { id: where.id, before, after, fields: Object.keys(data) });
    return after;
  });
}

// Custom domains.

export const domainsWhere = (caller: Caller) => ({ accountId: caller.tenant.accountId });

/** Oldest first: the first one is where links to the customer page point. */
export const listDomains = (deps: Deps, caller: Caller, w: PageWindow) =>
  listPage(deps.prisma.customDomain, domainsWhere(caller), w, oldestFirst());

/** The server's own host name (from TO_PUBLIC_URL), which no account may take. */
const ownHost = (deps: Deps) => new URL(deps.config.publicUrl).hostname.toLowerCase();

export async function addDomain(deps: Deps, caller: Caller, input: AddDomainInput): Promise<CustomDomain> {
  if (input.host === ownHost(deps)) {
    throw validationError(`${input.host} is this server's own host name (TO_PUBLIC_URL)`);
  }
  try {
    return await commit(deps, async (tx, staged) => {
      const d = await tx.customDomain.create({
        data: { id: newId('dom'), accountId: caller.tenant.accountId, host: input.host },
      });
      staged.afterCommit(() => deps.domainCache.delete(d.host));
      staged.audit(caller, 'domain.added', { id: d.id, after: d, fields: ['host'] });
      return d;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`${input.host} is already registered`);
    throw err;
  }
}

export function removeDomain(deps: Deps, caller: Caller, id: string): Promise<CustomDomain> {
  return commit(deps, async (tx, staged) => {
    const d = await tx.customDomain.findFirst({ where: { id, accountId: caller.tenant.accountId } });
    if (!d) throw notFound('Domain');
    await tx.customDomain.delete({ where: { id } });
    staged.afterCommit(() => deps.domainCache.delete(d.host));
    staged.audit(caller, 'domain.removed', { id, before: d, fields: ['host'] });
    return d;
  });
}

/** The account whose custom domain `host` is (lower-case, no port), or null. Cached for a few
 * seconds, misses included (this instance's own changes drop the entry at once). */
export async function accountForHost(deps: Deps, host: string): Promise<string | null> {
  const hit = deps.domainCache.get(host);
  if (hit !== undefined) return hit;
  const d = await deps.prisma.customDomain.findUnique({
    where: { host },
    select: { accountId: true, firstRequestAt: true },
  });
  const accountId = d?.accountId ?? null;
  deps.domainCache.set(host, accountId);
  // The first request naming the host shows the vendor that DNS and proxy send it here (one write
  // per domain, ever; the cache spares the lookups in between).
  if (d && !d.firstRequestAt) {
    await commit(deps, (tx) =>
      tx.customDomain.updateMany({
        where: { host, firstRequestAt: null },
        data: { firstRequestAt: new Date() },
      }),
    );
  }
  return accountId;
}

/** Where the account's customer page lives: `https://<first custom domain>` (TLS at the reverse
 * proxy), else `<TO_PUBLIC_URL>/my/<account id>`. No trailing slash. */
export async function customerPageBase(
  deps: Pick<Deps, 'prisma' | 'config'>,
  accountId: string,
  db: Pick<Deps['prisma'], 'customDomain'> = deps.prisma,
): Promise<string> {
  const d = await db.customDomain.findFirst({
    where: { accountId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { host: true },
  });
  return d ? `https://${d.host}` : `${deps.config.publicUrl}/my/${accountId}`;
}

// The colour rules live in src/lib/colour.ts (the dashboard's preview applies the same ones).
export { contrast, inkOf, textOn } from '../lib/colour';
