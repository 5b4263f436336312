// PGlite is one process: the server holds a lock on DATA_DIR. A second server on the same folder and
// the CLI are refused with one line while it runs; a lock left by a killed server is taken over, and
// what the CLI then writes is what the next server sees.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, listeningPort, type Spawned, spawnBuilt } from './helpers/server-process';

const dir = mkdtempSync(path.join(tmpdir(), 'to-lock-'));
const env = childEnv({ DATA_DIR: dir, PORT: '0', TO_RATE_LIMIT: 'false' });
const running: Spawned[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.kill('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

const start = () => {
  const s = spawnBuilt('src/dist/main.js', env);
  running.push(s);
  return s;
};

describe('the DATA_DIR lock', { timeout: 180_000 }, () => {
  it('refuses a second server and the CLI while one runs, and takes over a stale lock', async () => {
    const a = start();
    const port = await listeningPort(a);
    const account = (await a.waitFor(/account\s+(acct_\w+)/))[1]!;
    const liveKey = (await a.waitFor(/live API key\s+(to_live_\w+)/))[1]!;
    const lockFile = path.join(dir, 'to.lock');
    expect(readFileSync(lockFile, 'utf8').trim()).toBe(String(a.child.pid));

    // A second `npm start` on the same folder: one line, exit 1.
    const b = start();
    expect(await b.exited).toBe(1);
    const lines = b.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `traffic-orchestrator: DATA_DIR ${dir} is in use by another Traffic Orchestrator process (pid ${a.child.pid}): ` +
        "the embedded database has one writer. Stop that process first (or make the change through the running server's API); " +
        'to run several processes, use PostgreSQL (DATABASE_URL)',
    );
    expect(b.stdout()).not.toContain('API key');

    // The CLI refuses too, instead of printing a key the server would never see.
    const cli = spawnBuilt('src/dist/cli.js', env, [
      'keys:create',
      '--account',
      account,
      '--env',
      'live',
      '--scope',
      'admin',
    ]);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).not.toMatch(/to_live_/);
    expect(cli.stderr()).toContain(`is in use by another Traffic Orchestrator process (pid ${a.child.pid})`);

    // The first server is unharmed.
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/api-keys`, {
      headers: { authorization: `Bearer ${liveKey}` },
    });
    expect(health.status).toBe(200);
    const keysBefore = ((await health.json()) as { data: unknown[] }).data.length;

    // kill -9 leaves the lock behind; its pid is dead, so the CLI takes it over and its key is kept.
    a.child.kill('SIGKILL');
    await a.exited;
    expect(existsSync(lockFile)).toBe(true);
    const cli2 = spawnBuilt('src/dist/cli.js', env, [
      'keys:create',
      '--account',
      account,
      '--env',
      'live',
      '--scope',
      'admin',
    ]);
    expect(await cli2.exited, cli2.stderr()).toBe(0);
    const adminKey = /(to_live_\w+)/.exec(cli2.stdout())?.[1];
    expect(adminKey).toBeDefined();
    expect(existsSync(lockFile)).toBe(false); // released on a clean exit

    const c = start();
    const port2 = await listeningPort(c);
    const admin = await fetch(`http://127.0.0.1:${port2}/api/v1/admin/accounts`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(admin.status).toBe(200);
    const keys = await fetch(`http://127.0.0.1:${port2}/api/v1/api-keys`, {
      headers: { authorization: `Bearer ${liveKey}` },
    });
    expect(((await keys.json()) as { data: unknown[] }).data.length).toBe(keysBefore + 1);
    expect(await c.kill()).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });
});
