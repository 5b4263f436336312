// A graphql-ws subscriber that stops reading its socket (src/http/graphql/ws.ts): past
// TO_WS_MAX_BUFFERED_BYTES queued in the server, its socket is closed with 1013, its stream ends at
// once, and the other subscribers of the same events get every one of them.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../src/config';
import { SLOW_CONSUMER_REASON } from '../src/http/graphql/ws';
import { makeApp, type TestApp } from './helpers/app';
import {
  bigLicense,
  captureWarnings,
  DEADLINE,
  EVENTS,
  metric as metricAt,
  readingSubscriber,
  renewer,
  until,
} from './helpers/slow-consumers';

const LIMIT = 64 * 1024;
/** More than enough to pass the bound, whatever the kernel buffers; reaching it fails the test. */
const MAX_EVENTS = 1000;

let t: TestApp;
let port: number;
let warned: ReturnType<typeof captureWarnings>;
beforeAll(async () => {
  t = await makeApp({ wsMaxBufferedBytes: LIMIT });
  port = await t.app.listen(0, '127.0.0.1');
  warned = captureWarnings(t);
});
afterAll(() => t.close());

const metric = (name: string) => metricAt(port, name);

it('closes a socket that stops reading with 1013 and ends its stream; the other subscriber gets every event in order', async () => {
  const { license, vars } = await bigLicense(t);
  const streams = t.app.deps.pubsub.eventSubscribers;
  expect(await metric('to_ws_slow_consumer_closes_total')).toBe(0);

  // The slow one speaks graphql-transport-ws over a plain `ws` socket, so its TCP socket can be paused.
  const slow = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  const slowGot: string[] = [];
  slow.on('message', (m: Buffer) => {
    const msg = JSON.parse(m.toString('utf8'));
    if (msg.type === 'next') slowGot.push(msg.payload.data.licenseEvents.data.expiresAt);
    else if (msg.type === 'connection_ack') slowGot.push('ack');
  });
  const slowClosed = new Promise<{ code: number; reason: string }>((resolve) =>
    slow.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((r) => slow.once('open', r));
  slow.send(JSON.stringify({ type: 'connection_init', payload: { token: t.liveKey } }));
  await until('the ack', () => slowGot.includes('ack'));
  slowGot.length = 0;
  slow.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query: EVENTS, variables: vars } }));
  await until('the slow stream', () => t.app.deps.pubsub.eventSubscribers >= streams + 1);

  const normal = readingSubscriber(port, t, vars);
  const { got, errors } = normal;
  try {
    await until('the normal stream', () => t.app.deps.pubsub.eventSubscribers >= streams + 2);
    expect(await metric('to_event_streams')).toBe(streams + 2);

    // From here the slow client reads nothing: the kernel's buffers fill, then ws's queue. Each
    // event waits until the normal subscriber has it: client and server share this process, so a
    // burst of 240 KB frames could otherwise sit in the server's queue until this test yields, and
    // the reading client would look slow too (the default bound, 4 MiB, is 17 such frames).
    (slow as unknown as { _socket: Socket })._socket.pause();
    const { sent, renew } = renewer(t, license.id, normal);
    const closes = () => warned.filter((w) => w.msg?.includes('not reading'));
    while (closes().length === 0 && sent.length < MAX_EVENTS) await renew();
    expect(sent.length).toBeLessThan(MAX_EVENTS);
    console.log(`the slow socket was closed after ${sent.length} events of about 240 KB`);

    // The slow stream is gone at once (the client has not answered the close), the other lives on.
    await until('the slow stream to end', async () => (await metric('to_event_streams')) === streams + 1);
    expect(await metric('to_ws_slow_consumer_closes_total')).toBe(1);
    expect(closes()).toHaveLength(1);
    const [line] = closes();
    expect(line!.msg).toMatch(/closed \(1013\)/);
    expect(line!.obj).toMatchObject({
      accountId: t.accountId,
      environment: 'live',
      apiKeyId: expect.stringMatching(/^key_/),
      limit: LIMIT,
    });
    expect(line!.obj.bufferedBytes as number).toBeGreaterThan(LIMIT);
    expect(JSON.stringify(line)).not.toContain(t.liveKey);

    // More events after the close: the normal subscriber gets them too, in order, and nothing is lost.
    for (let i = 0; i < 3; i++) await renew();
    expect(errors).toEqual([]);
    expect(got).toEqual(sent);

    // Read again, the slow client finds what the kernel held, then the close frame: code and reason.
    (slow as unknown as { _socket: Socket })._socket.resume();
    const closed = await Promise.race([
      slowClosed,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), DEADLINE)),
    ]);
    expect(closed).toEqual({ code: 1013, reason: SLOW_CONSUMER_REASON });
    // What it did get is the first of the same events, in order; the rest were never queued.
    expect(slowGot.length).toBeGreaterThan(0);
    expect(slowGot.length).toBeLessThan(sent.length);
    expect(slowGot).toEqual(sent.slice(0, slowGot.length));
    expect(await metric('to_event_streams')).toBe(streams + 1);
  } finally {
    slow.terminate();
    await normal.client.dispose();
  }
});

it('reads TO_WS_MAX_BUFFERED_BYTES: 4 MiB unless set, and refuses a bad value by name', () => {
  expect(loadConfig({}).wsMaxBufferedBytes).toBe(4 * 1024 * 1024);
  expect(loadConfig({ TO_WS_MAX_BUFFERED_BYTES: '65536' }).wsMaxBufferedBytes).toBe(65536);
  expect(() => loadConfig({ TO_WS_MAX_BUFFERED_BYTES: 'lots' })).toThrow(/TO_WS_MAX_BUFFERED_BYTES/);
  expect(() => loadConfig({ TO_WS_MAX_BUFFERED_BYTES: '100' })).toThrow(/TO_WS_MAX_BUFFERED_BYTES/);
});
