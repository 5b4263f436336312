import { describe, expect, it } from 'vitest';
import { generateLicenseKey, newId, normalizeLicenseKey } from '../src/lib/ids';
import { hashPassword, verifyPassword } from '../src/lib/crypto';

describe('license keys', () => {
  it('are XXXX-XXXX-XXXX-XXXX in Crockford base32 and do not repeat', () => {
    const keys = new Set(Array.from({ length: 5000 }, generateLicenseKey));
    expect(keys.size).toBe(5000);
    for (const k of [...keys].slice(0, 200))
      expect(k).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('use every symbol of the alphabet (80 random bits, no fixed positions)', () => {
    const seen = new Set(Array.from({ length: 2000 }, generateLicenseKey).join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });

  it('are looked up after trimming and upper-casing', () => {
    expect(normalizeLicenseKey('  abcd-efgh ')).toBe('ABCD-EFGH');
  });
});

describe('ids', () => {
  it('carry their type prefix', () => {
    expect(newId('lic')).toMatch(/^lic_[0-9A-Za-z]{20}$/);
    expect(newId('mach')).toMatch(/^mach_/);
  });
});

describe('passwords', () => {
  it('are hashed with scrypt and verified', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('wrong horse', h)).toBe(false);
  });
});
