// The email outbox: rows written in the transaction of the change that causes them (queueEmail,
// inside commit()), rendered then in the account's branding, sent by the email dispatcher
// (dispatcher.ts) with retries. Without SMTP_URL they are written as `unsent` and wait.
import type { EmailMessage, Prisma } from '../../prisma/generated/client/client';
import { brandingOf, customerPageBase } from '../accounts/branding.service';
import { commit, type Staged, type Tx } from '../db/commit';
import type { Deps } from '../deps';
import { conflict, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import type { EmailFilter } from './email.schemas';
import { type EmailTemplate, renderEmail, type TemplateParams } from './templates';

export interface QueueEmail<T extends EmailTemplate> {
  tenant: Tenant;
  to: string;
  template: T;
  /** The template's parameters, given the customer page's address. */
  params: (page: { pageUrl: string }) => TemplateParams[T];
  licenseId?: string | null;
  customerId?: string | null;
  loginTokenId?: string | null;
}

/** Where a new row starts: queued when an SMTP server is configured, else unsent. */
const initialStatus = (deps: Deps) => (deps.config.smtpUrl ? 'queued' : 'unsent');

/** Writes one email to the outbox inside `tx` (call it inside commit()); the dispatcher is woken
 * after the commit. */
export async function queueEmail<T extends EmailTemplate>(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  e: QueueEmail<T>,
): Promise<EmailMessage> {
  const account = await tx.account.findUniqueOrThrow({ where: { id: e.tenant.accountId } });
  const pageUrl = `${await customerPageBase(deps, account.id, tx)}/`;
  const rendered = renderEmail(e.template, brandingOf(account), e.params({ pageUrl }));
  const row = await tx.emailMessage.create({
    data: {
      id: newId('eml'),
      ...inTenant(e.tenant),
      to: e.to,
      template: e.template,
      ...rendered,
      licenseId: e.licenseId ?? null,
      customerId: e.customerId ?? null,
      loginTokenId: e.loginTokenId ?? null,
      status: initialStatus(deps),
      nextAttemptAt: deps.now(),
    },
  });
  staged.afterCommit(() => deps.kicks.email());
  return row;
}

export function emailWhere(tenant: Tenant, f: EmailFilter = {}): Prisma.EmailMessageWhereInput {
  return {
    ...inTenant(tenant),
    ...(f.status ? { status: f.status } : {}),
    ...(f.template ? { template: f.template } : {}),
    ...(f.licenseId ? { licenseId: f.licenseId } : {}),
    ...(f.to ? { to: f.to.trim().toLowerCase() } : {}),
  };
}

export const listEmails = (deps: Deps, caller: Caller, filter: EmailFilter, w: PageWindow) =>
  listPage(deps.prisma.emailMessage, emailWhere(caller.tenant, filter), w);

export async function getEmail(deps: Deps, caller: Caller, id: string): Promise<EmailMessage> {
  const e = await deps.prisma.emailMessage.findFirst({ where: { id, ...inTenant(caller.tenant) } });
  if (!e) throw notFound('Email');
  return e;
}

/** Sends an email again, now: the same message and id, a fresh retry schedule. 409 while an
 * attempt is in flight. */
export function resendEmail(deps: Deps, caller: Caller, id: string): Promise<EmailMessage> {
  return commit(deps, async (tx, staged) => {
    const now = deps.now();
    const before = await tx.emailMessage.findFirst({ where: { id, ...inTenant(caller.tenant) } });
    if (!before) throw notFound('Email');
    const queued = await tx.emailMessage.updateMany({
      where: { id, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: {
        status: initialStatus(deps),
        attempts: 0,
        nextAttemptAt: now,
        lockedBy: null,
        lockedUntil: null,
        lastError: null,
        sentAt: null,
      },
    });
    if (queued.count === 0) throw conflict('An attempt to send this email is in flight; try again shortly');
    staged.afterCommit(() => deps.kicks.email());
    const after = await tx.emailMessage.findUniqueOrThrow({ where: { id } });
    staged.audit(caller, 'email.resent', {
      id,
      before,
      after,
      fields: ['status', 'attempts'],
      changes: { to: [before.to, after.to], template: [before.template, after.template] },
    });
    return after;
  });
}
