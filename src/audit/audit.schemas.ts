// The audit log's filter, shared by REST (`GET /api/v1/audit-log`) and GraphQL (`auditLog(filter)`).
import { z } from 'zod';
import { PaginationQuery } from '../lib/pagination';
import { dateInput, optional } from '../lib/schema';

export const ACTOR_TYPES = ['api_key', 'user', 'customer', 'integration', 'system'] as const;

const name = z.string().min(1).max(64);

export const AuditFilterInput = z.object({
  /** The actor's id: `key_…`, `usr_…`, `cus_…`, or an integration's name (`stripe`). */
  actor: optional(name),
  actorType: optional(z.enum(ACTOR_TYPES)),
  /** The target's id (`lic_…`). */
  target: optional(name),
  targetType: optional(name),
  /** An action, such as `license.updated`. */
  action: optional(z.string().min(1).max(100)),
  /** Entries at or after this time. */
  from: optional(dateInput),
  /** Entries before this time. */
  to: optional(dateInput),
});
export type AuditFilter = z.infer<typeof AuditFilterInput>;

export const ListAuditQuery = PaginationQuery.extend(AuditFilterInput.shape);
