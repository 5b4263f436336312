// The REST API's JSON, as the SDK returns it (camelCase, dates as ISO 8601 strings).

export type LicenseType = 'perpetual' | 'subscription' | 'trial' | 'floating';
export type LicenseStatus = 'active' | 'expired' | 'suspended' | 'revoked';
export type ValidationCode =
  | 'VALID'
  | 'NOT_FOUND'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'EXPIRED'
  | 'PRODUCT_MISMATCH'
  | 'DOMAIN_MISMATCH'
  | 'NOT_ACTIVATED'
  | 'LEASE_EXPIRED'
  | 'ENTITLEMENTS_MISSING'
  /** Only with `consume`: the uses would pass maxUses (nothing was added). */
  | 'USAGE_LIMIT_EXCEEDED';

export type UsesResetInterval = 'none' | 'day' | 'week' | 'month';

export interface License {
  id: string;
  key: string;
  productId: string;
  customerId: string | null;
  email: string | null;
  type: LicenseType;
  /** The effective status: a passed `expiresAt` reads as `expired`. */
  status: LicenseStatus;
  /** Devices currently activated. */
  activations: number;
  maxActivations: number;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastValidatedAt: string | null;
  metadata: Record<string, unknown>;
  allowedDomains: string[];
  plan: string | null;
  /** Uses in the current period; after `validate({consume})`, the exact count after adding. */
  uses: number;
  /** Null: unlimited. */
  maxUses: number | null;
  usesResetInterval: UsesResetInterval;
  /** Effective entitlement codes (the product's and the license's own), sorted. */
  entitlements: string[];
}

export interface Activation {
  id: string;
  licenseId: string;
  machineId: string;
  label: string | null;
  platform: string | null;
  /** Floating licenses only: when the seat is freed unless renewed by a heartbeat or validation. */
  leaseExpiresAt: string | null;
  lastHeartbeatAt: string | null;
  createdAt: string;
}

/** A signed offline token: a compact JWS usable until `graceUntil` (its `exp`). */
export interface OfflineToken {
  token: string;
  graceUntil: string;
}

export interface ValidateInput {
  licenseKey: string;
  /** PRODUCT_MISMATCH when the license belongs to another product. */
  productId?: string;
  /** NOT_ACTIVATED unless this device is activated; renews a floating seat's lease. */
  machineId?: string;
  /** DOMAIN_MISMATCH unless allowed by the license's domains. */
  domain?: string;
  /** Uses to add atomically when every other check passes; `valid: false` with USAGE_LIMIT_EXCEEDED
   * when they would pass maxUses (nothing added). Not retried by the SDK. */
  consume?: number;
  /** ENTITLEMENTS_MISSING unless the license has every one of these codes (any case). */
  entitlements?: string[];
}

/**
 * A completed validation, also when it failed (`valid: false` with its `code`). The server answers
 * an unknown key with HTTP 404 and a domain mismatch with 403; those two also carry the error
 * format's `error` (a message) and `help` (a link). The SDK returns them as results all the same.
 */
export interface ValidateResult {
  valid: boolean;
  /** Only for NOT_FOUND and DOMAIN_MISMATCH (HTTP 404 and 403). */
  error?: string;
  code: ValidationCode;
  /** Only for NOT_FOUND and DOMAIN_MISMATCH (HTTP 404 and 403). */
  help?: string;
  license: License | null;
  validatedAt: string;
  /** Present when `valid`. */
  offline?: OfflineToken;
}

export interface ActivateInput {
  licenseKey: string;
  machineId: string;
  label?: string;
  platform?: string;
}

export interface ActivateResult {
  activated: true;
  /** False when this device was already activated (HTTP 200 instead of 201). */
  created: boolean;
  activation: Activation;
  license: License;
  offline: OfflineToken;
}

export interface DeactivateInput {
  licenseKey: string;
  machineId: string;
}

export interface DeactivateResult {
  deactivated: true;
  /** The removed activation. */
  activation: Activation;
  license: License;
}

export type HeartbeatInput = DeactivateInput;

export interface HeartbeatResult {
  ok: true;
  activation: Activation;
  /** Null for licenses that are not floating. */
  leaseExpiresAt: string | null;
  offline: OfflineToken;
}

/** The claims of an offline token, as signed by the server. */
export interface OfflineClaims {
  /** Always `traffic-orchestrator`. */
  iss: string;
  /** License id. */
  sub: string;
  /** Product id. */
  aud: string;
  /** Key fingerprint: the first 16 hex characters of SHA-256(license key). */
  kfp: string;
  /** The machine id the token was issued to, when the call named one. */
  mid: string | null;
  /** License type. */
  typ: LicenseType;
  /** License status when the token was issued. */
  sts: LicenseStatus;
  /** License expiry (unix seconds), null for none. */
  lexp: number | null;
  /** Effective entitlement codes, sorted: check one offline with `hasEntitlement`. */
  ent: string[];
  iat: number;
  /** Unix seconds; the token is refused from this moment on (= graceUntil). */
  exp: number;
}

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown> & { kid?: string; kty: string }>;
}
