// The checked-in typed GraphQL documents (src/sdk/gql) match what codegen.ts generates from the
// current schema, they run against the real /graphql, and the SDK imports nothing from the server.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../codegen';
import { print } from '../src/graphql/graphql-js';
import {
  CreateLicenseDocument,
  LicenseByKeyDocument,
  LicensesDocument,
  SuspendLicenseDocument,
  ValidateLicenseDocument,
} from '../src/sdk/gql/graphql';
import { makeApp, type TestApp } from './helpers/app';

const repoRoot = resolve(new URL('..', import.meta.url).pathname);
// Typed documents are generated for the SDK and for the dashboard.
const gqlDirs = ['src/sdk/gql', 'src/dashboard/gql'].map((d) => join(repoRoot, d));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const sdkDir = join(repoRoot, 'src/sdk');

/** The SDK's TypeScript sources, generated ones included; not its build output (dist, dist.next-…). */
const sdkSources = () =>
  filesUnder(sdkDir).filter((f) => f.endsWith('.ts') && !/^dist/.test(relative(sdkDir, f)));

/** The module specifiers a file imports or re-exports, static or dynamic. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
}

describe('GraphQL codegen', () => {
  it('src/sdk/gql and src/dashboard/gql are what `npm run generate` writes from schema/schema.graphql (no drift)', async () => {
    // Generated in memory (saveToFile false), then formatted as the codegen hook does.
    const outputs = await generate({ ...config, cwd: repoRoot, silent: true }, false);
    const generated = new Map<string, string>();
    for (const o of outputs) {
      const abs = resolve(repoRoot, o.filename);
      const options = (await prettier.resolveConfig(abs)) ?? {};
      generated.set(abs, await prettier.format(o.content, { ...options, filepath: abs }));
    }
    expect(generated.size).toBeGreaterThan(0);
    const committed = gqlDirs.flatMap(filesUnder).sort();
    expect(committed, 'files in src/sdk/gql and src/dashboard/gql (run `npm run generate`)').toEqual(
      [...generated.keys()].sort(),
    );
    for (const [file, content] of generated) {
      expect(
        readFileSync(file, 'utf8'),
        `${relative(repoRoot, file)} is stale: run \`npm run generate\``,
      ).toBe(content);
    }
  });

  it('the SDK and its generated files import only node built-ins, jose and each other', () => {
    const allowed = /^(node:.+|jose|@graphql-typed-document-node\/core)$/;
    for (const file of sdkSources()) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = resolve(file, '..', spec);
          expect(target.startsWith(sdkDir + '/'), `${relative(repoRoot, file)} imports ${spec}`).toBe(true);
        } else {
          expect(spec, `${relative(repoRoot, file)} imports ${spec}`).toMatch(allowed);
        }
      }
    }
  });

  it("the SDK's browser entry reaches no node: built-in, through any of its imports", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('node:'), `${relative(repoRoot, file)} imports ${spec}`).toBe(false);
        if (spec.startsWith('.')) visit(resolve(file, '..', spec).replace(/\.js$/, '.ts'));
      }
    };
    visit(join(sdkDir, 'browser.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].map((f) => relative(sdkDir, f))).not.toContain('file-storage.ts');
  });

  it('the server imports nothing of the SDK (it ships apart, as @traffic-orchestrator/client)', () => {
    const src = join(repoRoot, 'src');
    const server = filesUnder(src).filter((f) => f.endsWith('.ts') && !f.startsWith(sdkDir + '/'));
    expect(server.length).toBeGreaterThan(50);
    for (const file of server) {
      for (const spec of importsOf(file)) {
        const into = spec.startsWith('.') && resolve(file, '..', spec).startsWith(sdkDir);
        expect(
          into || spec.startsWith('@traffic-orchestrator/'),
          `${relative(repoRoot, file)} imports ${spec}`,
        ).toBe(false);
      }
    }
  });
});

describe('generated documents against the real /graphql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(() => t.close());

  /** A minimal typed client: the variables and the result are checked by tsc through the document. */
  async function exec<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const r = await t.call('POST', '/graphql', { query: print(doc), variables });
    if (r.status !== 200 || r.body?.errors?.length) {
      throw new Error(`GraphQL failed (HTTP ${r.status}): ${JSON.stringify(r.body)}`);
    }
    return r.body.data as R;
  }

  it('create, list, read by key, validate and suspend a license', async () => {
    const p = await t.call('POST', '/api/v1/products', { name: 'Dashboard Product' });
    expect(p.status).toBe(201);
    const productId: string = p.body.product.id;

    const created = await exec(CreateLicenseDocument, {
      input: { productId, type: 'subscription', maxActivations: 3, email: 'buyer@example.com' },
    });
    if (created.createLicense.__typename !== 'CreateLicenseSuccess') {
      throw new Error(`createLicense: ${JSON.stringify(created.createLicense)}`);
    }
    const license = created.createLicense.license;
    expect(license).toMatchObject({
      type: 'subscription',
      status: 'active',
      maxActivations: 3,
      email: 'buyer@example.com',
      product: { id: productId, name: 'Dashboard Product' },
    });

    const list = await exec(LicensesDocument, { first: 10, filter: { productId } });
    expect(list.licenses.totalCount).toBe(1);
    expect(list.licenses.nodes[0]).toMatchObject({
      id: license.id,
      product: { id: productId },
      customer: { email: 'buyer@example.com' },
    });

    const byKey = await exec(LicenseByKeyDocument, { key: license.key });
    expect(byKey.licenseByKey).toMatchObject({ id: license.id, activations: [], suspendedAt: null });

    const v = await exec(ValidateLicenseDocument, { input: { key: license.key, productId } });
    expect(v.validateLicense).toMatchObject({ valid: true, code: 'VALID', license: { id: license.id } });

    const s = await exec(SuspendLicenseDocument, { id: license.id });
    expect(s.suspendLicense).toMatchObject({
      __typename: 'SuspendLicenseSuccess',
      license: { id: license.id, status: 'suspended' },
    });
    const again = await exec(ValidateLicenseDocument, { input: { key: license.key } });
    expect(again.validateLicense).toMatchObject({ valid: false, code: 'SUSPENDED' });

    const missing = await exec(SuspendLicenseDocument, { id: 'lic_doesnotexist' });
    expect(missing.suspendLicense).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });
});
