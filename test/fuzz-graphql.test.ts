// Hostile input through GraphQL: every mutation (and every query field with arguments) of the live
// schema, found by introspection, gets each hostile value (test/helpers/fuzz.ts) in each of its
// input fields, the rest filled with plausible values. None may answer 5xx, mask an internal error
// (INTERNAL_ERROR) or log an unhandled one. Run on both databases (DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from '../src/graphql/graphql-js';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { BAD_VALUES, deep, toJson, unsafe } from './helpers/fuzz';

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface FullType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

let t: TestApp;
const ids: Record<string, string> = {};
const unhandled: unknown[] = [];
let types: Map<string, FullType>;

beforeAll(async () => {
  t = await makeApp({
    webhookAllowPrivate: true,
    rateLimit: { ...(await import('../src/config')).testConfig().rateLimit, enabled: false },
  });
  const pl = await productAndLicense(t, { max_activations: 1000 });
  Object.assign(ids, { product: pl.product.id, license: pl.license.id, key: pl.license.key });
  ids.customer = (await t.call('POST', '/api/v1/customers', { email: 'fuzz@example.com' })).body.customer.id;
  ids.webhook = (
    await t.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })
  ).body.webhook.id;
  const res = await t.call('POST', '/graphql', { query: getIntrospectionQuery() });
  types = new Map((res.body.data.__schema.types as FullType[]).map((ty) => [ty.name, ty]));
  const error = t.app.deps.logger.error.bind(t.app.deps.logger);
  t.app.deps.logger.error = ((obj: unknown, msg?: string, ...rest: unknown[]) => {
    if (msg && /unhandled|unexpected/.test(msg)) unhandled.push({ obj, msg });
    return (error as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof t.app.deps.logger.error;
  // Refused by the database rather than by the input layer: a 4xx still, but too late.
  const warn = t.app.deps.logger.warn.bind(t.app.deps.logger);
  t.app.deps.logger.warn = ((obj: unknown, msg?: string, ...rest: unknown[]) => {
    if (/database refused the request/.test(msg ?? '')) unhandled.push({ obj, msg });
    return (warn as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof t.app.deps.logger.warn;
});
afterAll(() => t.close());

const named = (r: TypeRef): TypeRef => (r.ofType ? named(r.ofType) : r);
const print = (r: TypeRef): string =>
  r.kind === 'NON_NULL' ? `${print(r.ofType!)}!` : r.kind === 'LIST' ? `[${print(r.ofType!)}]` : r.name!;

/** A plausible value for a field, by its name and type, so that one hostile field is what fails. */
function plausible(field: string, ref: TypeRef, owner: string): unknown {
  if (ref.kind === 'NON_NULL') return plausible(field, ref.ofType!, owner);
  if (ref.kind === 'LIST') return [];
  const n = named(ref).name!;
  if (/^(license)?id$/i.test(field) || field === 'licenseId') {
    const o = owner.toLowerCase();
    if (field === 'licenseId' || o.includes('license')) return ids.license;
    if (o.includes('product')) return ids.product;
    if (o.includes('customer')) return ids.customer;
    if (o.includes('webhook')) return ids.webhook;
    return 'x_unknown';
  }
  if (field === 'productId') return ids.product;
  if (field === 'customerId') return ids.customer;
  if (field === 'key' || field === 'licenseKey') return ids.key;
  if (field === 'machineId') return 'fuzz-device';
  if (field === 'email') return 'fuzz@example.com';
  if (field === 'url') return 'http://127.0.0.1:9/hook';
  const type = types.get(n)!;
  if (type.kind === 'ENUM') return type.enumValues![0]!.name;
  if (type.kind === 'INPUT_OBJECT') return fill(type.inputFields!, owner);
  return { Int: 1, Float: 1, Boolean: false, DateTime: '2030-01-01T00:00:00Z', JSON: {} }[n] ?? 'x';
}

/** The required fields of an input, filled in. */
function fill(fields: InputValue[], owner: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.type.kind === 'NON_NULL') out[f.name] = plausible(f.name, f.type, owner);
  return out;
}

/** Mutations that would end the test's own credential or account. */
const SKIP = /^(revokeApiKey|suspendAccount|logout|rotateSigningKey|deleteUser)$/;

interface Case {
  what: string;
  query: string;
  variables: Record<string, unknown>;
}

/** For every root field with arguments: each argument, and each field of an input-object argument,
 * set to each hostile value. */
function cases(root: 'Mutation' | 'Query'): Case[] {
  const out: Case[] = [];
  for (const f of types.get(root)!.fields!) {
    if (f.args.length === 0 || SKIP.test(f.name)) continue;
    const decl = f.args.map((a) => `$${a.name}: ${print(a.type)}`).join(', ');
    const call = f.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const result = types.get(named(f.type).name!)!;
    const selection = result.kind === 'SCALAR' || result.kind === 'ENUM' ? '' : ' { __typename }';
    const query = `${root === 'Mutation' ? 'mutation' : 'query'} Fuzz(${decl}) { ${f.name}(${call})${selection} }`;
    const base: Record<string, unknown> = {};
    for (const a of f.args) base[a.name] = plausible(a.name, a.type, f.name);
    for (const a of f.args) {
      const argType = types.get(named(a.type).name!)!;
      const targets =
        argType.kind === 'INPUT_OBJECT' ? [...argType.inputFields!.map((x) => x.name), 'metadata'] : [null];
      for (const target of new Set(targets)) {
        for (const [label, value] of BAD_VALUES) {
          const arg = target === null ? value : { ...(base[a.name] as object), [target]: value };
          out.push({
            what: `${f.name}(${a.name}${target ? `.${target}` : ''} = ${label})`,
            query,
            variables: { ...base, [a.name]: arg },
          });
        }
      }
    }
  }
  return out;
}

async function run(list: Case[], key: string | null = t.liveKey) {
  const failures: string[] = [];
  for (const c of list) {
    const res = await t.call('POST', '/graphql', toJson({ query: c.query, variables: c.variables }), key);
    const masked = (res.body?.errors ?? []).some(
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'INTERNAL_ERROR',
    );
    const why =
      unsafe(c.what, res) ?? (masked ? `${c.what} → ${JSON.stringify(res.body).slice(0, 200)}` : null);
    if (why) failures.push(why);
  }
  return failures;
}

describe('GraphQL fuzz, derived from the schema', () => {
  it('no mutation answers 5xx or an internal error to hostile input fields', async () => {
    const list = cases('Mutation');
    expect(list.length).toBeGreaterThan(1000);
    const failures = await run(list);
    expect(
      failures.length,
      `${failures.length} of ${list.length}:\n${failures.slice(0, 40).join('\n')}`,
    ).toBe(0);
    expect(unhandled, JSON.stringify(unhandled.slice(0, 3))).toEqual([]);
  }, 300_000);

  it('no query field answers 5xx or an internal error to hostile arguments and filters', async () => {
    const list = cases('Query');
    const failures = await run(list);
    expect(
      failures.length,
      `${failures.length} of ${list.length}:\n${failures.slice(0, 40).join('\n')}`,
    ).toBe(0);
    expect(unhandled, JSON.stringify(unhandled.slice(0, 3))).toEqual([]);
  }, 300_000);

  it('anonymous validateLicense refuses a NUL, a lone surrogate or deep nesting with VALIDATION_ERROR', async () => {
    const query = `mutation($input: ValidateLicenseInput!) { validateLicense(input: $input) { __typename } }`;
    const inputs = [
      { key: ids.key, machineId: 'a\u0000b' },
      { key: 'AAAA\u0000', machineId: 'd' },
      { key: ids.key, machineId: '\ud800' },
      { key: ids.key, machineId: 'd', extra: deep(5000) },
    ];
    for (const input of inputs) {
      const res = await t.call('POST', '/graphql', toJson({ query, variables: { input } }), null);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('VALIDATION_ERROR');
    }
    // A NUL written into the document itself, as a string literal escape.
    const literal = `mutation { validateLicense(input: {key: "AAAA\\u0000", machineId: "d"}) { __typename } }`;
    const res = await t.call('POST', '/graphql', { query: literal }, null);
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe('VALIDATION_ERROR');
  });
});
