// An SSE subscriber that stops reading (src/events/subscriptions.ts): the server takes its events only
// as the client reads them, so they wait in its stream's queue; past TO_SUBSCRIPTION_MAX_QUEUED the
// stream ends at once (to_event_streams drops, the queue is dropped), and the client, once it reads
// again, gets what was already written, then an error with SUBSCRIBER_TOO_SLOW, then `complete`.
// Another subscriber of the same events gets every one of them.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
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

const MAX_QUEUED = 16;
/** More than enough to pass the bound, whatever the kernel buffers; reaching it fails the test. */
const MAX_EVENTS = 2000;

let t: TestApp;
let port: number;
let warned: ReturnType<typeof captureWarnings>;
beforeAll(async () => {
  t = await makeApp({ subscriptionMaxQueued: MAX_QUEUED });
  port = await t.app.listen(0, '127.0.0.1');
  warned = captureWarnings(t);
});
afterAll(() => t.close());

const metric = (name: string) => metricAt(port, name);

/** The `event:`/`data:` pairs of an SSE body (comments, the pings, left out). */
function sseEvents(text: string): { event: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [event, data] = block.split('\n');
      return { event: event!.slice('event:'.length).trim(), data: (data ?? '').slice('data:'.length).trim() };
    });
}

/** An SSE subscription of EVENTS over node:http, its response and socket paused as soon as the
 * headers are in: a client that reads nothing. */
function pausedSse(at: number, key: string, vars: Record<string, unknown>) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: at,
      path: '/graphql',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${key}`,
      },
    });
    req.once('response', (res) => {
      res.pause();
      res.socket.pause();
      resolve(res);
    });
    req.once('error', reject);
    req.end(JSON.stringify({ query: EVENTS, variables: vars }));
  });
}

it('ends the stream of an SSE client that stops reading with SUBSCRIBER_TOO_SLOW; the other subscriber gets every event in order', async () => {
  const { license, vars } = await bigLicense(t);
  const streams = t.app.deps.pubsub.eventSubscribers;
  expect(await metric('to_subscription_overflows_total')).toBe(0);

  // The slow one: SSE over node:http, its response and socket paused as soon as the headers are in.
  const slow = await pausedSse(port, t.liveKey, vars);
  expect(slow.statusCode).toBe(200);
  expect(slow.headers['content-type']).toMatch(/^text\/event-stream/);
  await until('the slow stream', () => t.app.deps.pubsub.eventSubscribers >= streams + 1);

  const normal = readingSubscriber(port, t, vars);
  const { got, errors } = normal;
  try {
    await until('the normal stream', () => t.app.deps.pubsub.eventSubscribers >= streams + 2);
    expect(await metric('to_event_streams')).toBe(streams + 2);

    // Each event waits until the normal subscriber has it, so that one never falls behind.
    const { sent, renew } = renewer(t, license.id, normal);
    const overflows = () => warned.filter((w) => w.msg?.includes('SUBSCRIBER_TOO_SLOW'));
    while (overflows().length === 0 && sent.length < MAX_EVENTS) await renew();
    expect(sent.length).toBeLessThan(MAX_EVENTS);
    const overflowAt = sent.length;
    console.log(`the paused SSE stream ended after ${overflowAt} events of about 240 KB`);

    // The slow stream is gone while its client is still paused; the other lives on.
    expect(await metric('to_event_streams')).toBe(streams + 1);
    expect(await metric('to_subscription_overflows_total')).toBe(1);
    expect(overflows()).toHaveLength(1);
    const [line] = overflows();
    expect(line!.obj).toEqual({
      accountId: t.accountId,
      environment: 'live',
      apiKeyId: expect.stringMatching(/^key_/),
      userId: undefined,
      limit: MAX_QUEUED,
    });
    expect(JSON.stringify(line)).not.toContain(t.liveKey);

    // More events after it: the normal subscriber gets them too, in order, and nothing is lost.
    for (let i = 0; i < 3; i++) await renew();
    expect(errors).toEqual([]);
    expect(got).toEqual(sent);
    expect(await metric('to_subscription_overflows_total')).toBe(1);

    // Read again, the slow client gets the events the server had taken before the bound was passed,
    // then the error, then `complete`, and the response ends.
    let text = '';
    slow.setEncoding('utf8');
    slow.on('data', (chunk: string) => (text += chunk));
    const ended = new Promise<void>((resolve) => slow.once('end', resolve));
    slow.socket.resume();
    slow.resume();
    await Promise.race([
      ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('the SSE response did not end')), DEADLINE),
      ),
    ]);
    const events = sseEvents(text);
    expect(events.at(-1)).toEqual({ event: 'complete', data: '' });
    const nexts = events.slice(0, -1).map((e) => {
      expect(e.event).toBe('next');
      return JSON.parse(e.data) as { data?: any; errors?: { message: string; extensions: object }[] };
    });
    const last = nexts.pop()!;
    expect(last).toEqual({
      errors: [
        {
          message: expect.stringContaining(`more than ${MAX_QUEUED} events were waiting`),
          extensions: { code: 'SUBSCRIBER_TOO_SLOW', maxQueued: MAX_QUEUED },
        },
      ],
    });
    // What it did get is the first of the same events, in order: all the server took before the
    // bound was passed. The MAX_QUEUED that waited, and the one past them, were dropped.
    const slowGot = nexts.map((n) => n.data.licenseEvents.data.expiresAt as string);
    expect(slowGot).toEqual(sent.slice(0, overflowAt - MAX_QUEUED - 1));
    expect(await metric('to_event_streams')).toBe(streams + 1);
  } finally {
    slow.destroy();
    await normal.client.dispose();
  }
});

it('closes the connection of an SSE client that takes nothing for TO_STREAM_STALL_MS with its socket full', async () => {
  const s = await makeApp({ streamStallMs: 500 });
  try {
    const at = await s.app.listen(0, '127.0.0.1');
    const { license, vars } = await bigLicense(s);
    const streams = s.app.deps.pubsub.eventSubscribers;
    const slow = await pausedSse(at, s.liveKey, vars);
    const closed = new Promise<void>((resolve) => slow.socket.once('close', () => resolve()));
    await until('the slow stream', () => s.app.deps.pubsub.eventSubscribers >= streams + 1);
    const normal = readingSubscriber(at, s, vars);
    try {
      await until('the normal stream', () => s.app.deps.pubsub.eventSubscribers >= streams + 2);
      // Events until the kernel's buffers are full and the server's write waits; 500 ms later the
      // connection is closed and its stream ends, though the client never read or left.
      const { sent, renew } = renewer(s, license.id, normal);
      while (s.app.deps.pubsub.eventSubscribers > streams + 1 && sent.length < MAX_EVENTS) await renew();
      expect(sent.length).toBeLessThan(MAX_EVENTS);
      await until(
        'the stalled stream to end',
        async () => (await metricAt(at, 'to_event_streams')) === streams + 1,
      );
      // Nothing was dropped silently for it: it was cut off, well under the queue bound (10,000).
      expect(await metricAt(at, 'to_subscription_overflows_total')).toBe(0);
      // Read again, the client finds its connection closed once it has read what the kernel held.
      slow.resume();
      slow.socket.resume();
      await closed;
      // The other subscriber got every event, in order.
      for (let i = 0; i < 2; i++) await renew();
      expect(normal.errors).toEqual([]);
      expect(normal.got).toEqual(sent);
    } finally {
      slow.destroy();
      await normal.client.dispose();
    }
  } finally {
    await s.close();
  }
});

it('reads TO_SUBSCRIPTION_MAX_QUEUED (10,000) and TO_STREAM_STALL_MS (30 s) unless set, and refuses bad values by name', () => {
  expect(loadConfig({}).subscriptionMaxQueued).toBe(10_000);
  expect(loadConfig({ TO_SUBSCRIPTION_MAX_QUEUED: '16' }).subscriptionMaxQueued).toBe(16);
  expect(() => loadConfig({ TO_SUBSCRIPTION_MAX_QUEUED: 'lots' })).toThrow(/TO_SUBSCRIPTION_MAX_QUEUED/);
  expect(() => loadConfig({ TO_SUBSCRIPTION_MAX_QUEUED: '0' })).toThrow(/TO_SUBSCRIPTION_MAX_QUEUED/);
  expect(loadConfig({}).streamStallMs).toBe(30_000);
  expect(loadConfig({ TO_STREAM_STALL_MS: '500' }).streamStallMs).toBe(500);
  expect(() => loadConfig({ TO_STREAM_STALL_MS: '10' })).toThrow(/TO_STREAM_STALL_MS/);
});
