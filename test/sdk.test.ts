// The client SDK against a real server on a real port: online calls, typed errors, and offline
// verification after the server is gone (the heartbeat loop is in sdk-heartbeat.test.ts).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../src/licensing/signing-keys';
import {
  NetworkError,
  OfflineTokenError,
  TrafficOrchestrator,
  TrafficOrchestratorError,
} from '../src/sdk/index';
import { productAndLicense, type TestApp } from './helpers/app';

import { rejection, started } from './helpers/sdk';

describe('SDK online calls', () => {
  let t: TestApp;
  let baseUrl: string;
  let sdk: TrafficOrchestrator;
  beforeAll(async () => {
    ({ t, baseUrl } = await started());
    sdk = new TrafficOrchestrator({ baseUrl });
  });
  afterAll(() => t.close());

  it('activate, validate, heartbeat, deactivate: typed results mirroring the REST JSON', async () => {
    const { product, license } = await productAndLicense(t, { max_activations: 2 });
    const key = license.key;

    const a = await sdk.activate({ licenseKey: key, machineId: 'laptop', label: 'Work', platform: 'linux' });
    expect(a).toMatchObject({
      activated: true,
      created: true,
      activation: { machineId: 'laptop', label: 'Work', platform: 'linux', licenseId: license.id },
      license: { id: license.id, key, productId: product.id, activations: 1, maxActivations: 2 },
    });
    expect(a.offline.token.split('.')).toHaveLength(3);
    expect(sdk.lastOfflineToken).toEqual(a.offline);
    expect(await sdk.offlineToken(key)).toEqual(a.offline);

    const again = await sdk.activate({ licenseKey: key, machineId: 'laptop' });
    expect(again.created).toBe(false);
    expect(again.activation.id).toBe(a.activation.id);

    const v = await sdk.validate({ licenseKey: key, machineId: 'laptop', productId: product.id });
    expect(v).toMatchObject({ valid: true, code: 'VALID', license: { id: license.id, status: 'active' } });
    expect(typeof v.validatedAt).toBe('string');
    expect(v.offline?.graceUntil).toBeTruthy();
    expect(await sdk.offlineToken(key)).toEqual(v.offline);

    const hb = await sdk.heartbeat({ licenseKey: key, machineId: 'laptop' });
    expect(hb).toMatchObject({ ok: true, leaseExpiresAt: null, activation: { machineId: 'laptop' } });
    expect(hb.offline.token).toBeTruthy();

    const d = await sdk.deactivate({ licenseKey: key, machineId: 'laptop' });
    expect(d).toMatchObject({
      deactivated: true,
      activation: { machineId: 'laptop' },
      license: { activations: 0 },
    });
    expect(await sdk.offlineToken(key)).toBeNull(); // the device's token is dropped with its seat

    const gone = await rejection(sdk.deactivate({ licenseKey: key, machineId: 'laptop' }));
    expect(gone).toBeInstanceOf(TrafficOrchestratorError);
    expect(gone).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const hbGone = await rejection(sdk.heartbeat({ licenseKey: key, machineId: 'laptop' }));
    expect(hbGone).toMatchObject({ status: 404, code: 'NOT_ACTIVATED' });
    expect(hbGone).not.toBeInstanceOf(NetworkError);
  });

  it('a failed validation is a result, not an error (200, 403 and 404 bodies with valid:false)', async () => {
    const { product, license } = await productAndLicense(t, { allowed_domains: ['example.com'] });
    expect(await sdk.validate({ licenseKey: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' })).toMatchObject({
      valid: false,
      code: 'NOT_FOUND',
      license: null,
    });
    const dm = await sdk.validate({ licenseKey: license.key, domain: 'evil.test' });
    expect(dm).toMatchObject({ valid: false, code: 'DOMAIN_MISMATCH' });
    expect(dm.offline).toBeUndefined();
    expect(await sdk.validate({ licenseKey: license.key, domain: 'example.com' })).toMatchObject({
      valid: true,
      code: 'VALID',
    });
    expect(await sdk.validate({ licenseKey: license.key, productId: 'prod_other' })).toMatchObject({
      valid: false,
      code: 'PRODUCT_MISMATCH',
    });
    expect(await sdk.validate({ licenseKey: license.key, machineId: 'nobody' })).toMatchObject({
      valid: false,
      code: 'NOT_ACTIVATED',
    });

    // A suspension seen online drops the cached token, so the app cannot fall back to it offline.
    const withDefault = new TrafficOrchestrator({ baseUrl, productId: product.id });
    await withDefault.validate({ licenseKey: license.key });
    expect(await withDefault.offlineToken(license.key)).not.toBeNull();
    await t.call('POST', `/api/v1/licenses/${license.id}/suspend`);
    expect(await withDefault.validate({ licenseKey: license.key })).toMatchObject({
      valid: false,
      code: 'SUSPENDED',
    });
    expect(await withDefault.offlineToken(license.key)).toBeNull();
  });

  it('ACTIVATION_LIMIT_REACHED is a typed error with the API code', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await sdk.activate({ licenseKey: license.key, machineId: 'one' });
    const err = await rejection(sdk.activate({ licenseKey: license.key, machineId: 'two' }));
    expect(err).toBeInstanceOf(TrafficOrchestratorError);
    expect(err).not.toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ status: 409, code: 'ACTIVATION_LIMIT_REACHED' });
    expect((err as TrafficOrchestratorError).message).toBeTruthy();
    expect((err as TrafficOrchestratorError).requestId).toBeTruthy();
  });

  it('an API key is sent when given; a bad one is an error even on validate', async () => {
    const { license } = await productAndLicense(t);
    const keyed = new TrafficOrchestrator({ baseUrl: `${baseUrl}/api/v1/`, apiKey: t.liveKey });
    expect((await keyed.validate({ licenseKey: license.key })).valid).toBe(true);
    // The test environment's key cannot see live licenses.
    const testEnv = new TrafficOrchestrator({ baseUrl, apiKey: t.testKey });
    expect((await testEnv.validate({ licenseKey: license.key })).code).toBe('NOT_FOUND');
    const bad = new TrafficOrchestrator({ baseUrl, apiKey: `to_live_${'x'.repeat(40)}` });
    expect(await rejection(bad.validate({ licenseKey: license.key }))).toMatchObject({
      status: 401,
      code: 'INVALID_API_KEY',
    });
  });

  it('picks up a rotated signing key by refreshing the JWKS when a token names an unknown kid', async () => {
    const { license } = await productAndLicense(t);
    const client = new TrafficOrchestrator({ baseUrl });
    const before = await client.validate({ licenseKey: license.key });
    const rotated = await rotateSigningKey(t.app.deps); // drops the cached validations, as the route does
    const after = await client.validate({ licenseKey: license.key });
    expect(decodeProtectedHeader(after.offline!.token).kid).toBe(rotated.kid);
    await expect(client.verifyOffline(after.offline!.token)).resolves.toMatchObject({ sub: license.id });
    await expect(client.verifyOffline(before.offline!.token)).resolves.toMatchObject({ sub: license.id });
  });

  it('an unreachable server is a NetworkError', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const offline = new TrafficOrchestrator({ baseUrl: `http://127.0.0.1:${port}` });
    const err = await rejection(offline.validate({ licenseKey: 'AAAA-AAAA-AAAA-AAAA' }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toBeInstanceOf(TrafficOrchestratorError);
    expect(err).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(await rejection(offline.refreshJwks())).toBeInstanceOf(NetworkError);
  });
});

describe('SDK offline verification', () => {
  it('after the server stops, the cached token verifies until graceUntil and is refused after it', async () => {
    const { t, baseUrl } = await started();
    let closed = false;
    const cacheDir = mkdtempSync(join(os.tmpdir(), 'to-sdk-'));
    try {
      const { product, license } = await productAndLicense(t);
      let now = new Date();
      const sdk = new TrafficOrchestrator({ baseUrl, cacheDir, clock: () => now });
      const a = await sdk.activate({ licenseKey: license.key, machineId: 'desk' });
      const graceUntil = new Date(a.offline.graceUntil);

      await t.close(); // the server is gone from here on
      closed = true;
      expect(await rejection(sdk.validate({ licenseKey: license.key }))).toBeInstanceOf(NetworkError);

      const token = (await sdk.offlineToken(license.key))!;
      expect(token).toEqual(a.offline);
      const claims = await sdk.verifyOffline(token, {
        productId: product.id,
        licenseKey: license.key,
        machineId: 'desk',
      });
      expect(claims).toMatchObject({
        iss: 'traffic-orchestrator',
        sub: license.id,
        aud: product.id,
        mid: 'desk',
        typ: 'perpetual',
        sts: 'active',
        lexp: null,
      });
      expect(claims.exp * 1000).toBe(graceUntil.getTime());

      now = new Date(graceUntil.getTime() - 1000);
      await expect(sdk.verifyOffline(token.token, { productId: product.id })).resolves.toMatchObject({
        sub: license.id,
      });
      now = new Date(graceUntil.getTime() + 1000);
      const expired = await rejection(sdk.verifyOffline(token.token, { productId: product.id }));
      expect(expired).toBeInstanceOf(OfflineTokenError);
      expect(expired).toMatchObject({ code: 'TOKEN_EXPIRED' });
      now = new Date();

      // One changed byte in the payload.
      const [h, p, s] = token.token.split('.') as [string, string, string];
      const i = Math.floor(p.length / 2);
      const flipped = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
      expect(await rejection(sdk.verifyOffline(flipped))).toMatchObject({ code: 'INVALID_SIGNATURE' });

      // Checked against another product.
      expect(await rejection(sdk.verifyOffline(token, { productId: 'prod_someone_else' }))).toMatchObject({
        code: 'PRODUCT_MISMATCH',
      });
      // Another key or machine.
      expect(await rejection(sdk.verifyOffline(token, { licenseKey: 'AAAA-BBBB-CCCC-DDDD' }))).toMatchObject({
        code: 'CLAIM_MISMATCH',
      });
      expect(await rejection(sdk.verifyOffline(token, { machineId: 'other-pc' }))).toMatchObject({
        code: 'CLAIM_MISMATCH',
      });

      // Signed by a key the JWKS does not have: an unknown kid, and a known kid with a foreign key.
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forge = (kid: string) =>
        new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(privateKey);
      expect(await rejection(sdk.verifyOffline(await forge('not-in-the-jwks')))).toMatchObject({
        code: 'UNKNOWN_KEY',
      });
      const realKid = decodeProtectedHeader(token.token).kid!;
      expect(await rejection(sdk.verifyOffline(await forge(realKid)))).toMatchObject({
        code: 'INVALID_SIGNATURE',
      });
      expect(await rejection(sdk.verifyOffline('not.a-token'))).toMatchObject({ code: 'MALFORMED_TOKEN' });

      // A later process: a new client over the same cache directory, never online.
      const files = readdirSync(cacheDir);
      expect(files).toEqual(expect.arrayContaining(['jwks.json']));
      for (const f of files) expect(readFileSync(join(cacheDir, f), 'utf8')).not.toContain(license.key);
      const later = new TrafficOrchestrator({ baseUrl, cacheDir });
      const persisted = await later.offlineToken(license.key);
      expect(persisted).toEqual(a.offline);
      await expect(later.verifyOffline(persisted!, { productId: product.id })).resolves.toMatchObject({
        sub: license.id,
      });

      // Without any cached JWKS there is nothing to verify against.
      const empty = new TrafficOrchestrator({ baseUrl });
      expect(await rejection(empty.verifyOffline(token))).toMatchObject({ code: 'NO_JWKS' });
    } finally {
      if (!closed) await t.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
