// The server's transport: node:http request and response, adapted to the dispatcher directly. No
// web Request or Response is built on this path (only when a request is handed to yoga's own HTTP
// layer), which the validate benchmark showed cost more than the license check itself.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors';
import { type Exchange, type Reply, tooLarge } from '../rest/context';

function readIncoming(req: IncomingMessage, max: number): Promise<string> {
  return collect(req, max).then((chunks) =>
    chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
  );
}

function collect(req: IncomingMessage, max: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(max));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks));
    // A client that goes away mid-body is its own fault, not a 500.
    const cut = () =>
      reject(new AppError('VALIDATION_ERROR', 'The request body was not received completely'));
    req.once('error', cut);
    req.once('aborted', cut);
  });
}

class NodeExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  private read = false;
  readonly headers = {
    get: (name: string): string | null => {
      const v = this.req.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };

  constructor(private readonly req: IncomingMessage) {
    this.method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q < 0 ? url : url.slice(0, q);
    this.query = q < 0 ? '' : url.slice(q + 1);
  }

  get url(): string {
    return `http://${this.req.headers.host ?? 'localhost'}${this.req.url ?? '/'}`;
  }

  get remoteAddress(): string | null {
    return this.req.socket.remoteAddress ?? null;
  }

  readBody(max: number): Promise<string> {
    if (this.read || this.req.readableEnded) return Promise.resolve('');
    this.read = true;
    return readIncoming(this.req, max);
  }

  async readBytes(max: number): Promise<Buffer> {
    if (this.read || this.req.readableEnded) return Buffer.alloc(0);
    this.read = true;
    return Buffer.concat(await collect(this.req, max));
  }

  webRequest(body: string | null): Request {
    const headers = new Headers();
    const raw = this.req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    const hasBody = this.method !== 'GET' && this.method !== 'HEAD';
    return new Request(this.url, { method: this.method, headers, body: hasBody ? (body ?? '') : null });
  }
}

function writeReply(
  res: ServerResponse,
  reply: Reply,
  method: string,
  closing: boolean,
  stallMs: number,
): void {
  const body = reply.body;
  // While the server stops, every answer closes its connection: a client on a kept-alive socket
  // moves on (to another instance) instead of sending there again, so the stop never has to cut a
  // connection with a request in it, whose work would be done and its answer lost.
  if (closing) reply.headers.connection = 'close';
  const noBody = reply.status === 204 || reply.status === 304;
  const empty = noBody || method === 'HEAD';
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const headers = reply.headers;
    // HEAD gets the length the GET body would have; node:http leaves the body itself out.
    if (!noBody)
      headers['content-length'] = String(
        body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
    res.writeHead(reply.status, headers);
    res.end(noBody ? undefined : body);
    return;
  }
  res.writeHead(reply.status, reply.headers);
  if (empty) {
    void body.cancel();
    res.end();
    return;
  }
  // A stream (SSE from yoga, whose streams are not node's own): flush each chunk as it comes; a
  // client that leaves cancels it.
  res.flushHeaders();
  void pump(body.getReader(), res, stallMs);
}

async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: ServerResponse,
  stallMs: number,
): Promise<void> {
  res.once('close', () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        // Both listeners go when either fires: a long stream waits for 'drain' many times, and each
        // 'close' listener left behind would stay until the response ends. A client that takes
        // nothing for `stallMs` with its socket full has stopped reading: its connection is closed
        // (the stream is cancelled with it), rather than kept, with its buffers, for as long as it
        // likes.
        await new Promise<void>((resolve) => {
          const go = () => {
            clearTimeout(stall);
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          const stall = setTimeout(() => {
            res.destroy();
            go();
          }, stallMs);
          res.once('drain', go);
          res.once('close', go);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/** `closing` says whether the server is stopping (src/app.ts closeServer); `streamStallMs`, how
 * long a streamed answer waits for a client that takes nothing (TO_STREAM_STALL_MS). */
export function nodeListener(
  dispatch: (ex: Exchange) => Promise<Reply>,
  logger: Logger,
  closing: () => boolean = () => false,
  streamStallMs = 30_000,
): RequestListener {
  return (req, res) => {
    const method = req.method ?? 'GET';
    dispatch(new NodeExchange(req))
      .then((reply) => writeReply(res, reply, method, closing(), streamStallMs))
      .catch((err: unknown) => {
        // The dispatcher turns every failure into a reply; this is a failure to write one.
        logger.error({ err }, 'could not write the response');
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":"Internal server error","code":"INTERNAL_ERROR","help":"/docs#errors"}');
        } else res.destroy();
      });
  };
}
