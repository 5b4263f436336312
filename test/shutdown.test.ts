// SIGTERM during a load of validations: no accepted request fails, usage is fully flushed, exit 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('graceful shutdown', () => {
  it('drains in-flight validations, flushes usage and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'to-shutdown-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      TO_RATE_LIMIT: 'false',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, ['src/dist/main.js'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let out = '';
      const ready = await new Promise<{ port: number; key: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 45_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const key = /live API key\s+(to_live_\S+)/.exec(out)?.[1];
          const port = /"port":(\d+)/.exec(out)?.[1];
          if (key && port) {
            clearTimeout(timer);
            resolve({ port: Number(port), key });
          }
        });
      });
      const base = `http://127.0.0.1:${ready.port}`;
      const auth = { authorization: `Bearer ${ready.key}`, 'content-type': 'application/json' };
      const product = await (
        await fetch(`${base}/api/v1/products`, { method: 'POST', headers: auth, body: '{"name":"S"}' })
      ).json();
      const license = await (
        await fetch(`${base}/api/v1/licenses`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ product_id: product.product.id, type: 'perpetual' }),
        })
      ).json();

      // 20 workers validating on fresh connections; SIGTERM after the first 100 answers.
      let ok = 0;
      let failedAccepted = 0;
      let refused = 0;
      let signalled = false;
      const worker = async () => {
        for (let i = 0; i < 40; i++) {
          try {
            const r = await fetch(`${base}/api/v1/validate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', connection: 'close' },
              body: JSON.stringify({ key: license.license.key }),
            });
            const body = await r.json();
            if (r.status === 200 && body.valid === true) ok++;
            else failedAccepted++;
          } catch {
            refused++; // the listener is closed: the request was never accepted
            return;
          }
          if (ok >= 100 && !signalled) {
            signalled = true;
            child.kill('SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(signalled).toBe(true);
      expect(await exit).toBe(0);
      expect(failedAccepted).toBe(0);
      expect(refused, 'a worker stops at its first refused connection').toBeLessThanOrEqual(20);
      expect(ok).toBeGreaterThanOrEqual(100);

      // Every answered validation was recorded before the process exited.
      const db = await openDatabase({ dataDir: dir });
      const recorded = (
        await db.prisma.usageRecord.aggregate({ where: { kind: 'validate' }, _sum: { count: true } })
      )._sum.count;
      await db.close();
      expect(recorded).toBe(ok);
      expect(out).toMatch(/shutting down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
