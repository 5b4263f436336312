import type { Deps } from '../deps';
import { defineRoutes, listRoute } from '../rest/route';
import { ListAuditQuery } from './audit.schemas';
import { listAudit } from './audit.service';
import { auditJson } from './audit.views';

export function auditRoutes(deps: Deps) {
  return defineRoutes([
    // Read-only: no route edits or deletes an entry (and the database refuses to).
    listRoute({
      path: '/api/v1/audit-log',
      access: 'portal',
      tag: 'Audit log',
      summary:
        'List audit entries, newest first (filters: actor, actor_type, target, target_type, action, from, to)',
      query: ListAuditQuery,
      list: ({ caller, query }, w) => listAudit(deps, caller.tenant, query, w),
      json: auditJson,
    }),
  ]);
}
