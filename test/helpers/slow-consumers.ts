// Shared by the slow-subscriber tests (test/subscriptions-slow-consumer.test.ts for graphql-ws,
// test/subscriptions-sse-slow-consumer.test.ts for SSE): large license events raised through the
// REST API, a graphql-ws subscriber that keeps reading them, the server's /metrics, its warnings.
import { type Client, createClient } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { productAndLicense, type TestApp } from './app';

export const DEADLINE = 20_000;

// The license's metadata (30 KB, near the 32 KB a metadata object may take), asked for under 8
// aliases, makes each event about 240 KB, so the kernel's socket buffers (about 4 MB on loopback)
// fill after a score of events rather than hundreds: few enough to stay fast while the rest of the
// suite loads the machine.
export const PAD = 'x'.repeat(30_000);
export const EVENTS = `subscription($f: LicenseEventFilter) {
  licenseEvents(filter: $f) { id type data license {
    m1: metadata m2: metadata m3: metadata m4: metadata m5: metadata m6: metadata m7: metadata m8: metadata
  } }
}`;

/** A license whose events are large (PAD in its metadata), and the EVENTS variables for its renewals. */
export async function bigLicense(t: TestApp) {
  const { license } = await productAndLicense(t, {
    type: 'subscription',
    expires_at: '2031-01-01T00:00:00.000Z',
    metadata: { pad: PAD },
  });
  return { license, vars: { f: { licenseId: license.id, types: ['LICENSE_RENEWED'] } } };
}

export async function until(what: string, done: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + DEADLINE;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A series of the server's /metrics, over HTTP. */
export async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new RegExp(`\\n${name} (\\d+)\\n`).exec(text);
  if (!m) throw new Error(`${name} is not in /metrics`);
  return Number(m[1]);
}

/** Every warn line the app logs from now on. */
export function captureWarnings(t: TestApp): { obj: Record<string, unknown>; msg?: string }[] {
  const warned: { obj: Record<string, unknown>; msg?: string }[] = [];
  const warn = t.app.deps.logger.warn.bind(t.app.deps.logger);
  t.app.deps.logger.warn = ((obj: Record<string, unknown>, msg?: string, ...rest: unknown[]) => {
    warned.push({ obj, msg });
    return (warn as (...a: unknown[]) => void)(obj, msg, ...rest);
  }) as typeof t.app.deps.logger.warn;
  return warned;
}

export interface ReadingSubscriber {
  client: Client;
  /** The `expiresAt` of each event received, in order. */
  got: string[];
  errors: unknown[];
  /** Resolves once it holds `n` events (or something went wrong). */
  received(n: number): Promise<void>;
}

/** A graphql-ws subscriber of EVENTS that reads everything at once. */
export function readingSubscriber(
  port: number,
  t: TestApp,
  vars: Record<string, unknown>,
): ReadingSubscriber {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { token: t.liveKey },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
  });
  const got: string[] = [];
  const errors: unknown[] = [];
  let arrived = () => {};
  const received = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${got.length} of ${n} events arrived`)), DEADLINE);
      arrived = () => {
        if (got.length < n && errors.length === 0) return;
        clearTimeout(timer);
        resolve();
      };
      arrived();
    });
  client.subscribe(
    { query: EVENTS, variables: vars },
    {
      next: (v) => {
        if (v.errors) errors.push(v.errors);
        else got.push((v.data as any).licenseEvents.data.expiresAt);
        arrived();
      },
      error: (e) => (errors.push(e), arrived()),
      complete: () => (errors.push('completed'), arrived()),
    },
  );
  return { client, got, errors, received };
}

/** Renews the license through REST, each time to a new expiry, and waits until `reader` has the
 * event: so that the reading subscriber never falls behind (client and server share the process). */
export function renewer(t: TestApp, licenseId: string, reader: ReadingSubscriber) {
  const sent: string[] = [];
  const renew = async () => {
    const expiresAt = new Date(Date.parse('2031-01-01T00:00:00.000Z') + (sent.length + 1) * 60_000);
    const r = await t.call('POST', `/api/v1/licenses/${licenseId}/renew`, {
      expires_at: expiresAt.toISOString(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    sent.push(expiresAt.toISOString());
    await reader.received(sent.length);
  };
  return { sent, renew };
}
