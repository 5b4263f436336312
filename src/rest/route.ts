// The REST route kit the domains use to declare their routes. Each domain exports RouteDefs; the
// edge (src/http/) matches requests to them, checks access, renames and parses the input with the
// route's camelCase zod shapes (./input.ts), and prints the OpenAPI document from the same table.
import type { z } from 'zod';
import { type PageWindow, type PaginationInput, pageWindow, paginated } from '../lib/pagination';
import type { Caller, KeyCaller, Principal } from '../lib/principal';
import type { HttpCtx, Reply } from './context';

export type Access = 'public' | 'portal' | 'admin';

export interface RouteInput<B, Q> {
  /** The body, renamed to the service's camelCase names and parsed with `body`. */
  body: B;
  /** Routes with `rawBody`: the body's bytes exactly as they arrived, unparsed (else null). */
  raw: Buffer | null;
  query: Q;
  params: Record<string, string>;
  principal: Principal;
  /** Portal and admin routes: the caller's tenant, principal and request (for writes and audits). */
  caller: Caller;
  /** Public routes: the request, and the tenant an API key sent along restricts lookups to. */
  keyCaller: KeyCaller;
}

// `any` by default so routes of every input shape fit one table (RouteDef[]); route() keeps each
// handler typed by its own shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface RouteDef<B = any, Q = any> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Hono path syntax, e.g. `/api/v1/licenses/:id`. */
  path: string;
  access: Access;
  /** A mutation a read-only user may not call. Defaults to true for non-GET methods. */
  mutates?: boolean;
  summary: string;
  tag: string;
  /** The service's camelCase input shape (the REST body's snake_case names are renamed to it). */
  body?: z.ZodType<B>;
  /** The handler gets the body's bytes as they arrived (`input.raw`) instead of a parsed `body`: for
   * a signature over the raw body, checked before anything parses it (the Stripe receiver). The
   * body-size limit still applies. */
  rawBody?: boolean;
  /** Other REST names this route's body accepts for a field (`{ product: 'productId' }`). */
  aliases?: Record<string, string>;
  /** Seed compatibility: adjusts the raw REST body before it is renamed and parsed. */
  rest?: (raw: Record<string, unknown>) => Record<string, unknown>;
  query?: z.ZodType<Q>;
  /** Example request body (REST names) and response, for the docs. */
  example?: { request?: unknown; response?: unknown; status?: number };
  /** A public route that reads the session cookie itself (refresh, logout): the cookie rule of
   * portal routes applies to it (src/http/router.ts, `cookieWrite`). */
  usesSessionCookie?: boolean;
  /** false: the route ignores `Idempotency-Key` (the session routes, which exchange credentials). */
  idempotency?: false;
  /** Plumbing of the server's own pages (the Scalar bundle): routed, but not in the API document. */
  internal?: boolean;
  handler(c: HttpCtx, input: RouteInput<B, Q>): Promise<Reply> | Reply;
}

export const defineRoutes = (routes: RouteDef[]) => routes;

export function route<B = undefined, Q = undefined>(def: RouteDef<B, Q>): RouteDef<B, Q> {
  return def;
}

/** A GET list route in the seed's `{data, pagination}` shape: `list` loads one page, `json` shapes
 * each row. Query parsing, page windows and the envelope are the same for every list. */
export function listRoute<Q extends PaginationInput, T>(def: {
  path: string;
  access?: Access;
  summary: string;
  tag: string;
  query: z.ZodType<Q>;
  /** Default page size (the seed's license list uses 25). */
  defaultLimit?: number;
  list(input: RouteInput<undefined, Q>, w: PageWindow): Promise<{ data: T[]; total: number }>;
  json(row: T): unknown;
}): RouteDef<undefined, Q> {
  return {
    method: 'get',
    path: def.path,
    access: def.access ?? 'portal',
    summary: def.summary,
    tag: def.tag,
    query: def.query,
    async handler(c, input) {
      const w = pageWindow(input.query, def.defaultLimit);
      const { data, total } = await def.list(input, w);
      return c.json(
        paginated(
          data.map((row) => def.json(row)),
          total,
          w,
        ),
      );
    },
  };
}

/** Sets a deprecated route's `Sunset` (RFC 8594) and `Deprecation` headers. */
export function deprecate(c: HttpCtx, sunset: Date, link?: string) {
  c.header('Deprecation', 'true');
  c.header('Sunset', sunset.toUTCString());
  if (link) c.header('Link', `<${link}>; rel="sunset"`);
}
