// Entitlements (PRODUCT.md §15): `ent_…` resources, attached to products and licenses; a license's
// effective set (product's ∪ own, sorted) in its JSON, in the offline token's `ent` claim (verified
// against the JWKS) and in validate's check, served through the validate cache and kept right by
// every attach and detach; codes unique per environment ignoring case, also under a race.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

let n = 0;
const uniq = (base: string) => `${base}-${++n}`;

async function ok(method: string, path: string, body?: unknown, key?: string | null) {
  const r = await t.call(method, path, body, key);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const entitlement = async (code: string, key?: string) =>
  (await ok('POST', '/api/v1/entitlements', { code }, key)).entitlement;
const product = async (key?: string, extra: Record<string, unknown> = {}) =>
  (await ok('POST', '/api/v1/products', { name: 'Ent product', ...extra }, key)).product;
const license = async (productId: string, extra: Record<string, unknown> = {}, key?: string) =>
  (await ok('POST', '/api/v1/licenses', { product_id: productId, type: 'perpetual', ...extra }, key)).license;
const validate = (body: Record<string, unknown>) => t.call('POST', '/api/v1/validate', body, null);

describe('entitlement resources', () => {
  it('creates, reads, lists, updates and deletes, with ent_ ids', async () => {
    const code = uniq('crud');
    const created = await t.call('POST', '/api/v1/entitlements', {
      code,
      name: 'CRUD',
      metadata: { tier: 'x' },
    });
    expect(created.status).toBe(201);
    const e = created.body.entitlement;
    expect(e).toMatchObject({ code, name: 'CRUD', metadata: { tier: 'x' } });
    expect(e.id).toMatch(/^ent_/);
    expect((await ok('GET', `/api/v1/entitlements/${e.id}`)).entitlement.code).toBe(code);
    const list = await ok('GET', '/api/v1/entitlements?limit=100');
    expect(list.data.map((x: any) => x.id)).toContain(e.id);
    const patched = await ok('PATCH', `/api/v1/entitlements/${e.id}`, { name: null });
    expect(patched.entitlement.name).toBeNull();
    expect(await ok('DELETE', `/api/v1/entitlements/${e.id}`)).toEqual({ deleted: true, id: e.id });
    expect((await t.call('GET', `/api/v1/entitlements/${e.id}`)).body.code).toBe('NOT_FOUND');
  });

  it('refuses codes outside [A-Za-z0-9_.:-]{1,64} with 400 VALIDATION_ERROR, and a missing code with MISSING_FIELDS', async () => {
    for (const code of ['', 'has space', 'a/b', 'x'.repeat(65), 'ünï', 42]) {
      const r = await t.call('POST', '/api/v1/entitlements', { code });
      expect(r.status, JSON.stringify(code)).toBe(400);
      expect(r.body.code).toBe('VALIDATION_ERROR');
    }
    const r = await t.call('POST', '/api/v1/entitlements', { name: 'no code' });
    expect([r.status, r.body.code]).toEqual([400, 'MISSING_FIELDS']);
    expect((await t.call('POST', '/api/v1/entitlements', { code: 'a.B:c_d-9' })).status).toBe(201);
  });

  it('codes are unique per environment ignoring case: 409 CONFLICT', async () => {
    const code = uniq('Unique');
    await entitlement(code);
    const again = await t.call('POST', '/api/v1/entitlements', { code: code.toUpperCase() });
    expect([again.status, again.body.code]).toEqual([409, 'CONFLICT']);
    const other = await entitlement(uniq('other'));
    const rename = await t.call('PATCH', `/api/v1/entitlements/${other.id}`, { code: code.toLowerCase() });
    expect([rename.status, rename.body.code]).toEqual([409, 'CONFLICT']);
  });

  it('twenty concurrent creates of one code (in different cases) make one entitlement; the rest are 409', async () => {
    const code = uniq('race');
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.call('POST', '/api/v1/entitlements', { code: i % 2 ? code.toUpperCase() : code }),
      ),
    );
    const statuses = rs.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(rs.every((r) => r.status === 201 || r.body.code === 'CONFLICT')).toBe(true);
    const stored = await t.app.deps.prisma.entitlement.count({
      where: { normalizedCode: code.toLowerCase() },
    });
    expect(stored).toBe(1);
  });

  it('test and live never mix: the same code in each, and neither sees nor attaches the other', async () => {
    const code = uniq('env');
    const live = await entitlement(code, t.liveKey);
    const test = await entitlement(code, t.testKey);
    expect(test.id).not.toBe(live.id);
    expect((await t.call('GET', `/api/v1/entitlements/${live.id}`, undefined, t.testKey)).status).toBe(404);
    const testList = await ok('GET', '/api/v1/entitlements?limit=100', undefined, t.testKey);
    expect(testList.data.map((x: any) => x.id)).not.toContain(live.id);
    // A live-only code is unknown in test.
    const liveOnly = uniq('liveonly');
    await entitlement(liveOnly, t.liveKey);
    const p = await product(t.testKey);
    const r = await t.call('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [liveOnly] }, t.testKey);
    expect([r.status, r.body.code]).toEqual([404, 'NOT_FOUND']);
    // Nor can test attach to a live product.
    const lp = await product(t.liveKey);
    const cross = await t.call(
      'POST',
      `/api/v1/products/${lp.id}/entitlements`,
      { codes: [code] },
      t.testKey,
    );
    expect(cross.status).toBe(404);
  });
});

describe('effective entitlements of a license', () => {
  it("are the product's plus its own, sorted, in the license JSON", async () => {
    const [z, a, m] = [uniq('zeta'), uniq('Alpha'), uniq('mid')];
    for (const c of [z, a, m]) await entitlement(c);
    const p = await product();
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [z, a] });
    const l = await license(p.id);
    expect(l.entitlements).toEqual([a, m, z].filter((c) => c !== m).sort());
    const after = (await ok('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: [m.toUpperCase()] }))
      .license;
    expect(after.entitlements).toEqual([a, m, z].sort());
    expect((await ok('GET', `/api/v1/licenses/${l.id}`)).license.entitlements).toEqual([a, m, z].sort());
    const listed = await ok('GET', `/api/v1/licenses?product_id=${p.id}`);
    expect(listed.data[0].entitlements).toEqual([a, m, z].sort());
    expect((await ok('GET', `/api/v1/products/${p.id}`)).product.entitlements).toEqual([a, z].sort());
  });

  it('detaching one the product grants is 403 ENTITLEMENT_INHERITED; own ones detach; unknown ones are 404', async () => {
    const [inh, own] = [uniq('inherited'), uniq('own')];
    await entitlement(inh);
    await entitlement(own);
    const p = await product();
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [inh] });
    const l = await license(p.id);
    await ok('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: [own] });
    const refused = await t.call('DELETE', `/api/v1/licenses/${l.id}/entitlements/${inh}`);
    expect([refused.status, refused.body.code]).toEqual([403, 'ENTITLEMENT_INHERITED']);
    expect(refused.body).toMatchObject({ help: '/docs#errors', error: expect.any(String) });
    const detached = await ok('DELETE', `/api/v1/licenses/${l.id}/entitlements/${own.toUpperCase()}`);
    expect(detached.license.entitlements).toEqual([inh]);
    const again = await t.call('DELETE', `/api/v1/licenses/${l.id}/entitlements/${own}`);
    expect([again.status, again.body.code]).toEqual([404, 'NOT_FOUND']);
    const unknown = await t.call('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: ['nope-x', own] });
    expect([unknown.status, unknown.body.code, unknown.body.codes]).toEqual([404, 'NOT_FOUND', ['nope-x']]);
    // Detaching from the product takes it off the license.
    const pr = await ok('DELETE', `/api/v1/products/${p.id}/entitlements/${inh}`);
    expect(pr.product.entitlements).toEqual([]);
    expect((await ok('GET', `/api/v1/licenses/${l.id}`)).license.entitlements).toEqual([]);
  });

  it('the offline token carries them as `ent`, verified with the JWKS', async () => {
    const [b, a] = [uniq('b-feature'), uniq('a-feature')];
    await entitlement(b);
    await entitlement(a);
    const p = await product();
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [b] });
    const l = await license(p.id);
    await ok('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: [a] });
    const v = await validate({ license_key: l.key });
    const jwks = (await t.call('GET', '/api/v1/.well-known/jwks.json', undefined, null)).body;
    const { payload } = await jwtVerify(v.body.offline.token, createLocalJWKSet(jwks), {
      audience: p.id,
      issuer: 'traffic-orchestrator',
    });
    expect(payload.ent).toEqual([a, b].sort());
    const act = await ok(
      'POST',
      '/api/v1/activate',
      { license_key: l.key, machine_id: 'ent-device-1' },
      null,
    );
    const { payload: p2 } = await jwtVerify(act.offline.token, createLocalJWKSet(jwks));
    expect(p2.ent).toEqual([a, b].sort());
  });

  it('validate with entitlements: all held → VALID; one missing → 200 valid:false ENTITLEMENTS_MISSING, after the domain and before the machine', async () => {
    const [x, y] = [uniq('xfeat'), uniq('yfeat')];
    await entitlement(x);
    await entitlement(y);
    const p = await product();
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [x] });
    const l = await license(p.id, { allowed_domains: ['app.example.com'] });
    const held = await validate({ license_key: l.key, entitlements: [x.toUpperCase()] });
    expect([held.status, held.body.valid, held.body.code]).toEqual([200, true, 'VALID']);
    const missing = await validate({ license_key: l.key, entitlements: [x, y] });
    expect([missing.status, missing.body.valid, missing.body.code]).toEqual([
      200,
      false,
      'ENTITLEMENTS_MISSING',
    ]);
    expect(missing.body.offline).toBeUndefined();
    expect(missing.body.license.entitlements).toEqual([x]);
    // The domain check comes first …
    const domain = await validate({ license_key: l.key, domain: 'evil.example', entitlements: [y] });
    expect([domain.status, domain.body.code]).toEqual([403, 'DOMAIN_MISMATCH']);
    // … and the machine check after.
    const machine = await validate({ license_key: l.key, machine_id: 'not-activated', entitlements: [y] });
    expect(machine.body.code).toBe('ENTITLEMENTS_MISSING');
    const machineOnly = await validate({
      license_key: l.key,
      machine_id: 'not-activated',
      entitlements: [x],
    });
    expect(machineOnly.body.code).toBe('NOT_ACTIVATED');
    const bad = await validate({ license_key: l.key, entitlements: 'x' });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('the validate cache follows every attach, detach, rename and delete (license, product, entitlement)', async () => {
    const [c1, c2] = [uniq('cache1'), uniq('cache2')];
    const e1 = await entitlement(c1);
    await entitlement(c2);
    const p = await product();
    const l = await license(p.id);
    const check = async (codes: string[]) =>
      (await validate({ license_key: l.key, entitlements: codes })).body;
    // Warm the cache, then change through each route: the very next validation sees it.
    expect((await check([c1])).code).toBe('ENTITLEMENTS_MISSING');
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [c1] });
    expect((await check([c1])).code).toBe('VALID');
    await ok('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: [c2] });
    expect((await check([c1, c2])).code).toBe('VALID');
    await ok('DELETE', `/api/v1/licenses/${l.id}/entitlements/${c2}`);
    expect((await check([c2])).code).toBe('ENTITLEMENTS_MISSING');
    const renamed = uniq('renamed');
    await ok('PATCH', `/api/v1/entitlements/${e1.id}`, { code: renamed });
    const afterRename = await check([renamed]);
    expect(afterRename.code).toBe('VALID');
    expect(afterRename.license.entitlements).toEqual([renamed]);
    await ok('DELETE', `/api/v1/products/${p.id}/entitlements/${renamed}`);
    expect((await check([renamed])).code).toBe('ENTITLEMENTS_MISSING');
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [renamed] });
    expect((await check([renamed])).code).toBe('VALID');
    await ok('DELETE', `/api/v1/entitlements/${e1.id}`);
    const gone = await check([renamed]);
    expect(gone.code).toBe('ENTITLEMENTS_MISSING');
    expect(gone.license.entitlements).toEqual([]);
  });

  it('concurrent attaches to a product and to its licenses, and license creates, all end with the right set', async () => {
    const codes = Array.from({ length: 6 }, (_, i) => uniq(`conc${i}`));
    for (const c of codes) await entitlement(c);
    const p = await product();
    const first = await license(p.id);
    const results = await Promise.all([
      ...codes
        .slice(0, 3)
        .map((c) => t.call('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [c] })),
      ...codes
        .slice(3)
        .map((c) => t.call('POST', `/api/v1/licenses/${first.id}/entitlements`, { codes: [c] })),
      ...Array.from({ length: 4 }, () =>
        t.call('POST', '/api/v1/licenses', { product_id: p.id, type: 'perpetual' }),
      ),
    ]);
    expect(results.filter((r) => r.status >= 300).map((r) => r.body)).toEqual([]);
    const rows = await t.app.deps.prisma.license.findMany({ where: { productId: p.id } });
    const productCodes = codes.slice(0, 3).sort();
    for (const r of rows) {
      const expected = r.id === first.id ? [...codes].sort() : productCodes;
      expect(r.entitlementCodes, r.id).toEqual(expected);
    }
  });
});

describe('audit log', () => {
  it('records creates, renames, attaches and detaches with the codes before and after', async () => {
    const code = uniq('audited');
    const e = await entitlement(code);
    await ok('PATCH', `/api/v1/entitlements/${e.id}`, { name: 'Audited' });
    const p = await product();
    const l = await license(p.id);
    await ok('POST', `/api/v1/products/${p.id}/entitlements`, { codes: [code] });
    const own = uniq('own');
    await entitlement(own);
    await ok('POST', `/api/v1/licenses/${l.id}/entitlements`, { codes: [own] });
    await ok('DELETE', `/api/v1/licenses/${l.id}/entitlements/${own}`);
    const log = async (q: string) => (await ok('GET', `/api/v1/audit-log?${q}`)).data;
    const [created] = await log(`target=${e.id}&action=entitlement.created`);
    expect(created).toMatchObject({ targetType: 'entitlement', actor: { type: 'api_key' } });
    expect(created.changes.code).toEqual([null, code]);
    const [renamed] = await log(`target=${e.id}&action=entitlement.updated`);
    expect(renamed.changes).toEqual({ name: [null, 'Audited'] });
    const [granted] = await log(`target=${p.id}&action=product.entitlements_attached`);
    expect(granted.changes).toEqual({ entitlements: [[], [code]] });
    const onLicense = await log(`target=${l.id}`);
    const actions = onLicense.map((x: any) => x.action);
    expect(actions).toEqual(
      expect.arrayContaining(['license.entitlements_attached', 'license.entitlements_detached']),
    );
    const detached = onLicense.find((x: any) => x.action === 'license.entitlements_detached');
    expect(detached.changes).toEqual({ entitlements: [[code, own].sort(), [code]] });
  });
});
