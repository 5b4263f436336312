// The JSON view of an audit entry (REST), in the shape PRODUCT.md §16 gives.
import type { AuditEntry } from '../../prisma/generated/client/client';

export function auditJson(e: AuditEntry) {
  return {
    id: e.id,
    actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    changes: e.changes,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    environment: e.environment,
    createdAt: e.createdAt.toISOString(),
  };
}
