// A browser's side of the customer page over app.fetch: a cookie jar, the CSRF token of the last
// page, form posts, and following the page's redirects.
import type { TestApp } from './app';

export interface PageResponse {
  status: number;
  html: string;
  headers: Headers;
  location: string | null;
}

export class PageClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    private readonly t: TestApp,
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...v] = pair!.split('=');
      const value = v.join('=');
      if (/Max-Age=0/.test(c) || value === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, form?: Record<string, string>): Promise<PageResponse> {
    const res = await this.t.app.fetch(
      new Request(`http://test.local${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...this.headers,
          ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      }),
    );
    this.remember(res);
    const html = await res.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: res.status, html, headers: res.headers, location: res.headers.get('location') };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** Posts a form with the CSRF token of the last page (unless `csrf` is given). */
  post(path: string, form: Record<string, string> = {}) {
    return this.request('POST', path, { csrf: this.csrf, ...form });
  }

  /** GET, then follow one redirect (as a browser would). */
  async follow(path: string): Promise<PageResponse> {
    const first = await this.get(path);
    return first.location ? this.get(first.location) : first;
  }
}
