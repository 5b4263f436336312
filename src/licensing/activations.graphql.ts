// Activation type, a license's activations, and deleteActivation (portal). The public key paths
// (validate, activate, deactivate, heartbeat) are in license-keys.graphql.ts.
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, nodeWhere, tenantWhere } from '../graphql/context';
import { NotFoundError } from '../graphql/errors';
import { newestFirst } from '../lib/pagination';
import { deleteActivation, type DeactivateResult } from './activations.service';
import { License } from './licenses.graphql';

export const Activation = builder.prismaNode('Activation', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  description: 'One device on one license. For floating licenses it is a lease.',
  fields: (t) => ({
    machineId: t.exposeString('machineId', { description: 'The device fingerprint the client sent.' }),
    label: t.exposeString('label', { nullable: true }),
    platform: t.exposeString('platform', { nullable: true }),
    leaseExpiresAt: t.expose('leaseExpiresAt', { type: 'DateTime', nullable: true }),
    lastHeartbeatAt: t.expose('lastHeartbeatAt', { type: 'DateTime', nullable: true }),
    lastValidatedAt: t.expose('lastValidatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    licenseId: t.exposeID('licenseId'),
    license: t.relation('license'),
  }),
});

/** The result of freeing a seat: the removed activation (it no longer exists) and the license. */
export const deactivationPayload = (name: string) =>
  builder.objectRef<DeactivateResult>(name).implement({
    fields: (t) => ({
      activation: t.field({
        type: Activation,
        description: 'The removed activation (it no longer exists).',
        resolve: (r) => r.activation,
      }),
      license: t.field({ type: License, resolve: (r) => r.license }),
    }),
  });

export const DeleteActivationSuccess = deactivationPayload('DeleteActivationSuccess');

export const ActivationConnection = nodeConnection(Activation, 'Activation');

builder.queryField('activations', (t) =>
  t.prismaConnection(
    {
      type: Activation,
      cursor: 'id',
      authScopes: { portal: 'read' },
      args: { licenseId: t.arg.id({ required: true }) },
      resolve: (query, _root, { licenseId }, ctx) =>
        ctx.deps.prisma.activation.findMany({
          ...query,
          where: { licenseId, ...tenantWhere(ctx) },
          orderBy: newestFirst(),
        }),
      totalCount: (_root, { licenseId }, ctx) =>
        ctx.deps.prisma.activation.count({ where: { licenseId, ...tenantWhere(ctx) } }),
    },
    ActivationConnection,
  ),
);

builder.mutationField('deleteActivation', (t) =>
  t.field({
    type: DeleteActivationSuccess,
    description: 'Removes an activation and frees its seat.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], directResult: true },
    resolve: (_root, { id }, ctx) => deleteActivation(ctx.deps, caller(ctx), id),
  }),
);
