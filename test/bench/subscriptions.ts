// Subscriptions under fan-out: BENCH_SUBSCRIBERS (2,000) graphql-ws clients on one instance all
// subscribe to licenseEvents, then a burst of BENCH_EVENTS (50) events is committed through REST.
// Prints events/s delivered and p50/p99 from the event's commit time to receipt, and checks that
// every subscriber got every event. Baseline in the same run: a bare `ws` server broadcasting the
// same number of messages to the same number of clients.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import { broadcast } from './broadcast';
import { type BenchOptions, machineFacts, startServer, tempDir } from './lib';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** `subscribers` raw ws clients of a bare ws server receive `events` broadcasts; latency from the
 * server's send time (in each message) to receipt. `ownProcess`: the server runs in a child process,
 * as the app does (the baseline the ratios use); else in this process beside its clients, as this
 * benchmark measured it first (no wake-up of another process per write, but one core for both). */
async function baselineBroadcast(
  subscribers: number,
  events: number,
  opts: BenchOptions,
  ownProcess: boolean,
) {
  let port: number;
  let trigger: () => Promise<void>;
  let stop: () => Promise<void>;
  if (ownProcess) {
    const child = await startServer('broadcast', opts);
    port = Number(child.info.port);
    trigger = async () => {
      const r = await fetch(`${child.url}/broadcast?events=${events}`, { method: 'POST' });
      if (r.status !== 204) throw new Error(`broadcast: HTTP ${r.status}`);
    };
    stop = () => child.stop();
  } else {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as AddressInfo).port;
    trigger = () => broadcast(wss.clients, events);
    stop = async () => {
      wss.close();
      await new Promise((r) => http.close(r));
    };
  }
  const latencies: number[] = [];
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: subscribers }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on('message', (m: Buffer) => {
        received++;
        const sent = (
          JSON.parse(m.toString('utf8')) as { payload: { data: { licenseEvents: { sent: number } } } }
        ).payload.data.licenseEvents.sent;
        latencies.push(Date.now() - sent);
      });
      await once(ws, 'open');
      return ws;
    }),
  );
  const started = Date.now();
  await trigger();
  const want = subscribers * events;
  while (received < want && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
  const seconds = (Date.now() - started) / 1000;
  for (const c of clients) c.terminate();
  await stop();
  return { received, want, perSec: received / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Polls the app's `to_event_streams` gauge until it reaches `want` (or the deadline); its last value. */
async function waitForStreams(url: string, want: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let n = 0;
  while (Date.now() < deadline) {
    const text = await (await fetch(`${url}/metrics`)).text();
    n = Number(/\nto_event_streams (\d+)\n/.exec(text)?.[1] ?? 0);
    if (n >= want) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return n;
}

export async function subscriptionsBench(opts: BenchOptions): Promise<void> {
  const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 2000);
  const events = Number(process.env.BENCH_EVENTS ?? 50);
  const facts = machineFacts();
  console.log(`subscriptions benchmark: ${subscribers} graphql-ws subscribers, a burst of ${events} events`);
  console.log(`  machine: node ${facts.node}, ${facts.cpus} CPUs, load average ${facts.loadAvg1m}`);

  const inProcess = await baselineBroadcast(subscribers, events, opts, false);
  console.log(
    `  bare ws broadcast, server in this process beside its clients (as first measured): ${inProcess.received}/${inProcess.want} messages, ` +
      `${Math.round(inProcess.perSec)} msg/s, p50 ${inProcess.p50} ms, p99 ${inProcess.p99} ms`,
  );
  const base = await baselineBroadcast(subscribers, events, opts, true);
  console.log(
    `  baseline (bare ws broadcast, server in its own process, as the app's): ${base.received}/${base.want} messages, ` +
      `${Math.round(base.perSec)} msg/s, p50 ${base.p50} ms, p99 ${base.p99} ms`,
  );

  const dir = tempDir('to-bench-subs-');
  const server = await startServer('app', opts, { BENCH_DATA_DIR: dir.path });
  try {
    const { port, apiKey, licenseId } = server.info as { port: number; apiKey: string; licenseId: string };
    const latencies: number[] = [];
    const perClient = new Array<number>(subscribers).fill(0);
    let received = 0;
    const clients = Array.from({ length: subscribers }, () =>
      createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${apiKey}` },
        retryAttempts: 0,
      }),
    );
    let acked = 0;
    await Promise.all(
      clients.map(
        (client, i) =>
          new Promise<void>((resolve) => {
            client.subscribe(
              { query: 'subscription { licenseEvents { id type createdAt } }' },
              {
                next: (v) => {
                  const at = (v.data as { licenseEvents?: { createdAt: string } })?.licenseEvents?.createdAt;
                  if (at) {
                    latencies.push(Date.now() - new Date(at).getTime());
                    perClient[i]!++;
                    received++;
                  }
                },
                error: () => resolve(),
                complete: () => resolve(),
              },
            );
            // graphql-ws has no subscribe ack; wait until the socket is connected.
            client.on('connected', () => {
              acked++;
              resolve();
            });
          }),
      ),
    );
    // graphql-ws has no subscribe ack: wait until the server counts every stream (/metrics).
    const streams = await waitForStreams(server.url, subscribers, 60_000);
    console.log(`  ${acked}/${subscribers} clients connected, ${streams} event streams open on the server`);
    const started = Date.now();
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    for (let i = 0; i < events; i++) {
      const action = i % 2 === 0 ? 'suspend' : 'reinstate';
      const r = await fetch(`${server.url}/api/v1/licenses/${licenseId}/${action}`, {
        method: 'POST',
        headers,
      });
      if (r.status !== 200) throw new Error(`${action}: ${r.status} ${await r.text()}`);
    }
    const want = subscribers * events;
    while (received < want && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 25));
    const seconds = (Date.now() - started) / 1000;
    await Promise.all(clients.map(async (c) => c.dispose()));
    const complete = perClient.filter((n) => n === events).length;
    console.log('');
    console.log(
      `  app: ${received}/${want} events delivered (${complete}/${subscribers} subscribers got all ${events}), ` +
        `${Math.round(received / seconds)} events/s, publish→receipt p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms`,
    );
    console.log(
      `  baseline: ${Math.round(base.perSec)} msg/s, p50 ${base.p50} ms, p99 ${base.p99} ms ` +
        `(app/baseline throughput ${(received / seconds / base.perSec).toFixed(2)}x, p99 ${(pct(latencies, 99) / base.p99).toFixed(2)}x; ` +
        `against the in-process broadcast ${(received / seconds / inProcess.perSec).toFixed(2)}x and ${(pct(latencies, 99) / inProcess.p99).toFixed(2)}x)`,
    );
    console.log(
      JSON.stringify({
        bench: 'subscriptions',
        subscribers,
        events,
        delivered: received,
        expected: want,
        eventsPerSec: Math.round(received / seconds),
        p50Ms: pct(latencies, 50),
        p99Ms: pct(latencies, 99),
        baseline: { perSec: Math.round(base.perSec), p50Ms: base.p50, p99Ms: base.p99 },
        inProcessBaseline: {
          perSec: Math.round(inProcess.perSec),
          p50Ms: inProcess.p50,
          p99Ms: inProcess.p99,
        },
      }),
    );
  } finally {
    await server.stop();
    await dir.remove();
  }
}
