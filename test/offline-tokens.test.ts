// Offline tokens: standard JWS verifiable with jose (and PyJWT when available) against the JWKS.
import { execFileSync } from 'node:child_process';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../src/licensing/signing-keys';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const jwks = async () => (await t.call('GET', '/api/v1/.well-known/jwks.json', undefined, null)).body;

/** Debian's python3 with python3-jwt (installed by .ci/run), if this machine has it. */
function pythonWithJwt(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import jwt, cryptography'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next one
    }
  }
  return null;
}

describe('offline tokens', () => {
  it('validate returns a token that verifies with jose against the served JWKS, with the documented claims', async () => {
    const { product, license } = await productAndLicense(t);
    const v = await t.call('POST', '/api/v1/validate', { key: license.key }, null);
    expect(v.body.valid).toBe(true);
    const { token, graceUntil } = v.body.offline;
    const keys = await jwks();
    expect(keys.keys.length).toBeGreaterThanOrEqual(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys.keys[0]).not.toHaveProperty('d'); // never the private half

    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'EdDSA', kid: keys.keys[0].kid });
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys), {
      audience: product.id,
      issuer: 'traffic-orchestrator',
    });
    expect(payload).toMatchObject({
      sub: license.id,
      aud: product.id,
      typ: 'perpetual',
      sts: 'active',
      lexp: null,
    });
    expect(payload.kfp).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(payload)).not.toContain(license.key);
    // Default grace: 7 days.
    expect(payload.exp! - payload.iat!).toBe(7 * 86400);
    expect(new Date(graceUntil).getTime()).toBe(payload.exp! * 1000);
  });

  it('fails verification when one byte of the payload changes', async () => {
    const { license } = await productAndLicense(t);
    const { token } = (await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.offline;
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.sts = 'activf';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    await expect(jwtVerify(forged, createLocalJWKSet(await jwks()))).rejects.toThrow(/signature/i);
    const flipped = p.slice(0, 10) + (p[10] === 'A' ? 'B' : 'A') + p.slice(11);
    await expect(jwtVerify(`${h}.${flipped}.${s}`, createLocalJWKSet(await jwks()))).rejects.toThrow();
  });

  it('graceUntil is the earlier of the license expiry and now + the grace period', async () => {
    const soon = new Date(Date.now() + 2 * 86400_000);
    const { product, license } = await productAndLicense(t, {
      type: 'subscription',
      expires_at: soon.toISOString(),
    });
    const v = await t.call('POST', '/api/v1/validate', { key: license.key }, null);
    expect(new Date(v.body.offline.graceUntil).getTime()).toBe(Math.floor(soon.getTime() / 1000) * 1000);

    await t.call('PATCH', `/api/v1/products/${product.id}`, { offline_grace_period: 3600 });
    const { license: other } = await productAndLicense(t, { offline_grace_period: 600 });
    const a = await t.call('POST', '/api/v1/activate', { key: other.key, machine_id: 'pc' }, null);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const exp = new Date(a.body.offline.graceUntil).getTime();
    expect(Math.abs(exp - (Date.now() + 600_000))).toBeLessThan(5000);
  });

  it('is absent when the validation fails', async () => {
    const { license } = await productAndLicense(t);
    await t.call('POST', `/api/v1/licenses/${license.id}/suspend`);
    const v = await t.call('POST', '/api/v1/validate', { key: license.key }, null);
    expect(v.body.valid).toBe(false);
    expect(v.body.offline).toBeUndefined();
  });

  it('after a rotation old tokens still verify and new tokens carry the new kid', async () => {
    const { license } = await productAndLicense(t);
    const before = (await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.offline.token;
    const oldKid = decodeProtectedHeader(before).kid;
    const rotated = await rotateSigningKey(t.app.deps); // drops the cached validations, as the route does
    expect(rotated.retired).toContain(oldKid);
    const after = (await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.offline.token;
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    const set = await jwks();
    expect(set.keys.map((k: { kid: string }) => k.kid)).toEqual(
      expect.arrayContaining([oldKid, rotated.kid]),
    );
    await expect(jwtVerify(before, createLocalJWKSet(set))).resolves.toBeTruthy();
    await expect(jwtVerify(after, createLocalJWKSet(set))).resolves.toBeTruthy();
  });

  it('the admin rotation route needs the admin scope', async () => {
    const r = await t.call('POST', '/api/v1/admin/signing-keys/rotate');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN');
  });

  it('stores the private key sealed, never in clear', async () => {
    const rows = await t.app.deps.prisma.signingKey.findMany();
    for (const r of rows) {
      expect(r.privateKeyEncrypted).toMatch(/^v1\./);
      expect(r.privateKeyEncrypted).not.toContain('PRIVATE KEY');
    }
  });

  const py = pythonWithJwt();
  it.runIf(py)('verifies with PyJWT (python3-jwt) as an independent implementation', async () => {
    const { product, license } = await productAndLicense(t);
    const { token } = (await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.offline;
    const set = await jwks();
    const script = `
import json, sys, jwt
from jwt import PyJWK
token, jwks, aud = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
kid = jwt.get_unverified_header(token)["kid"]
key = [k for k in jwks["keys"] if k["kid"] == kid][0]
claims = jwt.decode(token, PyJWK(key).key, algorithms=["EdDSA"], audience=aud, issuer="traffic-orchestrator")
print(claims["sub"])
try:
    jwt.decode(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), PyJWK(key).key, algorithms=["EdDSA"], audience=aud)
    print("FORGED-ACCEPTED")
except jwt.InvalidSignatureError:
    print("forged-rejected")
`;
    const out = execFileSync(py!, ['-c', script, token, JSON.stringify(set), product.id], {
      encoding: 'utf8',
    });
    expect(out.trim().split('\n')).toEqual([license.id, 'forged-rejected']);
  });
});
