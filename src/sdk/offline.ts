// Offline verification of the server's signed tokens against a cached JWKS, with no network call.
import { type createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { OfflineTokenError, type OfflineTokenErrorCode } from './errors.js';
import { sha256Hex } from './sha256.js';
import type { JsonWebKeySet, OfflineClaims, OfflineToken } from './types.js';

export const ISSUER = 'traffic-orchestrator';

export interface VerifyOfflineOptions {
  /** Refuse tokens issued for another product (`aud`). Defaults to the client's `productId`. */
  productId?: string;
  /** Refuse tokens issued for another license key (checked through the `kfp` fingerprint). */
  licenseKey?: string;
  /** Refuse tokens issued to another machine (`mid`). */
  machineId?: string;
  /** How far `iat` may lie in the future by `clock` before the token is refused; default 300 s. */
  maxClockSkewSeconds?: number;
}

export const normalizeKey = (key: string) => key.trim().toUpperCase();
/** The server's key fingerprint (`kfp` claim): the first 16 hex characters of SHA-256(key). */
export const licenseKeyFingerprint = (licenseKey: string) => sha256Hex(normalizeKey(licenseKey)).slice(0, 16);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isOfflineToken(v: unknown): v is OfflineToken {
  return isObject(v) && typeof v.token === 'string' && typeof v.graceUntil === 'string';
}

export function isJwks(v: unknown): v is JsonWebKeySet {
  return (
    isObject(v) && Array.isArray(v.keys) && v.keys.every((k) => isObject(k) && typeof k.kty === 'string')
  );
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * Verifies an offline token against `keySet` at `now`. Accepted until its `exp` (= graceUntil);
 * refused (OfflineTokenError) after it, or when the signature, the key id, the product or the other
 * named claims do not match. Returns the claims.
 */
export async function verifyOfflineToken(
  token: string | OfflineToken,
  keySet: KeySet | null,
  now: Date,
  opts: VerifyOfflineOptions = {},
): Promise<OfflineClaims> {
  const jws = typeof token === 'string' ? token : token.token;
  if (typeof jws !== 'string' || jws.split('.').length !== 3) {
    throw new OfflineTokenError('Not a compact JWS', 'MALFORMED_TOKEN');
  }
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA')
      throw new OfflineTokenError(`Unexpected alg ${header.alg}`, 'MALFORMED_TOKEN');
  } catch (err) {
    if (err instanceof OfflineTokenError) throw err;
    throw new OfflineTokenError('The token header cannot be read', 'MALFORMED_TOKEN', err);
  }
  if (!keySet) {
    throw new OfflineTokenError('No JWKS cached yet: call the server once while online', 'NO_JWKS');
  }
  const productId = opts.productId;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jws, keySet, {
      issuer: ISSUER,
      algorithms: ['EdDSA'],
      currentDate: now,
      ...(productId !== undefined ? { audience: productId } : {}),
    }));
  } catch (err) {
    throw mapJoseError(err);
  }
  const claims = payload as unknown as OfflineClaims;
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.aud !== 'string' ||
    typeof claims.kfp !== 'string' ||
    typeof claims.exp !== 'number' ||
    typeof claims.iat !== 'number'
  ) {
    throw new OfflineTokenError('The token lacks the expected claims', 'MALFORMED_TOKEN');
  }
  const skew = opts.maxClockSkewSeconds ?? 300;
  if (claims.iat > now.getTime() / 1000 + skew) {
    throw new OfflineTokenError('The token was issued in the future by this clock', 'TOKEN_NOT_YET_VALID');
  }
  if (opts.licenseKey !== undefined && claims.kfp !== licenseKeyFingerprint(opts.licenseKey)) {
    throw new OfflineTokenError('The token was issued for another license key', 'CLAIM_MISMATCH');
  }
  if (opts.machineId !== undefined && claims.mid !== opts.machineId) {
    throw new OfflineTokenError('The token was issued to another machine', 'CLAIM_MISMATCH');
  }
  // Tokens from servers before entitlements carry no `ent`: none.
  if (!Array.isArray(claims.ent)) claims.ent = [];
  return claims;
}

/**
 * Whether verified claims (`verifyOffline`'s result) or a license (`validate`'s `license`) carry the
 * entitlement `code`. Codes compare without regard to case, as on the server. Pass only claims that
 * were verified: an unverified token's claims prove nothing.
 */
export function hasEntitlement(
  from: Pick<OfflineClaims, 'ent'> | { entitlements: string[] } | null | undefined,
  code: string,
): boolean {
  if (!from) return false;
  const codes = 'ent' in from ? from.ent : from.entitlements;
  const wanted = code.toLowerCase();
  return Array.isArray(codes) && codes.some((c) => typeof c === 'string' && c.toLowerCase() === wanted);
}

function mapJoseError(err: unknown): OfflineTokenError {
  const code = isObject(err) && typeof err.code === 'string' ? err.code : '';
  const claim = isObject(err) && typeof err.claim === 'string' ? err.claim : '';
  let mapped: OfflineTokenErrorCode;
  let message: string;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      [mapped, message] = ['TOKEN_EXPIRED', 'The offline token has expired (past its graceUntil)'];
      break;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      [mapped, message] = ['UNKNOWN_KEY', 'The token was signed with a key that is not in the cached JWKS'];
      break;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      [mapped, message] = ['INVALID_SIGNATURE', 'The token signature does not verify'];
      break;
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud')
        [mapped, message] = ['PRODUCT_MISMATCH', 'The token was issued for another product'];
      else if (claim === 'nbf' || claim === 'iat')
        [mapped, message] = ['TOKEN_NOT_YET_VALID', 'The token is not valid yet by this clock'];
      else [mapped, message] = ['CLAIM_MISMATCH', `The token's "${claim}" claim does not match`];
      break;
    default:
      [mapped, message] = ['MALFORMED_TOKEN', 'The token is not a valid offline token'];
  }
  return new OfflineTokenError(message, mapped, err);
}
