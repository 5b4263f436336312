// The audit log (PRODUCT.md §16): who changed what, from where, with the before and after of each
// field. A service writes an entry with `staged.audit(caller, action, {…})` inside its commit(), so
// the entry is in the same transaction as the change (src/db/commit.ts); nothing edits or deletes
// an entry (the database refuses UPDATE, DELETE and TRUNCATE on the table).
import type { AuditEntry, Prisma } from '../../prisma/generated/client/client';
import type { Tx } from '../events/events.service';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Actor, inTenant, type Principal, type RequestMeta, type Tenant } from '../lib/principal';
import { type Changes, diff, redactValue } from './changes';
import type { AuditFilter } from './audit.schemas';

export type { Actor };

/** Whoever made a change and from where: a `Caller` is one; so is a sign-in attempt or a
 * license-key request, which name their actor themselves. */
export interface AuditSource extends RequestMeta {
  tenant: Tenant;
  principal?: Principal;
  /** Overrides the actor the principal stands for (customer page, integrations, CLI). */
  actor?: Actor;
}

/** A source whose tenant is decided by the change itself (an operator's change to another
 * account: the entry goes in that account's log). */
export type AuditBy = Omit<AuditSource, 'tenant'>;

/** The server itself, with no request: bootstrap, the CLI, background jobs. */
export const systemSource = (label: string, id: string | null = null): AuditBy => ({
  ip: null,
  userAgent: null,
  requestId: null,
  actor: { type: 'system', id, label },
});

export interface AuditInput {
  /** The target's id (`lic_…`); null for a target without one. */
  id: string | null;
  /** Defaults to the action's first segment: `license.updated` → `license`. */
  targetType?: string;
  /** The row before the change (omit or null for a create). */
  before?: object | null;
  /** The row after the change (omit or null for a delete). */
  after?: object | null;
  /** Compare only these fields. */
  fields?: readonly string[];
  /** Changes stated directly (merged over the computed ones); values are redacted all the same. */
  changes?: Record<string, [unknown, unknown]>;
}

/** The actor a source stands for. */
export function actorOf(s: AuditSource): Actor {
  if (s.actor) return s.actor;
  const p = s.principal;
  if (p?.kind === 'api_key') return { type: 'api_key', id: p.apiKeyId ?? null, label: p.label ?? null };
  if (p?.kind === 'user') return { type: 'user', id: p.userId ?? null, label: p.label ?? null };
  return { type: 'system', id: null, label: p?.label ?? 'system' };
}

/** One entry's row, ready to insert. */
export function auditRow(
  s: AuditSource,
  action: string,
  input: AuditInput,
  now: Date,
): Prisma.AuditEntryCreateManyInput {
  const actor = actorOf(s);
  const computed: Changes =
    input.before !== undefined || input.after !== undefined
      ? diff(input.before, input.after, input.fields)
      : {};
  const stated = input.changes ? (redactValue(input.changes) as Record<string, [unknown, unknown]>) : {};
  return {
    id: newId('aud'),
    ...inTenant(s.tenant),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label?.slice(0, 200) ?? null,
    action,
    targetType: input.targetType ?? action.split('.')[0]!,
    targetId: input.id,
    changes: { ...computed, ...stated } as Prisma.InputJsonValue,
    ip: s.ip,
    userAgent: s.userAgent?.slice(0, 512) ?? null,
    requestId: s.requestId,
    createdAt: now,
  };
}

export async function recordAudit(tx: Tx, rows: Prisma.AuditEntryCreateManyInput[]): Promise<void> {
  if (rows.length > 0) await tx.auditEntry.createMany({ data: rows });
}

export function auditWhere(tenant: Tenant, f: AuditFilter = {}): Prisma.AuditEntryWhereInput {
  return {
    ...inTenant(tenant),
    ...(f.actorType ? { actorType: f.actorType } : {}),
    ...(f.actor ? { actorId: f.actor } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.target ? { targetId: f.target } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.from || f.to
      ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } }
      : {}),
  };
}

export const listAudit = (
  deps: Deps,
  tenant: Tenant,
  filter: AuditFilter,
  w: PageWindow,
): Promise<{ data: AuditEntry[]; total: number }> =>
  listPage(deps.prisma.auditEntry, auditWhere(tenant, filter), w);
