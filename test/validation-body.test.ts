// POST /validate's text is cached per offline token (licenses.views.ts validationBody): it must be
// exactly JSON.stringify(validationJson(r)) for every call, and follow what licenseJson derives from
// the clock (uses in a new period, a passed expiry) and a changed license.
import { describe, expect, it } from 'vitest';
import type { CachedLicense } from '../src/licensing/license-cache';
import { validationBody, validationJson } from '../src/licensing/licenses.views';
import type { ValidationResult } from '../src/licensing/validate.service';

const at = (iso: string) => new Date(iso);
const license = (over: Partial<CachedLicense> = {}) =>
  ({
    id: 'lic_1',
    key: 'AAAA-BBBB-CCCC-DDDD',
    productId: 'prod_1',
    customerId: null,
    customer: null,
    type: 'perpetual',
    status: 'active',
    activationCount: 0,
    maxActivations: 1,
    expiresAt: null,
    createdAt: at('2026-01-01T00:00:00Z'),
    updatedAt: at('2026-01-01T00:00:00Z'),
    lastValidatedAt: null,
    metadata: { validatedAt: 'a metadata key of the same name' },
    allowedDomains: [],
    plan: null,
    uses: 3,
    maxUses: null,
    usesResetInterval: 'day',
    usesPeriodStart: at('2026-03-01T00:00:00Z'),
    entitlementCodes: ['pro'],
    ...over,
  }) as unknown as CachedLicense;

const offline = { token: 'h.p.s', graceUntil: '2026-03-08T00:00:00.000Z' };
const result = (l: CachedLicense, now: Date, valid = true): ValidationResult => ({
  valid,
  code: valid ? 'VALID' : 'SUSPENDED',
  license: l,
  validatedAt: now,
  offline: valid ? offline : null,
});

describe('validationBody', () => {
  it('is JSON.stringify(validationJson) on every call, with the time of each call', () => {
    const l = license();
    for (const iso of ['2026-03-01T10:00:00.001Z', '2026-03-01T10:00:00.002Z', '2026-03-01T23:59:59.999Z']) {
      const r = result(l, at(iso));
      expect(validationBody(r)).toBe(JSON.stringify(validationJson(r)));
      expect(JSON.parse(validationBody(r)).validatedAt).toBe(iso);
    }
  });

  it('follows the clock (uses of a past period read 0) and a changed license', () => {
    const l = license();
    expect(JSON.parse(validationBody(result(l, at('2026-03-01T12:00:00Z')))).license.uses).toBe(3);
    const next = result(l, at('2026-03-02T00:00:01Z'));
    expect(JSON.parse(validationBody(next)).license.uses).toBe(0);
    expect(validationBody(next)).toBe(JSON.stringify(validationJson(next)));
    const changed = result(license({ maxActivations: 9 }), at('2026-03-02T00:00:02Z'));
    expect(JSON.parse(validationBody(changed)).license.maxActivations).toBe(9);
  });

  it('a failed validation is serialised as it is', () => {
    const r = result(license({ status: 'suspended' }), at('2026-03-01T12:00:00Z'), false);
    expect(validationBody(r)).toBe(JSON.stringify(validationJson(r)));
    expect(JSON.parse(validationBody(r)).offline).toBeUndefined();
  });
});
