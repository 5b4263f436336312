// @traffic-orchestrator/client as people get it: `npm pack` in src/sdk, the tarball installed into an
// empty project (offline: jose comes packed from node_modules beside it), then run against a live
// server under plain node (import and require), type-checked by tsc as a consumer would, bundled by
// Vite for a browser and run in Chromium, and bundled by Vite for a Node server.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMachineId } from '../src/sdk/index';
import { productAndLicense, type TestApp } from './helpers/app';
import { repoRoot, started } from './helpers/sdk';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const sdkDir = join(repoRoot, 'src/sdk');

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let tmp: string;
let project: string;
let packed: Packed;
let t: TestApp;
let baseUrl: string;
let statics: Server;
let staticOrigin: string;

/** Packs `dir` into `dest` without running its scripts (the global setup built src/sdk/dist). */
async function pack(dir: string, dest: string): Promise<Packed> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: dir,
  });
  return (JSON.parse(stdout) as Packed[])[0]!;
}

/** A static file server for the browser bundle (an origin of its own, as a real site would be). */
async function serveStatic(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** What the consumers do, the same in every flavour: the license's life through the SDK. */
const SCRIPT_BODY = `
  const [baseUrl, licenseKey] = process.argv.slice(2);
  const to = new TrafficOrchestrator({ baseUrl });
  const machineId = TrafficOrchestrator.generateMachineId();
  const out = { machineId };
  const a = await to.activate({ licenseKey, machineId, label: 'consumer' });
  out.created = a.created;
  const v = await to.validate({ licenseKey, machineId });
  out.valid = v.valid;
  out.code = v.code;
  const claims = await to.verifyOffline(v.offline.token, { licenseKey, machineId });
  out.sub = claims.sub;
  const unknown = await to.validate({ licenseKey: 'AAAA-BBBB-CCCC-DDDD' });
  out.unknown = { valid: unknown.valid, code: unknown.code, error: unknown.error, help: unknown.help };
  try {
    await to.activate({ licenseKey, machineId: 'second-device' });
    await to.activate({ licenseKey, machineId: 'third-device' });
  } catch (err) {
    out.refused = { isSdkError: err instanceof TrafficOrchestratorError, code: err.code, status: err.status };
  }
  await to.deactivate({ licenseKey, machineId: 'second-device' });
  out.deactivated = (await to.deactivate({ licenseKey, machineId })).deactivated;
  console.log(JSON.stringify(out));
`;

beforeAll(async () => {
  tmp = mkdtempSync(join(os.tmpdir(), 'to-sdk-package-'));
  packed = await pack(sdkDir, tmp);
  // jose is the SDK's one dependency; graphql and its typed-document types are the optional peers of
  // the ./gql entry, which a dashboard has anyway (the type check below uses them).
  const others = await Promise.all(
    ['jose', 'graphql', '@graphql-typed-document-node/core'].map((p) =>
      pack(join(repoRoot, 'node_modules', p), tmp),
    ),
  );
  project = join(tmp, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // --offline: nothing may come from the registry. Each package comes from its own tarball and
  // satisfies the SDK's ranges, so npm needs nothing else.
  const tarballs = [packed, ...others].map((p) => join(tmp, p.filename));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], {
    cwd: project,
  });

  statics = await serveStatic(join(project, 'web-dist'));
  const port = (statics.address() as { port: number }).port;
  staticOrigin = `http://127.0.0.1:${port}`;
  ({ t, baseUrl } = await started({ corsOrigins: [staticOrigin] }));
}, 240_000);

afterAll(async () => {
  await t?.close();
  await new Promise((r) => statics?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function consumerRun(file: string, licenseKey: string) {
  const { stdout } = await run(process.execPath, [file, baseUrl, licenseKey], { cwd: project });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const expectLifecycle = (out: any, licenseId: string) => {
  expect(out).toEqual({
    machineId: generateMachineId(),
    created: true,
    valid: true,
    code: 'VALID',
    sub: licenseId,
    unknown: { valid: false, code: 'NOT_FOUND', error: 'License not found', help: '/docs#errors' },
    refused: { isSdkError: true, code: 'ACTIVATION_LIMIT_REACHED', status: 409 },
    deactivated: true,
  });
};

describe('the packed package', () => {
  it('is built JavaScript (ESM and CommonJS) with type declarations, and depends on jose alone', () => {
    const paths = packed.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'README.md',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/browser.js',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
      'dist/esm/graphql.js',
    ]) {
      expect(paths, f).toContain(f);
    }
    // No TypeScript sources, tests or build files: only built output, declarations and the metadata.
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.every((p) => p === 'package.json' || p === 'README.md' || p.startsWith('dist/'))).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules/@traffic-orchestrator/client/package.json'), 'utf8'),
    );
    expect(manifest.name).toBe('@traffic-orchestrator/client');
    expect(Object.keys(manifest.dependencies)).toEqual(['jose']);
    expect(manifest.exports['.']).toMatchObject({
      import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
      require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
    });
    // The figures the README quotes.
    console.log(
      `packed ${packed.filename}: ${packed.size} bytes, ${packed.unpackedSize} unpacked, ${paths.length} files`,
    );
  });

  it('runs under plain node as an ES module', async () => {
    const { license } = await productAndLicense(t, { max_activations: 2 });
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { TrafficOrchestrator, TrafficOrchestratorError } from '@traffic-orchestrator/client';\n${SCRIPT_BODY}`,
    );
    expectLifecycle(await consumerRun('esm.mjs', license.key), license.id);
  });

  it('runs under plain node through require()', async () => {
    const { license } = await productAndLicense(t, { max_activations: 2 });
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { TrafficOrchestrator, TrafficOrchestratorError } = require('@traffic-orchestrator/client');\n` +
        `(async () => {\n${SCRIPT_BODY}\n})().catch((err) => { console.error(err); process.exit(1); });`,
    );
    expectLifecycle(await consumerRun('cjs.cjs', license.key), license.id);
  });

  it("type-checks in a consumer's TypeScript, with NodeNext and with bundler resolution", async () => {
    const source = `
      import { TrafficOrchestrator, TrafficOrchestratorError, type ValidateResult } from '@traffic-orchestrator/client';
      import { LicensesDocument } from '@traffic-orchestrator/client/gql';
      const to = new TrafficOrchestrator({ baseUrl: 'http://localhost:4000', apiKey: 'to_live_x' });
      const id: string = TrafficOrchestrator.generateMachineId();
      export async function check(licenseKey: string): Promise<boolean> {
        const r: ValidateResult = await to.validate({ licenseKey, machineId: id });
        // @ts-expect-error: the result's code is a known validation code, not any string
        const wrong: 'NOPE' = r.code;
        void wrong;
        try { await to.activate({ licenseKey, machineId: id }); } catch (e) { if (e instanceof TrafficOrchestratorError) return e.code === 'ACTIVATION_LIMIT_REACHED'; }
        return r.valid && LicensesDocument.kind === 'Document';
      }
    `;
    writeFileSync(join(project, 'check.mts'), source);
    writeFileSync(join(project, 'check.cts'), source);
    writeFileSync(join(project, 'bundler.ts'), source);
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    // No @types/node, the DOM's lib: what a browser project sees. skipLibCheck off, so the package's
    // own declarations are checked too.
    const base = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      lib: ['ES2022', 'DOM'],
      target: 'ES2022',
    };
    const configs = {
      'tsconfig.nodenext.json': {
        compilerOptions: { ...base, module: 'NodeNext', moduleResolution: 'NodeNext' },
        files: ['check.mts', 'check.cts'],
      },
      'tsconfig.bundler.json': {
        compilerOptions: { ...base, module: 'ESNext', moduleResolution: 'Bundler' },
        files: ['bundler.ts'],
      },
    };
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(join(project, name), JSON.stringify(config));
      const r = await run(process.execPath, [tsc, '-p', name], { cwd: project }).catch(
        (e: { stdout: string }) => e,
      );
      expect((r as { stdout: string }).stdout, name).toBe('');
    }
  });
});

describe('the packed package in a bundler', () => {
  it('Vite bundles it for a browser, and the bundle runs in Chromium against the server', async (ctx) => {
    if (!existsSync(CHROMIUM)) ctx.skip();
    const { license } = await productAndLicense(t, { max_activations: 2, type: 'floating' });
    const web = join(project, 'web');
    mkdirSync(web, { recursive: true });
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>sdk</title><script type="module" src="./main.js"></script>',
    );
    writeFileSync(
      join(web, 'main.js'),
      `import { TrafficOrchestrator, TrafficOrchestratorError, WebStorage, FileStorage } from '@traffic-orchestrator/client';
      const q = new URLSearchParams(location.search);
      const licenseKey = q.get('key');
      const out = {};
      try {
        const to = new TrafficOrchestrator({ baseUrl: q.get('api'), storage: new WebStorage() });
        const machineId = TrafficOrchestrator.generateMachineId();
        out.machineId = machineId;
        out.stable = TrafficOrchestrator.generateMachineId() === machineId;
        out.created = (await to.activate({ licenseKey, machineId, platform: 'web' })).created;
        const v = await to.validate({ licenseKey, machineId });
        out.valid = v.valid;
        out.sub = (await to.verifyOffline(v.offline.token, { licenseKey, machineId })).sub;
        out.cached = Object.keys(localStorage).filter((k) => k.startsWith('traffic-orchestrator:')).sort();
        out.heartbeat = (await to.heartbeat({ licenseKey, machineId })).ok;
        try { await to.heartbeat({ licenseKey, machineId: 'not-here' }); } catch (e) { out.refused = e instanceof TrafficOrchestratorError && e.code; }
        try { new FileStorage('/tmp'); } catch (e) { out.fileStorage = e.message; }
      } catch (e) {
        out.error = String(e && e.stack || e);
      }
      window.__result = out;`,
    );
    await build({
      root: web,
      configFile: false,
      logLevel: 'warn',
      build: { outDir: join(project, 'web-dist'), emptyOutDir: true, minify: true },
    });
    const bundle = readFileSync(
      join(
        project,
        'web-dist/assets',
        readFileSync(join(project, 'web-dist/index.html'), 'utf8').match(/assets\/([^"]+\.js)/)![1]!,
      ),
      'utf8',
    );
    expect(bundle).not.toMatch(/node:(fs|os|crypto)/);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const failures: string[] = [];
      page.on('pageerror', (e) => failures.push(String(e)));
      await page.goto(
        `${staticOrigin}/?api=${encodeURIComponent(baseUrl)}&key=${encodeURIComponent(license.key)}`,
      );
      await page.waitForFunction(() => (window as { __result?: unknown }).__result, undefined, {
        timeout: 30_000,
      });
      const out = await page.evaluate(() => (window as unknown as { __result: unknown }).__result);
      expect(failures).toEqual([]);
      expect((out as { error?: string }).error).toBeUndefined();
      expect(out).toMatchObject({
        machineId: expect.stringMatching(/^[0-9a-f]{64}$/),
        stable: true,
        created: true,
        valid: true,
        sub: license.id,
        heartbeat: true,
        refused: 'NOT_ACTIVATED',
        fileStorage: expect.stringContaining('WebStorage'),
      });
      expect((out as { cached: string[] }).cached).toEqual(
        expect.arrayContaining(['traffic-orchestrator:install-id', 'traffic-orchestrator:jwks']),
      );
      // The device id of a browser is its own (a random install id), not this machine's.
      expect((out as { machineId: string }).machineId).not.toBe(generateMachineId());
    } finally {
      await browser.close();
    }
  });

  it('Vite bundles it, jose included, for a Node server, and the bundle runs under node', async () => {
    const { license } = await productAndLicense(t, { max_activations: 2 });
    const server = join(project, 'server');
    mkdirSync(server, { recursive: true });
    writeFileSync(
      join(server, 'entry.mjs'),
      `import { TrafficOrchestrator, TrafficOrchestratorError } from '@traffic-orchestrator/client';\n${SCRIPT_BODY}`,
    );
    await build({
      root: server,
      configFile: false,
      logLevel: 'warn',
      ssr: { noExternal: true, target: 'node' },
      build: { ssr: join(server, 'entry.mjs'), outDir: join(project, 'server-dist'), emptyOutDir: true },
    });
    const out = join(project, 'server-dist/entry.mjs');
    // Everything is in the bundle: it runs from a folder with no node_modules at all.
    const alone = join(tmp, 'alone');
    mkdirSync(alone, { recursive: true });
    writeFileSync(join(alone, 'entry.mjs'), readFileSync(out));
    const { stdout } = await run(process.execPath, [join(alone, 'entry.mjs'), baseUrl, license.key], {
      cwd: alone,
    });
    expectLifecycle(JSON.parse(stdout.trim()), license.id);
  });
});
