// Domain failures as typed GraphQL results (plugin-errors). Services throw AppError with a stable
// code; each class below *matches* AppErrors by code through Symbol.hasInstance, so the errors
// plugin's `instanceof` check picks the right union member without wrapping every resolver.
// AppErrors no member matches (FORBIDDEN, …) become GraphQLErrors with extensions.code in yoga.ts.
import { AppError, type ErrorCode } from '../lib/errors';
import { builder } from './builder';

const matches = (value: unknown, codes: readonly ErrorCode[]) =>
  value instanceof AppError && codes.includes(value.code);

export class NotFoundError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['NOT_FOUND']);
  }
}

export class ConflictError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['CONFLICT']);
  }
}

export class ValidationError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['VALIDATION_ERROR', 'MISSING_FIELDS']);
  }
}

export class ActivationLimitError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['ACTIVATION_LIMIT_REACHED']);
  }
}

export class LicenseStateError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['REVOKED', 'SUSPENDED', 'EXPIRED']);
  }
}

export class ActivationStateError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['NOT_ACTIVATED', 'LEASE_EXPIRED']);
  }
}

export class UrlNotAllowedError extends AppError {
  static override [Symbol.hasInstance](value: unknown) {
    return matches(value, ['URL_NOT_ALLOWED']);
  }
}

export const DomainErrorRef = builder.interfaceRef<AppError>('DomainError').implement({
  description: 'A domain failure. `code` is the same stable code the REST API returns.',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
  }),
});

const errorTypes = [
  [NotFoundError, 'NotFoundError', 'The object does not exist in this account and environment (NOT_FOUND).'],
  [ConflictError, 'ConflictError', 'The change conflicts with the current state (CONFLICT).'],
  [ValidationError, 'ValidationError', 'The input is well-formed but not acceptable (VALIDATION_ERROR).'],
  [
    ActivationLimitError,
    'ActivationLimitError',
    'No seat is left on the license (ACTIVATION_LIMIT_REACHED).',
  ],
  [LicenseStateError, 'LicenseStateError', 'The license is REVOKED, SUSPENDED or EXPIRED.'],
  [ActivationStateError, 'ActivationStateError', 'The device holds no seat: NOT_ACTIVATED or LEASE_EXPIRED.'],
  [
    UrlNotAllowedError,
    'UrlNotAllowedError',
    'The webhook URL is not http(s), or resolves to a private, loopback or reserved address (URL_NOT_ALLOWED).',
  ],
] as const;

for (const [cls, name, description] of errorTypes) {
  builder.objectType(cls, { name, description, interfaces: [DomainErrorRef], fields: () => ({}) });
}
