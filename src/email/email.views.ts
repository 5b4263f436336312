// The JSON view of an outbox email (its body is not part of the list).
import type { EmailMessage } from '../../prisma/generated/client/client';

export const emailJson = (e: EmailMessage) => ({
  id: e.id,
  to: e.to,
  subject: e.subject,
  template: e.template,
  status: e.status,
  attempts: e.attempts,
  lastError: e.lastError,
  licenseId: e.licenseId,
  customerId: e.customerId,
  nextAttemptAt: e.status === 'queued' ? e.nextAttemptAt.toISOString() : null,
  sentAt: e.sentAt?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});
