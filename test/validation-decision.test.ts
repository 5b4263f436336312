// The validation decision as a table: each row is one situation and the code it must give.
import { describe, expect, it } from 'vitest';
import {
  decideValidation,
  domainAllowed,
  type LicenseFacts,
  normalizeDomain,
  validationStatus,
} from '../src/licensing/validation';

const now = new Date('2026-06-01T00:00:00Z');
const past = new Date('2026-05-01T00:00:00Z');
const future = new Date('2026-07-01T00:00:00Z');
const base: LicenseFacts = {
  status: 'active',
  type: 'perpetual',
  productId: 'prod_a',
  expiresAt: null,
  allowedDomains: [],
  entitlements: new Set(['pro', 'sso:saml']),
  machines: new Map([['m1', null]]),
};
const L = (over: Partial<LicenseFacts>): LicenseFacts => ({ ...base, ...over });

describe('decideValidation', () => {
  it.each([
    ['unknown key', null, {}, 'NOT_FOUND'],
    ['plain active license', L({}), {}, 'VALID'],
    ['revoked', L({ status: 'revoked' }), {}, 'REVOKED'],
    ['suspended', L({ status: 'suspended' }), {}, 'SUSPENDED'],
    ['status expired', L({ status: 'expired' }), {}, 'EXPIRED'],
    ['expiresAt passed though status is active (sweeper late)', L({ expiresAt: past }), {}, 'EXPIRED'],
    ['expiresAt exactly now', L({ expiresAt: now }), {}, 'EXPIRED'],
    ['expiresAt in the future', L({ expiresAt: future }), {}, 'VALID'],
    ['revoked beats suspended-like and expired', L({ status: 'revoked', expiresAt: past }), {}, 'REVOKED'],
    ['suspended beats expired', L({ status: 'suspended', expiresAt: past }), {}, 'SUSPENDED'],
    ['expired beats product mismatch', L({ expiresAt: past }), { productId: 'prod_b' }, 'EXPIRED'],
    ['product mismatch', L({}), { productId: 'prod_b' }, 'PRODUCT_MISMATCH'],
    ['product match', L({}), { productId: 'prod_a' }, 'VALID'],
    [
      'product mismatch beats domain mismatch',
      L({ allowedDomains: ['a.com'] }),
      { productId: 'x', domain: 'b.com' },
      'PRODUCT_MISMATCH',
    ],
    ['domain mismatch', L({ allowedDomains: ['a.com'] }), { domain: 'b.com' }, 'DOMAIN_MISMATCH'],
    ['domain match', L({ allowedDomains: ['a.com'] }), { domain: 'A.com' }, 'VALID'],
    ['no allowed domains means any domain', L({}), { domain: 'any.com' }, 'VALID'],
    [
      'domain mismatch beats machine not activated',
      L({ allowedDomains: ['a.com'] }),
      { domain: 'b.com', machineId: 'zz' },
      'DOMAIN_MISMATCH',
    ],
    ['entitlements held (any case)', L({}), { entitlements: ['PRO', 'sso:saml'] }, 'VALID'],
    ['an entitlement missing', L({}), { entitlements: ['pro', 'export'] }, 'ENTITLEMENTS_MISSING'],
    ['no entitlements asked for', L({ entitlements: new Set() }), { entitlements: [] }, 'VALID'],
    [
      'domain mismatch beats entitlements missing',
      L({ allowedDomains: ['a.com'] }),
      { domain: 'b.com', entitlements: ['export'] },
      'DOMAIN_MISMATCH',
    ],
    [
      'entitlements missing beats machine not activated',
      L({}),
      { entitlements: ['export'], machineId: 'zz' },
      'ENTITLEMENTS_MISSING',
    ],
    ['machine not activated', L({}), { machineId: 'm2' }, 'NOT_ACTIVATED'],
    ['machine activated', L({}), { machineId: 'm1' }, 'VALID'],
    [
      'floating lease expired',
      L({ type: 'floating', machines: new Map([['m1', past]]) }),
      { machineId: 'm1' },
      'LEASE_EXPIRED',
    ],
    [
      'floating lease live',
      L({ type: 'floating', machines: new Map([['m1', future]]) }),
      { machineId: 'm1' },
      'VALID',
    ],
  ] as const)('%s → %s', (_name, license, req, code) => {
    const d = decideValidation(license, req, now);
    expect(d.code).toBe(code);
    expect(d.valid).toBe(code === 'VALID');
  });

  it('maps codes to the documented statuses', () => {
    expect(validationStatus('NOT_FOUND')).toBe(404);
    expect(validationStatus('DOMAIN_MISMATCH')).toBe(403);
    for (const c of [
      'VALID',
      'REVOKED',
      'SUSPENDED',
      'EXPIRED',
      'PRODUCT_MISMATCH',
      'NOT_ACTIVATED',
    ] as const) {
      expect(validationStatus(c)).toBe(200);
    }
  });
});

describe('domains', () => {
  it.each([
    ['https://App.Example.com:8443/path?q', 'app.example.com'],
    ['example.com.', 'example.com'],
    ['  EXAMPLE.com ', 'example.com'],
  ])('normalizes %s', (input, out) => expect(normalizeDomain(input)).toBe(out));

  it('wildcards match subdomains only', () => {
    expect(domainAllowed(['*.example.com'], 'a.example.com')).toBe(true);
    expect(domainAllowed(['*.example.com'], 'a.b.example.com')).toBe(true);
    expect(domainAllowed(['*.example.com'], 'example.com')).toBe(false);
    expect(domainAllowed(['*.example.com'], 'badexample.com')).toBe(false);
  });
});
