// app.fetch: a web-standard Request in, a Response out, through the same dispatcher as the server.
import { type Exchange, type Reply, tooLarge } from '../rest/context';

export function fetchExchange(req: Request): Exchange {
  const url = new URL(req.url);
  let read = false;
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    path: url.pathname,
    query: url.search.slice(1),
    remoteAddress: null,
    async readBody(max) {
      return new TextDecoder().decode(await this.readBytes(max));
    },
    async readBytes(max) {
      if (read) return Buffer.alloc(0);
      read = true;
      const buf = await req.arrayBuffer();
      if (buf.byteLength > max) throw tooLarge(max);
      return Buffer.from(buf);
    },
    webRequest: (body) =>
      new Request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? null : (body ?? ''),
      }),
  };
}

export function toResponse(reply: Reply, method: string): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(reply.headers)) {
    if (Array.isArray(v)) for (const one of v) headers.append(k, one);
    else headers.set(k, v);
  }
  const nobody = method === 'HEAD' || reply.status === 204 || reply.status === 304;
  return new Response(nobody ? null : (reply.body as BodyInit | null), { status: reply.status, headers });
}
