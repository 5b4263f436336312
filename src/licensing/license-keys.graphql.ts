// The public license-key paths: validate, activate, deactivate, heartbeat. The key is the
// credential; an API key, when sent, restricts the lookup to its environment (keyCaller). The
// services decide, and guard against key enumeration, as they do for REST.
import { builder } from '../graphql/builder';
import { keyCaller } from '../graphql/context';
import {
  ActivationLimitError,
  ActivationStateError,
  LicenseStateError,
  NotFoundError,
} from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { Activation, deactivationPayload } from './activations.graphql';
import { activateLicense, type ActivateResult, deactivateLicense } from './activations.service';
import { heartbeat } from './leases.service';
import { ActivateInput, DeviceInput, ValidateInput } from './license-keys.schemas';
import { License } from './licenses.graphql';
import type { OfflineToken } from './offline-token';
import { validateLicense, type ValidationResult } from './validate.service';
import { VALIDATION_CODES } from './validation';

export const ValidationCodeEnum = builder.enumType('ValidationCode', {
  description:
    'Checks run in a fixed order and the first failing one decides the code: NOT_FOUND, REVOKED, SUSPENDED, ' +
    'EXPIRED, PRODUCT_MISMATCH, DOMAIN_MISMATCH, NOT_ACTIVATED (only with machineId), LEASE_EXPIRED, and last ' +
    'USAGE_LIMIT_EXCEEDED (only with consume: the uses would pass maxUses; nothing is added).',
  values: VALIDATION_CODES,
});

export const OfflineTokenRef = builder.objectRef<OfflineToken>('OfflineToken').implement({
  description: 'A compact JWS (EdDSA) to keep working offline; verify it against the JWKS.',
  fields: (t) => ({
    token: t.exposeString('token'),
    graceUntil: t.field({ type: 'DateTime', resolve: (o) => new Date(o.graceUntil) }),
  }),
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
    offline: t.field({
      type: OfflineTokenRef,
      nullable: true,
      description: 'Set when valid.',
      resolve: (r) => r.offline,
    }),
  }),
});

export const ActivateLicenseSuccess = builder.objectRef<ActivateResult>('ActivateLicenseSuccess').implement({
  fields: (t) => ({
    created: t.exposeBoolean('created', { description: 'False when this device was already activated.' }),
    activation: t.field({ type: Activation, resolve: (r) => r.activation }),
    license: t.field({ type: License, resolve: (r) => r.license }),
    offline: t.field({ type: OfflineTokenRef, resolve: (r) => r.offline }),
  }),
});

export const DeactivateLicenseSuccess = deactivationPayload('DeactivateLicenseSuccess');

type Heartbeat = Awaited<ReturnType<typeof heartbeat>>;
export const HeartbeatLicenseSuccess = builder.objectRef<Heartbeat>('HeartbeatLicenseSuccess').implement({
  fields: (t) => ({
    activationId: t.id({ resolve: (r) => r.activation.id }),
    leaseExpiresAt: t.expose('leaseExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The renewed lease (floating licenses); null for node-locked ones.',
    }),
    offline: t.field({ type: OfflineTokenRef, resolve: (r) => r.offline }),
  }),
});

const ValidateLicenseInput = builder.inputType('ValidateLicenseInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    productId: t.id({ description: 'PRODUCT_MISMATCH when the license belongs to another product.' }),
    machineId: t.string({ description: 'NOT_ACTIVATED unless this device is activated.' }),
    domain: t.string({ description: "DOMAIN_MISMATCH unless allowed by the license's domains." }),
    consume: t.int({
      description:
        'Uses to add atomically when every other check passes; USAGE_LIMIT_EXCEEDED when they do not fit.',
    }),
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

const DeviceInputRef = builder.inputType('LicenseDeviceInput', {
  description: 'A license key and one device on it.',
  fields: (t) => ({ key: t.string({ required: true }), machineId: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  validateLicense: t.field({
    type: LicenseValidation,
    description:
      'Validates a license key. A failed check is a result (`valid: false` and its `code`), not an error.',
    // No authScopes: open to anyone holding a key, like every key mutation (src/graphql/builder.ts).
    args: { input: t.arg({ type: ValidateLicenseInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      validateLicense(ctx.deps, keyCaller(ctx), parseInput(ValidateInput, input)),
  }),
  activateLicense: t.field({
    type: ActivateLicenseSuccess,
    description: 'Activates a device; idempotent per machineId.',
    args: { input: t.arg({ type: ActivateLicenseInput, required: true }) },
    errors: { types: [NotFoundError, ActivationLimitError, LicenseStateError], directResult: true },
    resolve: (_root, { input }, ctx) =>
      activateLicense(ctx.deps, keyCaller(ctx), parseInput(ActivateInput, input)),
  }),
  deactivateLicense: t.field({
    type: DeactivateLicenseSuccess,
    description: 'Deactivates a device and frees its seat.',
    args: { input: t.arg({ type: DeviceInputRef, required: true }) },
    errors: { types: [NotFoundError], directResult: true },
    resolve: (_root, { input }, ctx) =>
      deactivateLicense(ctx.deps, keyCaller(ctx), parseInput(DeviceInput, input)),
  }),
  heartbeatLicense: t.field({
    type: HeartbeatLicenseSuccess,
    description: "Renews a floating seat's lease and refreshes the offline token.",
    args: { input: t.arg({ type: DeviceInputRef, required: true }) },
    errors: { types: [NotFoundError, LicenseStateError, ActivationStateError], directResult: true },
    resolve: (_root, { input }, ctx) => heartbeat(ctx.deps, keyCaller(ctx), parseInput(DeviceInput, input)),
  }),
}));
