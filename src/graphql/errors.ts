// Every way a failure reaches a GraphQL client, in one place.
// - Domain failures are typed results. Services throw AppError with a stable code; ERROR_TYPES says
//   which result type each code is. A field lists the types it can return (`errors: { types: […] }`,
//   plugin-errors), and the `domainErrors` plugin below turns the AppError a resolver throws into an
//   instance of its type, so plugin-errors' `instanceof` check picks the right union member.
// - Everything else (auth, input, rate limits, codes no type stands for) is a GraphQLError with the
//   same `extensions.code` as REST: toGraphQLError, used by the error masking in yoga.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { AppError, type ErrorCode } from '../lib/errors';
import { GraphQLError, type GraphQLResolveInfo } from './graphql-js';

export class NotFoundError extends AppError {}
export class ConflictError extends AppError {}
export class ValidationError extends AppError {}
export class ActivationLimitError extends AppError {}
export class LicenseStateError extends AppError {}
export class ActivationStateError extends AppError {}
export class UrlNotAllowedError extends AppError {}
export class UsageLimitError extends AppError {}
export class EntitlementInheritedError extends AppError {}
export class UnknownTierError extends AppError {}

type ResultClass = new (code: ErrorCode, message: string, details?: Record<string, unknown>) => AppError;

/** The GraphQL result type of each domain error code. Codes not listed are GraphQLErrors. */
export const ERROR_TYPES: Partial<Record<ErrorCode, ResultClass>> = {
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  VALIDATION_ERROR: ValidationError,
  MISSING_FIELDS: ValidationError,
  ACTIVATION_LIMIT_REACHED: ActivationLimitError,
  REVOKED: LicenseStateError,
  SUSPENDED: LicenseStateError,
  EXPIRED: LicenseStateError,
  NOT_ACTIVATED: ActivationStateError,
  LEASE_EXPIRED: ActivationStateError,
  URL_NOT_ALLOWED: UrlNotAllowedError,
  USAGE_LIMIT_EXCEEDED: UsageLimitError,
  ENTITLEMENT_INHERITED: EntitlementInheritedError,
  UNKNOWN_TIER: UnknownTierError,
};

/** The result types as they appear in the schema (registered by ./error-results.ts). */
export const RESULT_TYPES: [ResultClass, string, string][] = [
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
  [UsageLimitError, 'UsageLimitError', "The uses would pass the license's maxUses (USAGE_LIMIT_EXCEEDED)."],
  [
    EntitlementInheritedError,
    'EntitlementInheritedError',
    "The entitlement comes from the license's product; detach it there (ENTITLEMENT_INHERITED).",
  ],
  [UnknownTierError, 'UnknownTierError', 'The product has no pricing tier of that name (UNKNOWN_TIER).'],
];

/** An AppError as an instance of its result type (or itself, when its code has none). */
export function asResult(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const { code, message, details } = err;
  const cls = ERROR_TYPES[code];
  return !cls || err instanceof cls ? err : new cls(code, message, details);
}

/** A GraphQLError with `extensions.code` (and the error's details, such as retryAfter). */
export function toGraphQLError(
  err: AppError,
  at: Pick<GraphQLError, 'nodes' | 'source' | 'positions' | 'path'> | object = {},
): GraphQLError {
  return new GraphQLError(err.message, { ...at, extensions: { code: err.code, ...err.details } });
}

export const inputError = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'VALIDATION_ERROR', ...extensions } });

export const forbidden = () =>
  new GraphQLError('This credential is not allowed to do this', { extensions: { code: 'FORBIDDEN' } });

/** A subscription whose client fell more than `max` events behind (src/events/subscriptions.ts): its
 * stream has ended, and the events after it were not kept. Not a domain code (no REST route can meet
 * it), so it is a GraphQLError only. */
export const subscriberTooSlow = (max: number) =>
  new GraphQLError(
    `The subscription ended: more than ${max} events were waiting for this client to read them. Subscribe again, and fetch what changed meanwhile.`,
    { extensions: { code: 'SUBSCRIBER_TOO_SLOW', maxQueued: max } },
  );

export const authRequired = () =>
  new GraphQLError('Authentication required', { extensions: { code: 'AUTH_REQUIRED' } });

type Resolver = (parent: unknown, args: object, ctx: object, info: GraphQLResolveInfo) => unknown;

/** Wraps the resolvers of fields that declare error types (and only those). Sits after plugin-errors
 * in the plugin list, so it runs inside it and hands it typed errors. */
export class DomainErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver, fieldConfig: PothosOutputFieldConfig<Types>): Resolver {
    if (!fieldConfig.extensions?.pothosErrors) return resolver;
    return async (parent, args, ctx, info) => {
      try {
        return await resolver(parent, args, ctx, info);
      } catch (err) {
        throw asResult(err);
      }
    };
  }
}

export const domainErrorsPlugin = 'domainErrors';
SchemaBuilder.registerPlugin(domainErrorsPlugin, DomainErrorsPlugin);

// Pothos types its plugins through this global namespace.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      domainErrors: DomainErrorsPlugin<Types>;
    }
  }
}
