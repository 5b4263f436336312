// The email outbox over GraphQL, through email.service as REST does.
import { EmailStatus } from '../../prisma/generated/client/enums';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, type GraphQLContext, nodeWhere, tenant, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { newestFirst } from '../lib/pagination';
import { EmailFilterInput } from './email.schemas';
import { emailWhere, resendEmail } from './email.service';
import { EMAIL_TEMPLATES, type EmailTemplate } from './templates';

export const EmailStatusEnum = builder.enumType(EmailStatus, {
  name: 'EmailStatus',
  description: 'unsent: waiting for an SMTP server (SMTP_URL); queued: waiting for its next attempt.',
});

export const EmailTemplateEnum = builder.enumType('EmailTemplate', {
  values: Object.fromEntries(EMAIL_TEMPLATES.map((t) => [t.toUpperCase(), { value: t }])) as Record<
    string,
    { value: EmailTemplate }
  >,
});

export const EmailMessage = builder.prismaNode('EmailMessage', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  description: 'One email of the outbox, with the outcome of its last attempt.',
  fields: (t) => ({
    to: t.exposeString('to'),
    subject: t.exposeString('subject'),
    template: t.field({ type: EmailTemplateEnum, resolve: (e) => e.template as EmailTemplate }),
    status: t.expose('status', { type: EmailStatusEnum }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made in the current retry schedule.' }),
    lastError: t.exposeString('lastError', { nullable: true }),
    text: t.exposeString('text', { description: 'The text part (a sign-in link shows a placeholder).' }),
    html: t.exposeString('html', { description: 'The HTML part (a sign-in link shows a placeholder).' }),
    licenseId: t.exposeID('licenseId', { nullable: true }),
    customerId: t.exposeID('customerId', { nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due; null unless queued.',
      resolve: (e) => (e.status === 'queued' ? e.nextAttemptAt : null),
    }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const EmailFilter = builder.inputType('EmailFilter', {
  fields: (t) => ({
    status: t.field({ type: EmailStatusEnum }),
    template: t.field({ type: EmailTemplateEnum }),
    licenseId: t.id(),
    to: t.string({ description: 'The recipient, exact match, case-insensitive.' }),
  }),
});

const whereOf = (ctx: GraphQLContext, filter: unknown) =>
  emailWhere(tenant(ctx), parseInput(EmailFilterInput, filter));

export const EmailMessageConnection = nodeConnection(EmailMessage, 'EmailMessage');

builder.queryFields((t) => ({
  emails: t.prismaConnection(
    {
      type: EmailMessage,
      cursor: 'id',
      description: 'The email outbox, newest first.',
      authScopes: { portal: 'read' },
      args: { filter: t.arg({ type: EmailFilter }) },
      resolve: (query, _root, { filter }, ctx) =>
        ctx.deps.prisma.emailMessage.findMany({
          ...query,
          where: whereOf(ctx, filter),
          orderBy: newestFirst(),
        }),
      totalCount: (_root, { filter }, ctx) =>
        ctx.deps.prisma.emailMessage.count({ where: whereOf(ctx, filter) }),
    },
    EmailMessageConnection,
  ),
  email: t.prismaField({
    type: EmailMessage,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.emailMessage.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
}));

builder.mutationField('resendEmail', (t) =>
  t.field({
    type: EmailMessage,
    description: 'Sends an email again now: the same message, a fresh retry schedule.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'email' } },
    resolve: (_root, { id }, ctx) => resendEmail(ctx.deps, caller(ctx), id),
  }),
);
