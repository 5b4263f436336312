// Errors the SDK throws. Every one is a TrafficOrchestratorError with a stable `code`, so an app can
// branch on `err.code` alone; the subclasses say where the failure happened.

/** Codes the REST API answers with (`{error, code, help}`); other strings may appear in newer servers. */
export type ApiErrorCode =
  | 'MISSING_FIELDS'
  | 'VALIDATION_ERROR'
  | 'AUTH_REQUIRED'
  | 'INVALID_API_KEY'
  | 'INVALID_TOKEN'
  | 'FORBIDDEN'
  | 'DOMAIN_MISMATCH'
  | 'REVOKED'
  | 'ENTITLEMENT_INHERITED'
  | 'SUSPENDED'
  | 'EXPIRED'
  | 'NOT_FOUND'
  | 'NOT_ACTIVATED'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'ACTIVATION_LIMIT_REACHED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'USAGE_LIMIT_EXCEEDED'
  | 'UNKNOWN_TIER'
  | 'LEASE_EXPIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

/** Codes for failures that never reached the API or happened on this side. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE' | OfflineTokenErrorCode;

export type OfflineTokenErrorCode =
  /** No JWKS has been fetched yet (call validate/activate/heartbeat or refreshJwks while online). */
  | 'NO_JWKS'
  /** The token's `kid` is not in the cached JWKS. */
  | 'UNKNOWN_KEY'
  /** The signature does not verify (the token was changed, or signed by someone else). */
  | 'INVALID_SIGNATURE'
  /** Past the token's `exp` (its graceUntil). */
  | 'TOKEN_EXPIRED'
  /** `iat` lies in the future by the clock in use. */
  | 'TOKEN_NOT_YET_VALID'
  /** Issued for another product (`aud`). */
  | 'PRODUCT_MISMATCH'
  /** Issued for another license key (`kfp`) or machine (`mid`), or by another issuer. */
  | 'CLAIM_MISMATCH'
  /** Not a compact JWS with the expected header and claims. */
  | 'MALFORMED_TOKEN';

/** `string & {}` keeps autocompletion for the known codes while accepting codes added later. */
export type ErrorCode = ApiErrorCode | ClientErrorCode | (string & {});

export class TrafficOrchestratorError extends Error {
  /** HTTP status of the answer; 0 when there was no answer (network, offline verification). */
  readonly status: number;
  readonly code: ErrorCode;
  /** The API's `help` link, when it sent one. */
  readonly help: string | undefined;
  /** The server's `X-Request-Id`, to quote in a support request. */
  readonly requestId: string | undefined;
  /** The parsed response body, when there was one. */
  readonly body: unknown;

  constructor(
    message: string,
    init: {
      status: number;
      code: ErrorCode;
      help?: string;
      requestId?: string;
      body?: unknown;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TrafficOrchestratorError';
    this.status = init.status;
    this.code = init.code;
    this.help = init.help;
    this.requestId = init.requestId;
    this.body = init.body;
  }
}

/** The server could not be reached (or did not answer in time): fall back to `verifyOffline`. */
export class NetworkError extends TrafficOrchestratorError {
  constructor(message: string, code: 'NETWORK_ERROR' | 'TIMEOUT', cause?: unknown) {
    super(message, { status: 0, code, cause });
    this.name = 'NetworkError';
  }
}

/** An offline token was refused by `verifyOffline`. */
export class OfflineTokenError extends TrafficOrchestratorError {
  declare readonly code: OfflineTokenErrorCode;
  constructor(message: string, code: OfflineTokenErrorCode, cause?: unknown) {
    super(message, { status: 0, code, cause });
    this.name = 'OfflineTokenError';
  }
}
