// The validation decision as a pure function of (license, request, now). I/O stays around it.
// Checks run in a fixed, documented order; the first failing check decides the code.
export const VALIDATION_CODES = [
  'VALID',
  'NOT_FOUND',
  'REVOKED',
  'SUSPENDED',
  'EXPIRED',
  'PRODUCT_MISMATCH',
  'DOMAIN_MISMATCH',
  'NOT_ACTIVATED',
  'LEASE_EXPIRED',
  'ENTITLEMENTS_MISSING',
  // Only with `consume`, after every other check passed (validate.service.ts).
  'USAGE_LIMIT_EXCEEDED',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export interface LicenseFacts {
  status: 'active' | 'expired' | 'suspended' | 'revoked';
  type: 'perpetual' | 'subscription' | 'trial' | 'floating';
  productId: string;
  expiresAt: Date | null;
  allowedDomains: string[];
  /** Effective entitlement codes, lower-cased (codes compare without regard to case). */
  entitlements: ReadonlySet<string>;
  /** machineId → lease expiry (null for node-locked activations). */
  machines: ReadonlyMap<string, Date | null>;
}

export interface ValidationRequest {
  productId?: string;
  machineId?: string;
  domain?: string;
  /** ENTITLEMENTS_MISSING unless the license has every one of these codes (any case). */
  entitlements?: readonly string[];
}

export interface Decision {
  valid: boolean;
  code: ValidationCode;
}

export function isExpired(l: Pick<LicenseFacts, 'status' | 'expiresAt'>, now: Date): boolean {
  return l.status === 'expired' || (l.expiresAt !== null && l.expiresAt.getTime() <= now.getTime());
}

/** Lower-cases and strips scheme, path, port and a trailing dot: `https://App.Example.com:443/x` → `app.example.com`. */
export function normalizeDomain(input: string): string {
  let d = input.trim().toLowerCase();
  d = d.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  d = d.split(/[/?#]/)[0]!;
  d = d.replace(/:\d+$/, '').replace(/\.$/, '');
  return d;
}

/** `example.com` matches itself; `*.example.com` matches any subdomain of example.com. */
export function domainAllowed(allowed: string[], domain: string): boolean {
  if (allowed.length === 0) return true;
  const d = normalizeDomain(domain);
  return allowed.some((pattern) => {
    const p = normalizeDomain(pattern);
    if (p.startsWith('*.')) return d.endsWith(p.slice(1)) && d.length > p.length - 1;
    return d === p;
  });
}

export function decideValidation(license: LicenseFacts | null, req: ValidationRequest, now: Date): Decision {
  const fail = (code: ValidationCode): Decision => ({ valid: false, code });
  if (!license) return fail('NOT_FOUND');
  if (license.status === 'revoked') return fail('REVOKED');
  if (license.status === 'suspended') return fail('SUSPENDED');
  if (isExpired(license, now)) return fail('EXPIRED');
  if (req.productId && req.productId !== license.productId) return fail('PRODUCT_MISMATCH');
  if (req.domain && !domainAllowed(license.allowedDomains, req.domain)) return fail('DOMAIN_MISMATCH');
  if (req.entitlements?.some((c) => !license.entitlements.has(c.toLowerCase())))
    return fail('ENTITLEMENTS_MISSING');
  if (req.machineId) {
    if (!license.machines.has(req.machineId)) return fail('NOT_ACTIVATED');
    const lease = license.machines.get(req.machineId);
    if (license.type === 'floating' && lease && lease.getTime() <= now.getTime())
      return fail('LEASE_EXPIRED');
  }
  return { valid: true, code: 'VALID' };
}

/** REST status for a completed validation: 200, except the two the seed's error table lists. */
export function validationStatus(code: ValidationCode): number {
  if (code === 'NOT_FOUND') return 404;
  if (code === 'DOMAIN_MISMATCH') return 403;
  return 200;
}
