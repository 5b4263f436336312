// Stopping the server with a graphql-ws client that does not read (src/http/graphql/ws.ts close()):
// the client is sent 1001, and one that does not answer the close is cut off after a short grace,
// so the stop does not wait out ws's 30 s close timeout.
import type { Socket } from 'node:net';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeApp } from './helpers/app';

it('stops within the grace when a connected client has stopped reading', async () => {
  const t = await makeApp();
  let stopped = false;
  try {
    const port = await t.app.listen(0, '127.0.0.1');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve) =>
      ws.on('message', (m: Buffer) => {
        if (JSON.parse(m.toString('utf8')).type === 'connection_ack') resolve();
      }),
    );
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { token: t.liveKey } }));
    await acked;
    // The client stops reading: the server's close frame will sit unread in its socket.
    (ws as unknown as { _socket: Socket })._socket.pause();

    const started = Date.now();
    await t.close();
    stopped = true;
    const ms = Date.now() - started;
    // ws would wait 30 s for the close handshake; the grace is 2 s.
    expect(ms).toBeLessThan(15_000);
    (ws as unknown as { _socket: Socket })._socket.resume();
    // Reading again, the client finds the server's 1001, and the connection gone.
    expect(await closed).toBe(1001);
  } finally {
    if (!stopped) await t.close();
  }
}, 60_000);
