// Stable error codes and their HTTP statuses, in one table. Domain code throws AppError; the REST
// edge renders `{error, code, help}` (src/http/router.ts) and GraphQL renders a typed union member
// or a GraphQLError with extensions.code (src/graphql/errors.ts holds the code → type map).
export const ERROR_STATUS = {
  MISSING_FIELDS: 400,
  VALIDATION_ERROR: 400,
  URL_NOT_ALLOWED: 400,
  INVALID_SIGNATURE: 400,
  AUTH_REQUIRED: 401,
  INVALID_API_KEY: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 403,
  FORBIDDEN: 403,
  DOMAIN_MISMATCH: 403,
  REVOKED: 403,
  ENTITLEMENT_INHERITED: 403,
  SUSPENDED: 403,
  EXPIRED: 403,
  NOT_FOUND: 404,
  NOT_ACTIVATED: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_API_VERSION: 400,
  CONFLICT: 409,
  ACTIVATION_LIMIT_REACHED: 409,
  LEASE_EXPIRED: 409,
  DEACTIVATION_LIMIT_REACHED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  USAGE_LIMIT_EXCEEDED: 422,
  UNKNOWN_TIER: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const HELP = '/docs#errors';

export class AppError extends Error {
  readonly status: number;
  /** Response headers that go with this error on REST (Retry-After, …). */
  headers?: Record<string, string>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields of the error body (REST) and extensions (GraphQL). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }

  /** The REST body: `{error, code, help}` plus the details. */
  body(): Record<string, unknown> {
    return { error: this.message, code: this.code, help: HELP, ...this.details };
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const validationError = (message: string, details?: Record<string, unknown>) =>
  new AppError('VALIDATION_ERROR', message, details);
