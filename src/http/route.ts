// The REST route table. Each domain exports RouteDefs; the router matches requests to them and the
// OpenAPI document is printed from the same table and the same zod shapes.
import type { z } from 'zod';
import type { Principal, Tenant } from '../auth/principal';
import type { CallerInfo } from '../licensing/activations.service';
import type { HttpCtx, Reply } from './exchange';
import { type PageWindow, type PaginationInput, pageWindow, paginated } from '../lib/pagination';

export type Access = 'public' | 'portal' | 'admin';

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal;
  /** Set for portal and admin routes. */
  tenant: Tenant;
  caller: CallerInfo;
}

export interface RouteDef<B = any, Q = any> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Hono path syntax, e.g. `/api/v1/licenses/:id`. */
  path: string;
  access: Access;
  /** A mutation a read-only user may not call. Defaults to true for non-GET methods. */
  mutates?: boolean;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Example request body and response for the docs. */
  example?: { request?: unknown; response?: unknown; status?: number };
  handler(c: HttpCtx, input: RouteInput<B, Q>): Promise<Reply> | Reply;
}

export const defineRoutes = (routes: RouteDef<any, any>[]) => routes;

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
