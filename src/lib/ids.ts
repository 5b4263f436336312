// Opaque, type-prefixed identifiers and random secrets.
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix =
  | 'acct'
  | 'usr'
  | 'ses'
  | 'key'
  | 'prod'
  | 'cus'
  | 'lic'
  | 'mach'
  | 'evt'
  | 'whk'
  | 'del'
  | 'kid'
  | 'eml'
  | 'dom'
  | 'stp'
  | 'clt'
  | 'cps'
  | 'ent'
  | 'aud';

/** Unbiased random base62 string (rejection sampling). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}

/** `XXXX-XXXX-XXXX-XXXX`: 16 Crockford base32 characters carrying exactly 80 random bits. */
export function generateLicenseKey(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let chars = '';
  for (let i = 0; i < 16; i++) {
    chars = CROCKFORD[Number(bits & 31n)] + chars;
    bits >>= 5n;
  }
  return chars.match(/.{4}/g)!.join('-');
}

/** Keys are looked up by exact match after trimming and upper-casing. */
export function normalizeLicenseKey(key: string): string {
  return key.trim().toUpperCase();
}
