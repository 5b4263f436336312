// Backups of the embedded database while it serves: a real server on a PGlite folder, activations
// running against it, `npm run cli -- backup` asks it for a snapshot (the CLI cannot open a folder
// the server holds), `restore` unpacks it into a new folder, and a server started there has the
// same data: every license written before the backup, activation counts that match activation rows,
// the same API keys and the same signing key (its master key, DATA_DIR/secret.key, is in the
// snapshot). The CLI refuses to restore over a folder a server runs on, or a non-empty one.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, listeningPort, spawnBuilt, type Spawned } from './helpers/server-process';

const tmp = mkdtempSync(path.join(tmpdir(), 'to-backup-'));
const spawned: Spawned[] = [];
afterAll(async () => {
  for (const s of spawned) await s.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

async function cli(dataDir: string, args: string[]) {
  const p = spawnBuilt('src/dist/cli.js', childEnv({ DATA_DIR: dataDir, TO_SECRET_KEY: undefined }), args);
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

async function serve(dataDir: string) {
  const server = spawnBuilt(
    'src/dist/main.js',
    childEnv({ PORT: '0', DATA_DIR: dataDir, TO_SECRET_KEY: undefined }),
  );
  spawned.push(server);
  const port = await listeningPort(server);
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, p: string, body?: unknown, key?: string) => {
    const r = await fetch(base + p, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  };
  return { server, call, base };
}

describe('backup while serving, restore into a new folder', { timeout: 240_000 }, () => {
  it('gives the same data', async () => {
    const dir = path.join(tmp, 'live');
    const account = await cli(dir, ['accounts:create', '--name', 'Vendor']);
    expect(account.code, account.err).toBe(0);
    const liveKey = /live key\s+(to_live_\w+)/.exec(account.out)![1]!;
    const accountId = /account\s+(acct_\w+)/.exec(account.out)![1]!;
    const admin = await cli(dir, [
      'keys:create',
      '--account',
      accountId,
      '--env',
      'live',
      '--scope',
      'admin',
    ]);
    expect(admin.code, admin.err).toBe(0);
    const adminKey = /(to_live_\w+)/.exec(admin.out)![1]!;

    const a = await serve(dir);
    const product = await a.call('POST', '/api/v1/products', { name: 'Backed up' }, liveKey);
    expect(product.status).toBe(201);
    const licenses: { id: string; key: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const l = await a.call(
        'POST',
        '/api/v1/licenses',
        { product_id: product.body.product.id, type: 'perpetual', max_activations: 100 },
        liveKey,
      );
      licenses.push(l.body.license);
    }
    const jwks = (await a.call('GET', '/api/v1/.well-known/jwks.json')).body;

    // Requests keep coming while the snapshot is taken.
    let stop = false;
    let n = 0;
    const load = (async () => {
      while (!stop) {
        const l = licenses[n % licenses.length]!;
        const r = await a.call('POST', '/api/v1/activate', { key: l.key, machine_id: `m-${n++}` });
        expect(r.status).toBe(201);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const before = n; // activations answered before the backup was asked for

    const noKey = await cli(dir, ['backup', '--out', path.join(tmp, 'x.tar.gz')]);
    expect(noKey.code).toBe(1);
    expect(noKey.err.trim().split('\n')).toHaveLength(1);
    expect(noKey.err).toMatch(
      /in use by a running server \(pid \d+\), so the server writes the snapshot\. Pass --key/,
    );
    const portal = await a.call('POST', '/api/v1/admin/backup', undefined, liveKey);
    expect(portal.status).toBe(403);

    const file = path.join(tmp, 'snap.tar.gz');
    const port = new URL(a.base).port;
    const b = await cli(dir, [
      'backup',
      '--out',
      file,
      '--key',
      adminKey,
      '--url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toMatch(/asking the server at .* for a snapshot/);
    stop = true;
    await load;
    expect(before).toBeGreaterThan(0);

    // Restore: refused over the running server's folder and into a non-empty one.
    const over = await cli(dir, ['restore', file]);
    expect(over.code).toBe(1);
    expect(over.err).toMatch(/in use by another Traffic Orchestrator process/);
    const restored = path.join(tmp, 'restored');
    const r = await cli(restored, ['restore', file]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(path.join(restored, 'secret.key'))).toBe(true);
    expect(existsSync(path.join(restored, 'to.lock'))).toBe(false);
    const again = await cli(restored, ['restore', file]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/is not empty/);

    // The server on the restored folder: same keys, same licenses, consistent counts.
    const c = await serve(restored);
    expect((await c.call('GET', '/api/v1/.well-known/jwks.json')).body).toEqual(jwks);
    const list = await c.call('GET', '/api/v1/licenses?limit=100', undefined, liveKey);
    expect(list.status).toBe(200);
    expect(list.body.data.map((l: { id: string }) => l.id).sort()).toEqual(licenses.map((l) => l.id).sort());
    let activations = 0;
    for (const l of list.body.data as { id: string; activations: number }[]) {
      const acts = await c.call('GET', `/api/v1/licenses/${l.id}/activations?limit=100`, undefined, liveKey);
      expect(acts.body.data).toHaveLength(l.activations);
      activations += l.activations;
    }
    expect(activations).toBeGreaterThanOrEqual(before);
    expect(activations).toBeLessThanOrEqual(n);
    for (const l of licenses.slice(0, 3)) {
      expect((await c.call('POST', '/api/v1/validate', { key: l.key })).body.valid).toBe(true);
    }
    expect(c.server.stderr()).toBe('');
  });
});
