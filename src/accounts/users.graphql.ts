// The account's users over GraphQL, as REST /api/v1/users: anyone in the account may list them;
// only owners (or API keys, which act as the owner) manage them (users.service → FORBIDDEN), and
// read-only users change nothing (`portal: 'write'`).
import type { User as UserRow } from '../../prisma/generated/client/client';
import { UserRole } from '../../prisma/generated/client/enums';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, tenant } from '../graphql/context';
import { ConflictError, NotFoundError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { oldestFirst } from '../lib/pagination';
import { CreateUserInput } from './accounts.schemas';
import { createUser, deleteUser, updateUserRole, usersWhere } from './users.service';

export const UserRoleEnum = builder.enumType(UserRole, { name: 'UserRole' });

export const User = builder.prismaObject('User', {
  description: 'A person who signs in to the account: owner, developer or readonly.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.expose('role', { type: UserRoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateUserSuccess = builder
  .objectRef<{ user: UserRow; generatedPassword?: string }>('CreateUserSuccess')
  .implement({
    fields: (t) => ({
      user: t.field({ type: User, resolve: (r) => r.user }),
      password: t.string({
        nullable: true,
        description: 'The generated password, shown once; null when one was given.',
        resolve: (r) => r.generatedPassword ?? null,
      }),
    }),
  });

const CreateUserInputRef = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ description: 'Generated (and returned once) when not given.' }),
    role: t.field({ type: UserRoleEnum, description: 'Defaults to developer.' }),
  }),
});

export const UserConnection = nodeConnection(User, 'User');

builder.queryField('users', (t) =>
  t.prismaConnection(
    {
      type: User,
      cursor: 'id',
      description: "The account's users (both environments), oldest first.",
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.user.findMany({
          ...query,
          where: usersWhere(tenant(ctx)),
          orderBy: oldestFirst(),
        }),
      totalCount: (_root, _args, ctx) => ctx.deps.prisma.user.count({ where: usersWhere(tenant(ctx)) }),
    },
    UserConnection,
  ),
);

builder.mutationFields((t) => ({
  createUser: t.field({
    type: CreateUserSuccess,
    description: 'Creates (invites) a user (owners only).',
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateUserInputRef, required: true }) },
    errors: { types: [ConflictError], directResult: true },
    resolve: (_root, { input }, ctx) => createUser(ctx.deps, caller(ctx), parseInput(CreateUserInput, input)),
  }),
  updateUserRole: t.field({
    type: User,
    description: "Changes a user's role (owners only); their sessions follow at once.",
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }), role: t.arg({ type: UserRoleEnum, required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'user' } },
    resolve: (_root, { id, role }, ctx) => updateUserRole(ctx.deps, caller(ctx), id, role),
  }),
  deleteUser: t.field({
    type: 'ID',
    description: 'Removes a user (owners only; not yourself: ConflictError).',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await deleteUser(ctx.deps, caller(ctx), id)).id,
  }),
}));
