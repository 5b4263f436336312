// The audit log in GraphQL: `auditLog(filter)`, newest first, read-only like REST.
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { type GraphQLContext, nodeWhere, tenant } from '../graphql/context';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { ACTOR_TYPES, AuditFilterInput } from './audit.schemas';
import { auditWhere } from './audit.service';

export const AuditActorType = builder.enumType('AuditActorType', {
  values: Object.fromEntries(ACTOR_TYPES.map((t) => [t.toUpperCase(), { value: t }])) as Record<
    string,
    { value: (typeof ACTOR_TYPES)[number] }
  >,
});

const AuditActor = builder
  .objectRef<{ type: string; id: string | null; label: string | null }>('AuditActor')
  .implement({
    fields: (t) => ({
      type: t.field({ type: AuditActorType, resolve: (a) => a.type as (typeof ACTOR_TYPES)[number] }),
      id: t.exposeString('id', { nullable: true }),
      label: t.exposeString('label', { nullable: true }),
    }),
  });

export const AuditEntry = builder.prismaNode('AuditEntry', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    actor: t.field({
      type: AuditActor,
      resolve: (e) => ({ type: e.actorType, id: e.actorId, label: e.actorLabel }),
    }),
    action: t.exposeString('action'),
    targetType: t.exposeString('targetType'),
    targetId: t.exposeString('targetId', { nullable: true }),
    changes: t.expose('changes', {
      type: 'JSON',
      description: '`{field: [before, after]}` for each changed field; secrets redacted.',
    }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const AuditFilter = builder.inputType('AuditFilter', {
  fields: (t) => ({
    actor: t.string({ description: "The actor's id (`key_…`, `usr_…`, `cus_…`, `stripe`)." }),
    actorType: t.field({ type: AuditActorType }),
    target: t.string({ description: "The target's id (`lic_…`)." }),
    targetType: t.string(),
    action: t.string({ description: 'Such as `license.updated`.' }),
    from: t.field({ type: 'DateTime', description: 'Entries at or after this time.' }),
    to: t.field({ type: 'DateTime', description: 'Entries before this time.' }),
  }),
});

const whereOf = (ctx: GraphQLContext, filter: unknown) =>
  auditWhere(tenant(ctx), parseInput(AuditFilterInput, filter));

export const AuditEntryConnection = nodeConnection(AuditEntry, 'AuditEntry');

builder.queryField('auditLog', (t) =>
  t.prismaConnection(
    {
      type: AuditEntry,
      cursor: 'id',
      description: 'The audit log, newest first: who changed what, from where. Read-only.',
      authScopes: { portal: 'read' },
      args: { filter: t.arg({ type: AuditFilter }) },
      resolve: (query, _root, { filter }, ctx) =>
        ctx.deps.prisma.auditEntry.findMany({
          ...query,
          where: whereOf(ctx, filter),
          orderBy: newestFirst(),
        }),
      totalCount: (_root, { filter }, ctx) =>
        ctx.deps.prisma.auditEntry.count({ where: whereOf(ctx, filter) }),
    },
    AuditEntryConnection,
  ),
);
