// Registers the route table on Hono: request id, auth, body and query parsing, error rendering.
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import { requireAdmin, requirePortal, requireWriter } from '../auth/authenticate';
import { ipOf, principalOf } from './edge';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { parseJsonBody, parseWith } from './input';
import type { RouteDef } from './route';

export const HELP = '/docs#errors';

export function errorBody(err: AppError) {
  const body: Record<string, unknown> = { error: err.message, code: err.code, help: HELP };
  if (err.details && typeof err.details === 'object') Object.assign(body, err.details);
  return body;
}

export function renderError(c: Context, err: unknown, deps: Deps): Response {
  if (err instanceof AppError) return c.json(errorBody(err), err.status as 400);
  deps.logger.error({ err, reqId: c.get('requestId' as never) }, 'unhandled error');
  return c.json({ error: 'Internal server error', code: 'INTERNAL_ERROR', help: HELP }, 500);
}

/** On node:http, reads the socket stream directly (no web Request is built) and stops at `max`. */
function readIncoming(incoming: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${max} bytes`));
      } else chunks.push(chunk);
    });
    incoming.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}

export async function readBody(c: Context, max: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > max) throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${max} bytes`);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableDidRead && !incoming.readableEnded) {
    return readIncoming(incoming, max);
  }
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > max) throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${max} bytes`);
  return new TextDecoder().decode(buf);
}

export function registerRoutes(app: Hono, deps: Deps, routes: RouteDef[]) {
  for (const r of routes) {
    app.on(r.method.toUpperCase(), r.path, async (c) => {
      const authError = c.get('authError' as never);
      if (authError) throw authError;
      const principal = principalOf(c);
      let tenant: Tenant = null as unknown as Tenant;
      if (r.access === 'portal') tenant = requirePortal(principal);
      if (r.access === 'admin') requireAdmin(principal);
      if ((r.mutates ?? r.method !== 'get') && r.access !== 'public') requireWriter(principal);
      let body: unknown = undefined;
      if (r.body)
        body = parseWith(r.body, parseJsonBody(await readBody(c, deps.config.maxBodyBytes)), 'body');
      const query = r.query ? parseWith(r.query, c.req.query(), 'query') : undefined;
      return r.handler(c, {
        body,
        query,
        params: c.req.param() as Record<string, string>,
        principal,
        tenant,
        caller: {
          scope:
            principal.accountId && principal.environment
              ? (tenant ?? { accountId: principal.accountId, environment: principal.environment })
              : null,
          ip: ipOf(c),
          userAgent: c.req.header('user-agent') ?? null,
        },
      });
    });
  }
}
