// Stripe's webhook signature, checked by hand (no Stripe SDK at run time): `Stripe-Signature:
// t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each v1 is HMAC-SHA256 of "<t>.<raw body>" keyed
// with the endpoint's signing secret. Any v1 may match (Stripe sends one per active secret while
// one is rolled), compared in constant time, and t must be within 5 minutes of now.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../lib/errors';

export const SIGNATURE_TOLERANCE_S = 300;

const invalid = (why: string) => new AppError('INVALID_SIGNATURE', `Invalid Stripe-Signature: ${why}`);

interface Parsed {
  t: number;
  v1: Buffer[];
}

function parseHeader(header: string | null): Parsed {
  if (!header) throw invalid('the header is missing');
  let t: number | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) v1.push(Buffer.from(v, 'hex'));
  }
  if (t === null) throw invalid('no timestamp (t=)');
  if (v1.length === 0) throw invalid('no v1 signature');
  return { t, v1 };
}

/** How `secret` fares against the header and the raw body: its signature is there and fresh, there
 * but stale, or not there. A malformed header throws 400 INVALID_SIGNATURE. */
export function checkStripeSignature(
  header: string | null,
  raw: Buffer,
  secret: string,
  nowS: number,
): 'valid' | 'stale' | 'mismatch' {
  const { t, v1 } = parseHeader(header);
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  // Every candidate is compared (no early exit on a match), each in constant time.
  let ok = false;
  for (const sig of v1) if (timingSafeEqual(sig, expected)) ok = true;
  if (!ok) return 'mismatch';
  return Math.abs(nowS - t) > SIGNATURE_TOLERANCE_S ? 'stale' : 'valid';
}

/** Throws 400 INVALID_SIGNATURE unless one of `secrets` signed the raw body recently; returns the
 * index of the one that did. */
export function verifyStripeSignature(
  header: string | null,
  raw: Buffer,
  secrets: string[],
  nowS: number,
): number {
  let stale = false;
  for (const [i, secret] of secrets.entries()) {
    const r = checkStripeSignature(header, raw, secret, nowS);
    if (r === 'valid') return i;
    if (r === 'stale') stale = true;
  }
  throw invalid(
    stale ? 'the timestamp is outside the 5-minute tolerance' : 'no signature matches the payload',
  );
}
