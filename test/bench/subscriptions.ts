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
import { type BenchOptions, machineFacts, startServer, tempDir } from './lib';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

async function baselineBroadcast(subscribers: number, events: number) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const latencies: number[] = [];
  let received = 0;
  const clients = await Promise.all(
    Array.from({ length: subscribers }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on('message', (m: Buffer) => {
        received++;
        latencies.push(Date.now() - (JSON.parse(m.toString('utf8')) as { sent: number }).sent);
      });
      await once(ws, 'open');
      return ws;
    }),
  );
  const started = Date.now();
  for (let i = 0; i < events; i++) {
    const msg = JSON.stringify({ sent: Date.now(), i, pad: 'x'.repeat(300) });
    for (const c of wss.clients) c.send(msg);
    await new Promise((r) => setImmediate(r));
  }
  const want = subscribers * events;
  while (received < want && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
  const seconds = (Date.now() - started) / 1000;
  for (const c of clients) c.terminate();
  wss.close();
  http.close();
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

  const base = await baselineBroadcast(subscribers, events);
  console.log(
    `  baseline (bare ws broadcast): ${base.received}/${base.want} messages, ${Math.round(base.perSec)} msg/s, ` +
      `p50 ${base.p50} ms, p99 ${base.p99} ms`,
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
        `(app/baseline throughput ${(received / seconds / base.perSec).toFixed(2)}x)`,
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
      }),
    );
  } finally {
    await server.stop();
    await dir.remove();
  }
}
