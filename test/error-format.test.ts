// One error format: every REST error answer is `{error, code, help}` (plus fields of its own),
// validate's 404 and 403 included, which also keep `valid`, `license` and `validatedAt`. The OpenAPI
// document says the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ maxBodyBytes: 4096 });
});
afterAll(() => t.close());

const HELP = '/docs#errors';

function expectErrorBody(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ code, help: HELP });
  expect(typeof r.body.error, JSON.stringify(r.body)).toBe('string');
  expect(r.body.error.length).toBeGreaterThan(0);
}

describe('the error format', () => {
  it("validate's 404 (unknown key) carries error, code and help beside the validation's fields", async () => {
    const r = await t.call('POST', '/api/v1/validate', { license_key: 'AAAA-BBBB-CCCC-DDDD' }, null);
    expectErrorBody(r, 404, 'NOT_FOUND');
    expect(r.body).toEqual({
      valid: false,
      error: 'License not found',
      code: 'NOT_FOUND',
      help: HELP,
      license: null,
      validatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("validate's 403 (domain mismatch) carries error, code and help, and the license", async () => {
    const { license } = await productAndLicense(t, { allowed_domains: ['example.com'] });
    const r = await t.call('POST', '/api/v1/validate', { key: license.key, domain: 'evil.com' }, null);
    expectErrorBody(r, 403, 'DOMAIN_MISMATCH');
    expect(r.body).toMatchObject({
      valid: false,
      license: { id: license.id },
      validatedAt: expect.any(String),
    });
    expect(r.body.offline).toBeUndefined();
    // A validation that is not an HTTP error keeps its plain shape.
    const ok = await t.call('POST', '/api/v1/validate', { key: license.key, domain: 'example.com' }, null);
    expect(ok.status).toBe(200);
    expect(ok.body.error).toBeUndefined();
    expect(ok.body.help).toBeUndefined();
  });

  it('holds for every other kind of error answer', async () => {
    const { license } = await productAndLicense(t, { max_activations: 1 });
    await t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'm1' }, null);
    const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
      ['missing fields', () => t.call('POST', '/api/v1/activate', {}, null), 400, 'MISSING_FIELDS'],
      ['malformed JSON', () => t.call('POST', '/api/v1/validate', '{"key":', null), 400, 'VALIDATION_ERROR'],
      ['no credential', () => t.call('GET', '/api/v1/licenses', undefined, null), 401, 'AUTH_REQUIRED'],
      [
        'unknown API key',
        () => t.call('GET', '/api/v1/licenses', undefined, 'to_live_' + 'x'.repeat(40)),
        401,
        'INVALID_API_KEY',
      ],
      ['bad JWT', () => t.call('GET', '/api/v1/licenses', undefined, 'a.b.c'), 403, 'INVALID_TOKEN'],
      ['unknown route', () => t.call('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND'],
      [
        'wrong method',
        () => t.call('DELETE', '/api/v1/validate', undefined, null),
        405,
        'METHOD_NOT_ALLOWED',
      ],
      [
        'seat limit',
        () => t.call('POST', '/api/v1/activate', { key: license.key, machine_id: 'm2' }, null),
        409,
        'ACTIVATION_LIMIT_REACHED',
      ],
      [
        'unknown device',
        () => t.call('POST', '/api/v1/deactivate', { key: license.key, machine_id: 'nope' }, null),
        404,
        'NOT_FOUND',
      ],
      [
        'heartbeat of a device without a seat',
        () => t.call('POST', '/api/v1/heartbeat', { key: license.key, machine_id: 'nope' }, null),
        404,
        'NOT_ACTIVATED',
      ],
      [
        'body too large',
        () => t.call('POST', '/api/v1/validate', { key: 'x'.repeat(5000) }, null),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['unknown license', () => t.call('GET', '/api/v1/licenses/lic_nope'), 404, 'NOT_FOUND'],
    ];
    for (const [what, call, status, code] of cases) {
      const r = await call();
      expect.soft(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
      expect.soft(r.body, what).toMatchObject({ code, help: HELP, error: expect.any(String) });
    }
    const revoked = await productAndLicense(t);
    await t.call('POST', `/api/v1/licenses/${revoked.license.id}/revoke`);
    const r = await t.call('POST', '/api/v1/activate', { key: revoked.license.key, machine_id: 'm' }, null);
    expectErrorBody(r, 403, 'REVOKED');
  });

  it('a 429 keeps the documented retryAfter and carries help too', async () => {
    const s = await makeApp({
      rateLimit: { ...t.app.deps.config.rateLimit, enabled: true, failedLookupsPerMinute: 2 },
    });
    try {
      let last: { status: number; body: any; headers: Headers } | undefined;
      for (let i = 0; i < 4; i++) {
        last = await s.call('POST', '/api/v1/validate', { key: `AAAA-BBBB-CCCC-000${i}` }, null);
      }
      expectErrorBody(last!, 429, 'RATE_LIMITED');
      expect(last!.body).toEqual({
        error: 'Rate limit exceeded',
        code: 'RATE_LIMITED',
        help: HELP,
        retryAfter: expect.any(Number),
      });
    } finally {
      await s.close();
    }
  });

  it('the OpenAPI document says so', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json', undefined, null)).body;
    const schemas = doc.components.schemas;
    expect(schemas.Error.required).toEqual(['error', 'code', 'help']);
    expect(schemas.RateLimited.required).toEqual(expect.arrayContaining(['error', 'code', 'help']));
    const failure = schemas.ValidationFailure;
    expect(failure.allOf[0]).toEqual({ $ref: '#/components/schemas/Validation' });
    expect(failure.allOf[1].required).toEqual(['error', 'code', 'help']);
    const validate = doc.paths['/api/v1/validate'].post.responses;
    for (const status of ['404', '403']) {
      const content = validate[status].content['application/json'];
      expect(content.schema.anyOf).toContainEqual({ $ref: '#/components/schemas/ValidationFailure' });
      expect(content.example).toMatchObject({ valid: false, help: HELP, error: expect.any(String) });
      expect(content.example).toHaveProperty('validatedAt');
      expect(content.example).toHaveProperty('license');
    }
    expect(validate['404'].content['application/json'].example.code).toBe('NOT_FOUND');
    expect(validate['403'].content['application/json'].example.code).toBe('DOMAIN_MISMATCH');
    // Every error status of every operation points at a schema that requires the three fields.
    const requiresTriple = (ref: string) => {
      const s = schemas[ref.replace('#/components/schemas/', '')];
      const required: string[] = s.required ?? s.allOf?.flatMap((p: any) => p.required ?? []) ?? [];
      return ['error', 'code', 'help'].every((f) => required.includes(f));
    };
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const [status, res] of Object.entries<any>(op.responses)) {
          if (Number(status) < 400) continue;
          const schema = res.content['application/json'].schema;
          const refs: string[] = schema.$ref ? [schema.$ref] : schema.anyOf.map((s: any) => s.$ref);
          expect(refs.every(requiresTriple), `${method} ${path} ${status}`).toBe(true);
        }
      }
    }
  });
});
