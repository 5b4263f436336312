// SIGTERM during a load of validations: no accepted request fails, usage is fully flushed, exit 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client';
import { childEnv, listeningPort, type Spawned, spawnBuilt } from './helpers/server-process';

interface Running {
  server: Spawned;
  base: string;
  licenseKey: string;
}

/** The built server on a new PGlite folder, with a product and a license made through the API. */
async function start(dir: string): Promise<Running> {
  const server = spawnBuilt(
    'src/dist/main.js',
    childEnv({ PORT: '0', DATA_DIR: dir, TO_RATE_LIMIT: 'false' }),
  );
  const key = (await server.waitFor(/live API key\s+(to_live_\S+)/))[1]!;
  const base = `http://127.0.0.1:${await listeningPort(server)}`;
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
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
  return { server, base, licenseKey: license.license.key };
}

/** The usage the stopped server recorded for validations. */
async function recordedValidations(dir: string): Promise<number | null> {
  const db = await openDatabase({ dataDir: dir });
  const recorded = (
    await db.prisma.usageRecord.aggregate({ where: { kind: 'validate' }, _sum: { count: true } })
  )._sum.count;
  await db.close();
  return recorded;
}

describe('graceful shutdown', () => {
  it('drains in-flight validations, flushes usage and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'to-shutdown-'));
    let running: Running | undefined;
    try {
      running = await start(dir);
      const { base, licenseKey, server } = running;
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
              body: JSON.stringify({ key: licenseKey }),
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
            server.child.kill('SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      expect(signalled).toBe(true);
      expect(await server.exited).toBe(0);
      expect(failedAccepted).toBe(0);
      expect(refused, 'a worker stops at its first refused connection').toBeLessThanOrEqual(20);
      expect(ok).toBeGreaterThanOrEqual(100);

      // Every answered validation was recorded before the process exited.
      expect(await recordedValidations(dir)).toBe(ok);
      expect(server.stdout()).toMatch(/shutting down/);
    } finally {
      if (running) await running.server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('answers a request in flight with Connection: close while it stops, so no connection outlives the stop', async () => {
    // Found by the cluster soak: a proxy kept sending on its kept-alive sockets to a stopping
    // server, which went on serving them until its 10 s grace ran out; the forced close then cut
    // requests it had already handled (their usage recorded, their answers lost, and the proxy sent
    // them again). Now an answer given while stopping closes its connection.
    const dir = mkdtempSync(path.join(tmpdir(), 'to-shutdown-ka-'));
    let running: Running | undefined;
    try {
      running = await start(dir);
      const { base, licenseKey, server } = running;
      const { port } = new URL(base);
      // A kept-alive request whose last body byte is held back: in flight, not idle, at the stop.
      const body = JSON.stringify({ key: licenseKey });
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      const ended = once(socket, 'end');
      socket.write(
        `POST /api/v1/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, -1)}`,
      );
      server.child.kill('SIGTERM');
      // The stop has begun once the listener refuses new connections.
      for (;;) {
        const refused = await new Promise<boolean>((resolve) => {
          const probe = connect(Number(port), '127.0.0.1');
          probe.once('connect', () => (probe.destroy(), resolve(false)));
          probe.once('error', () => resolve(true));
        });
        if (refused) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      socket.write(body.slice(-1));
      await ended; // the server closes the connection after its answer
      const [head, answer] = received.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head!.toLowerCase()).toContain('connection: close');
      expect(JSON.parse(answer!).valid).toBe(true);
      socket.destroy();
      expect(await server.exited).toBe(0);
      // The answered request was recorded, once.
      expect(await recordedValidations(dir)).toBe(1);
    } finally {
      if (running) await running.server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
