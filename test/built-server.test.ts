// `npm start` runs the server built to JavaScript (src/dist/main.js, by `npm run server:build` at
// install) with plain node, and `npm run cli` the built CLI: both must work without tsx. This test
// builds, starts the built server on a fresh PGlite folder, and checks it answers over real HTTP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, listeningPort, ROOT, spawnBuilt } from './helpers/server-process';

const dir = mkdtempSync(join(tmpdir(), 'to-built-'));

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'server:build'], { cwd: ROOT, stdio: 'inherit' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built server (npm start)', () => {
  it('starts with plain node, answers ready, REST and GraphQL, and the built CLI reads its database', async () => {
    const env = childEnv({ DATA_DIR: join(dir, 'data'), PORT: '0', NODE_ENV: 'production' });
    const s = spawnBuilt('src/dist/main.js', env);
    try {
      const port = await listeningPort(s);
      const base = `http://127.0.0.1:${port}`;
      const ready = await fetch(`${base}/api/v1/ready`);
      expect(ready.status).toBe(200);
      // The bootstrap live key printed at the first start authenticates a REST write.
      const key = /\b(to_live_[A-Za-z0-9]+)/.exec(s.stdout())?.[1];
      expect(key, s.stdout()).toBeTruthy();
      const product = await fetch(`${base}/api/v1/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Built' }),
      });
      expect(product.status).toBe(201);
      const unknown = await fetch(`${base}/api/v1/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ license_key: 'NOPE-NOPE-NOPE-NOPE' }),
      });
      expect(unknown.status).toBe(404);
      expect(JSON.stringify(await unknown.json())).toContain('NOT_FOUND');
      const gql = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 5) { edges { node { name } } } }' }),
      });
      const body = (await gql.json()) as { data?: { products: { edges: { node: { name: string } }[] } } };
      expect(
        body.data?.products.edges.map((e) => e.node.name),
        JSON.stringify(body),
      ).toEqual(['Built']);
    } finally {
      expect(await s.kill('SIGTERM')).toBe(0);
    }
    const cli = spawnBuilt('src/dist/cli.js', env, ['accounts:list']);
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stdout()).toMatch(/acct_/);
  });
});
