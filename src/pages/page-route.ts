// The customer page's routes as the edge (src/http/pages.ts) runs them: paths relative to the page
// (`/`, `/sign-in/:token`), served at /my/<account id>/… on this server's host and at /… on a
// registered custom domain.
import type { Account } from '../../prisma/generated/client/client';
import type { HttpCtx, Reply } from '../rest/context';

export interface PageRequest {
  c: HttpCtx;
  account: Account;
  /** The path prefix of links: '' on a custom domain, '/my/<account id>' otherwise. */
  base: string;
  /** Absolute base for links sent by email: TO_PUBLIC_URL + base, or https://<custom domain>. Never
   * taken from an unregistered Host header. */
  origin: string;
  /** Cookies are scoped to the page: `base` or '/'. */
  cookiePath: string;
  /** Served over https (a trusted proxy's X-Forwarded-Proto, or TO_PUBLIC_URL): Secure cookies. */
  secure: boolean;
  ip: string;
  userAgent: string | null;
  requestId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** A POST's urlencoded form; null on GET. */
  form: URLSearchParams | null;
  cookies: Record<string, string>;
}

export interface PageRoute {
  method: 'get' | 'post';
  path: string;
  handler(req: PageRequest): Promise<Reply> | Reply;
}
