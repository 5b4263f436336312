// Stable error codes and their HTTP statuses, in one table. Domain code throws AppError; the REST
// edge renders `{error, code, help}` and GraphQL renders typed union members or extensions.code.
export const ERROR_STATUS = {
  MISSING_FIELDS: 400,
  VALIDATION_ERROR: 400,
  URL_NOT_ALLOWED: 400,
  AUTH_REQUIRED: 401,
  INVALID_API_KEY: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 403,
  FORBIDDEN: 403,
  DOMAIN_MISMATCH: 403,
  REVOKED: 403,
  SUSPENDED: 403,
  EXPIRED: 403,
  NOT_FOUND: 404,
  NOT_ACTIVATED: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_API_VERSION: 400,
  CONFLICT: 409,
  ACTIVATION_LIMIT_REACHED: 409,
  LEASE_EXPIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const validationError = (message: string, details?: unknown) =>
  new AppError('VALIDATION_ERROR', message, details);
