// The emails about a license (§13): its key (on create with sendEmail, by hand, after a Stripe
// checkout), and the lifecycle notices: expiring within 7 days (once per expiry), expired, renewed.
// Each is written to the outbox in the transaction of the change that causes it.
import type { EmailMessage } from '../../prisma/generated/client/client';
import { commit, type Staged, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { queueEmail } from '../email/email.service';
import { maskKey } from '../email/templates';
import { conflict, notFound } from '../lib/errors';
import { type Caller, inTenant } from '../lib/principal';

const DAY = 86_400_000;
export const EXPIRY_NOTICE_DAYS = 7;

export type LicenseNotice = 'license_key' | 'license_expiring' | 'license_expired' | 'license_renewed';

const facts = { customer: { select: { email: true } }, product: { select: { name: true } } } as const;

/** Queues `template` about license `id` to its customer inside `tx`; returns null when the license
 * has no customer email (nothing to send). */
export async function queueLicenseEmail(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  id: string,
  template: LicenseNotice,
): Promise<EmailMessage | null> {
  const l = await tx.license.findUniqueOrThrow({ where: { id }, include: facts });
  if (!l.customer) return null;
  const base = {
    tenant: { accountId: l.accountId, environment: l.environment },
    to: l.customer.email,
    licenseId: l.id,
    customerId: l.customerId,
  };
  const productName = l.product.name;
  const maskedKey = maskKey(l.key);
  const now = deps.now();
  switch (template) {
    case 'license_key':
      return queueEmail(deps, tx, staged, {
        ...base,
        template,
        params: ({ pageUrl }) => ({
          productName,
          pageUrl,
          licenseKey: l.key,
          licenseType: l.type,
          expiresAt: l.expiresAt,
        }),
      });
    case 'license_expiring':
      return queueEmail(deps, tx, staged, {
        ...base,
        template,
        params: ({ pageUrl }) => ({ productName, pageUrl, maskedKey, expiresAt: l.expiresAt ?? now }),
      });
    case 'license_expired':
      return queueEmail(deps, tx, staged, {
        ...base,
        template,
        params: ({ pageUrl }) => ({ productName, pageUrl, maskedKey, expiredAt: l.expiresAt ?? now }),
      });
    case 'license_renewed':
      return queueEmail(deps, tx, staged, {
        ...base,
        template,
        params: ({ pageUrl }) => ({ productName, pageUrl, maskedKey, expiresAt: l.expiresAt }),
      });
  }
}

/** POST /licenses/:id/send-key: emails the key to the license's customer (409 without one). */
export function sendLicenseKey(deps: Deps, caller: Caller, id: string): Promise<EmailMessage> {
  return commit(deps, async (tx, staged) => {
    const l = await tx.license.findFirst({ where: { id, ...inTenant(caller.tenant) }, select: { id: true } });
    if (!l) throw notFound('License');
    const email = await queueLicenseEmail(deps, tx, staged, id, 'license_key');
    if (!email) throw conflict('This license has no customer email; set one (PATCH email) first');
    staged.audit(caller, 'license.key_emailed', {
      id,
      changes: { email: [null, email.id], to: [null, email.to] },
    });
    return email;
  });
}

/** The job: one "expires within 7 days" email per license and expiry date (a renewal that moves
 * the date earns a new one). The conditional UPDATE makes it once across instances too. */
export async function sendExpiryNotices(deps: Deps, batch = 500): Promise<number> {
  const now = deps.now();
  const due = await deps.prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM "License" WHERE status = 'active' AND "customerId" IS NOT NULL
       AND "expiresAt" > $1 AND "expiresAt" <= $2 AND "expiryNoticeFor" IS DISTINCT FROM "expiresAt"
     ORDER BY "expiresAt" LIMIT $3`,
    now,
    new Date(now.getTime() + EXPIRY_NOTICE_DAYS * DAY),
    batch,
  );
  let sent = 0;
  for (const { id } of due) {
    const queued = await commit(deps, async (tx, staged) => {
      const claimed = await tx.$executeRawUnsafe(
        `UPDATE "License" SET "expiryNoticeFor" = "expiresAt" WHERE id = $1 AND status = 'active'
           AND "expiryNoticeFor" IS DISTINCT FROM "expiresAt"`,
        id,
      );
      return claimed > 0 && (await queueLicenseEmail(deps, tx, staged, id, 'license_expiring')) !== null;
    });
    if (queued) sent++;
  }
  return sent;
}
