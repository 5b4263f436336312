// The SDK and entitlements (PRODUCT.md §15): validate asks for codes and gets ENTITLEMENTS_MISSING
// as a result, and an app checks an entitlement offline from a verified token's signed `ent`
// claim after the server is gone; a token whose claims were edited is refused, not believed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasEntitlement, OfflineTokenError, TrafficOrchestrator } from '../src/sdk/index';
import { productAndLicense } from './helpers/app';
import { rejection, started } from './helpers/sdk';

describe('SDK entitlements', () => {
  it('validate with entitlements, then hasEntitlement offline from the verified token', async () => {
    const { t, baseUrl } = await started();
    let closed = false;
    const cacheDir = mkdtempSync(join(os.tmpdir(), 'to-sdk-ent-'));
    try {
      const { product, license } = await productAndLicense(t);
      for (const code of ['Export.PDF', 'sso']) {
        expect((await t.call('POST', '/api/v1/entitlements', { code })).status).toBe(201);
      }
      await t.call('POST', `/api/v1/products/${product.id}/entitlements`, { codes: ['sso'] });
      await t.call('POST', `/api/v1/licenses/${license.id}/entitlements`, { codes: ['Export.PDF'] });

      const sdk = new TrafficOrchestrator({ baseUrl, cacheDir });
      const held = await sdk.validate({ licenseKey: license.key, entitlements: ['sso', 'export.pdf'] });
      expect(held.valid).toBe(true);
      expect(held.license?.entitlements).toEqual(['Export.PDF', 'sso']);
      const missing = await sdk.validate({ licenseKey: license.key, entitlements: ['sso', 'audit'] });
      expect([missing.valid, missing.code]).toEqual([false, 'ENTITLEMENTS_MISSING']);

      const a = await sdk.activate({ licenseKey: license.key, machineId: 'desk' });
      await t.close();
      closed = true;

      const claims = await sdk.verifyOffline(a.offline, { productId: product.id });
      expect(claims.ent).toEqual(['Export.PDF', 'sso']);
      expect(hasEntitlement(claims, 'SSO')).toBe(true);
      expect(hasEntitlement(claims, 'audit')).toBe(false);
      await expect(sdk.hasEntitlement(a.offline, 'export.pdf')).resolves.toBe(true);
      await expect(sdk.hasEntitlement(a.offline, 'audit')).resolves.toBe(false);

      // Granting oneself an entitlement by editing the payload breaks the signature.
      const [h, p, s] = a.offline.token.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.ent = [...payload.ent, 'audit'];
      const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
      const err = await rejection(sdk.hasEntitlement(forged, 'audit'));
      expect(err).toBeInstanceOf(OfflineTokenError);
      expect(err).toMatchObject({ code: 'INVALID_SIGNATURE' });
    } finally {
      if (!closed) await t.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
