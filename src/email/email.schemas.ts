// Email outbox inputs (camelCase, door-neutral: see src/lib/schema.ts).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { optional } from '../lib/schema';
import { EMAIL_TEMPLATES } from './templates';

export const EmailStatusEnum = z.enum(['unsent', 'queued', 'sent', 'failed']);
export const EmailTemplateEnum = z.enum(EMAIL_TEMPLATES as [string, ...string[]]);

export const EmailFilterInput = z.object({
  status: optional(EmailStatusEnum),
  template: optional(EmailTemplateEnum),
  licenseId: optional(z.string().max(64)),
  /** The recipient, exact match, case-insensitive. */
  to: optional(z.string().max(254)),
});
export type EmailFilter = z.output<typeof EmailFilterInput>;

export const ListEmailsQuery = PaginationQuery.extend(EmailFilterInput.shape);
