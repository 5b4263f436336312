// One HTTP request and its reply, independent of the transport: what a route handler receives as
// `c`. The edge's dispatcher (src/http/dispatch.ts) builds these; src/http/node-adapter.ts adapts
// node:http to them (the server) and src/http/fetch-adapter.ts adapts web Request/Response
// (app.fetch, the tests).
import { AppError } from '../lib/errors';

/** What yoga's context and the handlers read from a request: the shape a web `Request` also has. */
export interface RequestView {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

export interface Exchange extends RequestView {
  /** The path without its query string, as sent (not percent-decoded). */
  readonly path: string;
  /** The query string without `?`; '' when there is none. */
  readonly query: string;
  /** The peer's address; null where there is no socket (app.fetch). */
  readonly remoteAddress: string | null;
  /** The body as UTF-8 text; throws 413 PAYLOAD_TOO_LARGE past `max` bytes. Reads once. */
  readBody(max: number): Promise<string>;
  /** The body's bytes exactly as they arrived (for a signature over them); same limit, reads once. */
  readBytes(max: number): Promise<Buffer>;
  /** The request as a web `Request` with `body` (read by readBody first), for yoga's own HTTP layer. */
  webRequest(body: string | null): Request;
}

export type HeaderValue = string | string[];

export interface Reply {
  status: number;
  /** Lower-case names. */
  headers: Record<string, HeaderValue>;
  /** A stream only for yoga's streaming answers (SSE). */
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

export const tooLarge = (max: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${max} bytes`);

/** The reply being built for one request: what a route handler receives as `c`. Headers set before
 * the reply is made (request id, rate limits, CORS, cookies) are part of it. */
export class HttpCtx {
  readonly headers: Record<string, HeaderValue> = {};

  constructor(readonly req: Exchange) {}

  header(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') {
      const prev = this.headers[key];
      this.headers[key] = prev === undefined ? [value] : ([] as string[]).concat(prev, value);
    } else this.headers[key] = value;
  }

  body(
    body: Reply['body'],
    status = 200,
    headers?: Record<string, string>,
    type = 'text/plain; charset=UTF-8',
  ): Reply {
    const out = this.headers;
    if (out['content-type'] === undefined) out['content-type'] = type;
    if (headers) for (const k in headers) this.header(k, headers[k]!);
    return { status, headers: out, body };
  }

  json(data: unknown, status = 200, headers?: Record<string, string>): Reply {
    return this.body(JSON.stringify(data), status, headers, 'application/json');
  }

  html(html: string, status = 200): Reply {
    return this.body(html, status, undefined, 'text/html; charset=UTF-8');
  }

  /** A web Response (from yoga) as the reply; headers already set here win over its own. */
  response(res: Response): Reply {
    const headers: Record<string, HeaderValue> = {};
    res.headers.forEach((v, k) => {
      if (k !== 'set-cookie') headers[k] = v;
    });
    const cookies = res.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    Object.assign(headers, this.headers);
    return { status: res.status, headers, body: res.body };
  }
}
