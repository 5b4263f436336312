// Activation type and the license-key paths: validate, activate, deactivate (public: the key is the
// credential) and deleteActivation (portal). Resolvers translate; activations.service decides.
import { builder } from '../graphql/builder';
import { callerInfo, newestFirst, nodeWhere, tenant, tenantWhere } from '../graphql/context';
import { ActivationLimitError, LicenseStateError, NotFoundError } from '../graphql/errors';
import { parseInput } from '../graphql/validation';
import { requireLicenseKey } from '../http/input';
import {
  activateLicense,
  type ActivateResult,
  deactivateLicense,
  deleteActivation,
  validateLicense,
  type ValidationResult,
} from './activations.service';
import type { LicenseWithCustomer } from './licenses.service';
import { ActivateBody, DeactivateBody, ValidateBody } from './licenses.schemas';
import { License } from './licenses.graphql';
import { VALIDATION_CODES } from './validation';

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

export const ValidationCodeEnum = builder.enumType('ValidationCode', {
  description:
    'Checks run in a fixed order and the first failing one decides the code: NOT_FOUND, REVOKED, SUSPENDED, ' +
    'EXPIRED, PRODUCT_MISMATCH, DOMAIN_MISMATCH, NOT_ACTIVATED (only with machineId), LEASE_EXPIRED.',
  values: VALIDATION_CODES,
});

export const LicenseValidation = builder.objectRef<ValidationResult>('LicenseValidation').implement({
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    code: t.expose('code', { type: ValidationCodeEnum }),
    validatedAt: t.expose('validatedAt', { type: 'DateTime' }),
    license: t.field({
      type: License,
      nullable: true,
      description: "Null when the key is unknown (or outside the calling API key's environment).",
      resolve: (r) => r.license,
    }),
  }),
});

export const ActivateLicenseSuccess = builder.objectRef<ActivateResult>('ActivateLicenseSuccess').implement({
  fields: (t) => ({
    created: t.exposeBoolean('created', { description: 'False when this device was already activated.' }),
    activation: t.field({ type: Activation, resolve: (r) => r.activation }),
    license: t.field({ type: License, resolve: (r) => r.license }),
  }),
});

type Deactivated = { activation: ActivateResult['activation']; license: LicenseWithCustomer };
const deactivationPayload = (name: string) =>
  builder.objectRef<Deactivated>(name).implement({
    fields: (t) => ({
      activation: t.field({
        type: Activation,
        description: 'The removed activation (it no longer exists).',
        resolve: (r) => r.activation,
      }),
      license: t.field({ type: License, resolve: (r) => r.license }),
    }),
  });
export const DeactivateLicenseSuccess = deactivationPayload('DeactivateLicenseSuccess');
export const DeleteActivationSuccess = deactivationPayload('DeleteActivationSuccess');

const ValidateLicenseInput = builder.inputType('ValidateLicenseInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    productId: t.id({ description: 'PRODUCT_MISMATCH when the license belongs to another product.' }),
    machineId: t.string({ description: 'NOT_ACTIVATED unless this device is activated.' }),
    domain: t.string({ description: "DOMAIN_MISMATCH unless allowed by the license's domains." }),
  }),
});

const ActivateLicenseInput = builder.inputType('ActivateLicenseInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    machineId: t.string({ required: true }),
    label: t.string(),
    platform: t.string(),
  }),
});

const DeactivateLicenseInput = builder.inputType('DeactivateLicenseInput', {
  fields: (t) => ({ key: t.string({ required: true }), machineId: t.string({ required: true }) }),
});

builder.queryField('activations', (t) =>
  t.prismaConnection({
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
  }),
);

builder.mutationFields((t) => ({
  validateLicense: t.field({
    type: LicenseValidation,
    description:
      'Validates a license key. A failed check is a result (`valid: false` and its `code`), not an error.',
    authScopes: { public: true },
    args: { input: t.arg({ type: ValidateLicenseInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const body = parseInput(ValidateBody, {
        key: input.key,
        product_id: input.productId ?? undefined,
        machine_id: input.machineId ?? undefined,
        domain: input.domain ?? undefined,
      });
      return validateLicense(ctx.deps, callerInfo(ctx), requireLicenseKey(body), {
        productId: body.product_id,
        machineId: body.machine_id,
        domain: body.domain,
      });
    },
  }),
  activateLicense: t.field({
    type: ActivateLicenseSuccess,
    description: 'Activates a device; idempotent per machineId.',
    authScopes: { public: true },
    args: { input: t.arg({ type: ActivateLicenseInput, required: true }) },
    errors: { types: [NotFoundError, ActivationLimitError, LicenseStateError], directResult: true },
    resolve: (_root, { input }, ctx) => {
      const body = parseInput(ActivateBody, {
        key: input.key,
        machine_id: input.machineId,
        label: input.label ?? undefined,
        platform: input.platform ?? undefined,
      });
      return activateLicense(ctx.deps, callerInfo(ctx), {
        key: requireLicenseKey(body),
        machineId: body.machine_id,
        label: body.label,
        platform: body.platform,
      });
    },
  }),
  deactivateLicense: t.field({
    type: DeactivateLicenseSuccess,
    description: 'Deactivates a device and frees its seat.',
    authScopes: { public: true },
    args: { input: t.arg({ type: DeactivateLicenseInput, required: true }) },
    errors: { types: [NotFoundError], directResult: true },
    resolve: (_root, { input }, ctx) => {
      const body = parseInput(DeactivateBody, { key: input.key, machine_id: input.machineId });
      return deactivateLicense(ctx.deps, callerInfo(ctx), {
        key: requireLicenseKey(body),
        machineId: body.machine_id,
      });
    },
  }),
  deleteActivation: t.field({
    type: DeleteActivationSuccess,
    description: 'Removes an activation and frees its seat.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], directResult: true },
    resolve: (_root, { id }, ctx) => deleteActivation(ctx.deps, tenant(ctx), id),
  }),
}));
