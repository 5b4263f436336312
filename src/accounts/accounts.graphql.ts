// The viewer (who is calling) and their account.
import { AccountStatus, type Environment, Plan } from '../../prisma/generated/client/enums';
import type { Principal } from '../lib/principal';
import { builder } from '../graphql/builder';
import { EnvironmentEnum } from '../graphql/environment';

export const PlanEnum = builder.enumType(Plan, { name: 'Plan' });
export const AccountStatusEnum = builder.enumType(AccountStatus, { name: 'AccountStatus' });

export const Account = builder.prismaObject('Account', {
  description: 'One software vendor. Its data is split into a live and a test environment.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    plan: t.expose('plan', { type: PlanEnum }),
    status: t.expose('status', { type: AccountStatusEnum }),
    displayName: t.exposeString('displayName', { nullable: true }),
    logoUrl: t.exposeString('logoUrl', { nullable: true }),
    primaryColor: t.exposeString('primaryColor', { nullable: true }),
    supportEmail: t.exposeString('supportEmail', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

type Viewer = Principal & { accountId: string; environment: Environment };

export const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The caller: an API key or an account user, in one environment.',
  fields: (t) => ({
    kind: t.string({ description: '`api_key` or `user`.', resolve: (v) => v.kind }),
    environment: t.expose('environment', { type: EnvironmentEnum }),
    scopes: t.exposeStringList('scopes'),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true }),
    account: t.prismaField({
      type: Account,
      resolve: (query, v, _args, ctx) =>
        ctx.deps.prisma.account.findUniqueOrThrow({ ...query, where: { id: v.accountId } }),
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    nullable: true,
    description: 'Who is calling; null without a credential.',
    // No authScopes: anyone may ask who they are (src/graphql/builder.ts).
    resolve: (_root, _args, ctx) => {
      const p = ctx.principal;
      return p.accountId && p.environment
        ? { ...p, accountId: p.accountId, environment: p.environment }
        : null;
    },
  }),
);
