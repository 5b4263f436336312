// A real HTTP receiver for webhook tests (node:http on 127.0.0.1, port 0). It records every
// request with its raw body and answers what the test's `respond` says (200 by default).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';

export interface Received {
  raw: string;
  headers: IncomingHttpHeaders;
  path: string;
  deliveryId: string;
  /** 1 for the first request carrying this delivery id, 2 for the second… */
  seen: number;
}

export type Answer = number | { status: number; body?: string } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests currently open (answer not yet sent). */
  open(): number;
  maxOpen(): number;
  respond: (r: Received) => Answer;
  /** Resolves when `predicate` holds, polling every 10 ms; rejects after `ms`. */
  waitFor(predicate: () => boolean | Promise<boolean>, ms?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(respond: (r: Received) => Answer = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    open++;
    maxOpen = Math.max(maxOpen, open);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const deliveryId = String(req.headers['x-to-delivery-id'] ?? '');
      const seen = (counts.get(deliveryId) ?? 0) + 1;
      counts.set(deliveryId, seen);
      const r: Received = {
        raw: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
        path: req.url ?? '/',
        deliveryId,
        seen,
      };
      received.push(r);
      const answer = receiver.respond(r);
      if (answer === 'hang') return; // never answered; closed with the server
      const { status, body } = typeof answer === 'number' ? { status: answer, body: undefined } : answer;
      open--;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body ?? JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/to`,
    port,
    received,
    open: () => open,
    maxOpen: () => maxOpen,
    respond,
    async waitFor(predicate, ms = 10_000, what = 'condition') {
      const deadline = Date.now() + ms;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}

/** The seed's Node.js / Express `verifyWebhook`, verbatim apart from types: it re-serialises the
 * parsed body with JSON.stringify, so it only passes if the raw body was compact JSON. */
export function expressVerifyWebhook(
  req: { headers: IncomingHttpHeaders; body: unknown },
  secret: string,
): boolean {
  const signature = req.headers['x-to-signature'] as string;
  const timestamp = req.headers['x-to-timestamp'] as string;
  const body = JSON.stringify(req.body);
  // Reject if timestamp is older than 5 minutes
  if (Date.now() / 1000 - Number(timestamp) > 300) {
    return false;
  }
  const expected = createHmac('sha256', secret)
    .update(timestamp + '.' + body)
    .digest('hex');
  return timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/** A free TCP port on 127.0.0.1 (for child processes that need to be told their port). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
