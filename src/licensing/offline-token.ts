// Offline tokens: compact JWS (EdDSA, Ed25519, `kid` header) that any JOSE library can verify
// against the JWKS. Signed with node:crypto directly, since jose's async signing path costs more
// on the validate hot path; the output is standard JWS (tests verify it with jose and PyJWT).
import { sign } from 'node:crypto';
import type { LicenseStatus, LicenseType } from '../../prisma/generated/client/client';
import { sha256Hex } from '../lib/crypto';
import type { SigningKeys } from './signing-keys';

export const ISSUER = 'traffic-orchestrator';
export const DEFAULT_GRACE_SECONDS = 7 * 86_400;

export interface OfflineClaims {
  iss: string;
  /** License id. */
  sub: string;
  /** Product id: verifiers check the token was issued for their product. */
  aud: string;
  /** Key fingerprint: the first 16 hex characters of SHA-256(license key). Never the key itself. */
  kfp: string;
  /** The device's machine_id, when the call named one. */
  mid: string | null;
  typ: LicenseType;
  sts: LicenseStatus;
  /** License expiry (unix seconds), null for none. */
  lexp: number | null;
  /** Effective entitlement codes, sorted (the license's `entitlements`). */
  ent: string[];
  iat: number;
  exp: number;
}

export interface OfflineToken {
  token: string;
  graceUntil: string;
}

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

export const keyFingerprint = (licenseKey: string) => sha256Hex(licenseKey).slice(0, 16);

export interface TokenSubject {
  licenseId: string;
  licenseKey: string;
  productId: string;
  type: LicenseType;
  status: LicenseStatus;
  expiresAt: Date | null;
  graceSeconds: number;
  machineId: string | null;
  entitlements: string[];
}

/** `exp` (= graceUntil) is the earlier of the license's expiry and now + the grace period. */
export function signOfflineToken(keys: SigningKeys, s: TokenSubject, now: Date): OfflineToken {
  const { kid, privateKey } = keys.current();
  const iat = Math.floor(now.getTime() / 1000);
  const lexp = s.expiresAt ? Math.floor(s.expiresAt.getTime() / 1000) : null;
  const exp = Math.min(iat + s.graceSeconds, lexp ?? Number.MAX_SAFE_INTEGER);
  const claims: OfflineClaims = {
    iss: ISSUER,
    sub: s.licenseId,
    aud: s.productId,
    kfp: keyFingerprint(s.licenseKey),
    mid: s.machineId,
    typ: s.type,
    sts: s.status,
    lexp,
    ent: s.entitlements,
    iat,
    exp,
  };
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64(claims)}`;
  const signature = sign(null, Buffer.from(input), privateKey).toString('base64url');
  return { token: `${input}.${signature}`, graceUntil: new Date(exp * 1000).toISOString() };
}
