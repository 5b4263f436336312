// The operator's fields (admin scope: an admin API key): every account, creation, plan and status.
// They call admin.service, as the REST /api/v1/admin routes do, with the same input shapes.
import type { Account as AccountRow } from '../../prisma/generated/client/client';
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { nodeConnection } from '../graphql/connections';
import { ConflictError, NotFoundError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { oldestFirst } from '../lib/pagination';
import { Account, AccountStatusEnum, PlanEnum } from './accounts.graphql';
import { AccountFilterInput, CreateAccountInput, UpdateAccountInput } from './accounts.schemas';
import type { NewAccount } from './accounts.service';
import { accountsWhere, openAccount, setAccountStatus, updateAccount } from './admin.service';

const AccountOwner = builder.objectRef<NewAccount['owner']>('AccountOwner').implement({
  description: 'The owner user created with an account.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    password: t.string({
      nullable: true,
      description: 'The generated password, shown once; null when one was given.',
      resolve: (o) => (o.generatedPassword ? o.password : null),
    }),
  }),
});

const CreateAccountSuccess = builder.objectRef<NewAccount>('CreateAccountSuccess').implement({
  fields: (t) => ({
    account: t.field({ type: Account, resolve: (a) => a.account }),
    owner: t.field({ type: AccountOwner, resolve: (a) => a.owner }),
    liveKey: t.exposeString('liveKey', { description: 'A live API key, shown here once.' }),
    testKey: t.exposeString('testKey', { description: 'A test API key, shown here once.' }),
  }),
});

const CreateAccountInputRef = builder.inputType('CreateAccountInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    plan: t.field({ type: PlanEnum, description: "Defaults to the deployment's TO_DEFAULT_PLAN." }),
    ownerEmail: t.string({ required: true }),
    ownerPassword: t.string({ description: 'Generated (and returned once) when not given.' }),
  }),
});

const UpdateAccountInputRef = builder.inputType('UpdateAccountInput', {
  fields: (t) => ({
    name: t.string(),
    plan: t.field({ type: PlanEnum }),
    status: t.field({ type: AccountStatusEnum }),
  }),
});

export const AccountConnection = nodeConnection(Account, 'Account');

builder.queryFields((t) => ({
  accounts: t.prismaConnection(
    {
      type: Account,
      cursor: 'id',
      description: 'Every account of the deployment, oldest first (admin scope).',
      authScopes: { admin: true },
      args: { status: t.arg({ type: AccountStatusEnum }) },
      resolve: (query, _root, { status }, ctx) =>
        ctx.deps.prisma.account.findMany({
          ...query,
          where: accountsWhere(parseInput(AccountFilterInput, { status })),
          orderBy: oldestFirst(),
        }),
      totalCount: (_root, { status }, ctx) =>
        ctx.deps.prisma.account.count({ where: accountsWhere(parseInput(AccountFilterInput, { status })) }),
    },
    AccountConnection,
  ),
  account: t.prismaField({
    type: Account,
    nullable: true,
    description: 'Any account by id (admin scope).',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.deps.prisma.account.findUnique({ ...query, where: { id } }),
  }),
}));

const statusChange = (name: string, status: AccountRow['status'], description: string) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: Account,
      description,
      authScopes: { admin: true },
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError], dataField: { name: 'account' } },
      resolve: (_root, { id }, ctx) => setAccountStatus(ctx.deps, caller(ctx), id, status),
    }),
  );

statusChange(
  'suspendAccount',
  'suspended',
  "Suspends an account: its keys and users' sessions stop working.",
);
statusChange('reinstateAccount', 'active', 'Reinstates a suspended account.');

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: CreateAccountSuccess,
    description: 'Creates an account with its owner and a live and a test key (admin scope).',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateAccountInputRef, required: true }) },
    errors: { types: [ConflictError], directResult: true },
    resolve: (_root, { input }, ctx) =>
      openAccount(ctx.deps, caller(ctx), parseInput(CreateAccountInput, input)),
  }),
  updateAccount: t.field({
    type: Account,
    description: "Changes an account's name, plan or status (admin scope).",
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAccountInputRef, required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'account' } },
    resolve: (_root, { id, input }, ctx) =>
      updateAccount(ctx.deps, caller(ctx), id, parseInput(UpdateAccountInput, input)),
  }),
}));
