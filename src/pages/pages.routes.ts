// The customer page's routes (relative to the page; see page-route.ts). Handlers translate: forms
// in, the services of portal.service.ts and licensing's customer-devices.ts, HTML or a redirect out.
import { brandingOf } from '../accounts/branding.service';
import type { Deps } from '../deps';
import { AppError } from '../lib/errors';
import { type CustomerScope, customerLicenses, deactivateForCustomer } from '../licensing/customer-devices';
import type { Reply } from '../rest/context';
import { PAGE_CSS, PAGE_JS, themeCss } from './assets';
import { licensesPage, messagePage, sentPage, signInPage, type View } from './customer-page';
import { PAGE_HEADERS } from './html';
import type { PageRequest, PageRoute } from './page-route';
import {
  cookie,
  CSRF_COOKIE,
  csrfToken,
  csrfValid,
  endSession,
  newCsrfSecret,
  readSession,
  SESSION_COOKIE,
} from './portal-auth';
import { requestMagicLink, signInWithKey, signInWithLink } from './portal.service';

/** Fixed texts for the flash codes a redirect carries (nothing from the URL is echoed). */
const NOTICES: Record<string, string> = {
  deactivated: 'The device was deactivated; its seat is free.',
  'signed-out': 'You are signed out.',
};
const ERRORS: Record<string, string> = {
  'deactivation-limit':
    'This license has used up its device changes for this month. Contact support for more.',
  'device-gone': 'That device is no longer on your license.',
  'bad-key': 'No license with that key here. Check the key and try again.',
  'link-used': 'That sign-in link has expired or was already used. Ask for a new one below.',
};

function html(req: PageRequest, body: string, status = 200): Reply {
  for (const [k, v] of Object.entries(PAGE_HEADERS)) req.c.header(k, v);
  return req.c.html(body, status);
}

const redirect = (req: PageRequest, to: string): Reply => {
  req.c.header('Location', `${req.base}${to}`);
  req.c.header('Cache-Control', 'no-store');
  return req.c.body(null, 303);
};

/** The browser's CSRF secret, set as a cookie when it has none yet. */
function csrfOf(deps: Deps, req: PageRequest): string {
  let secret = req.cookies[CSRF_COOKIE];
  if (!secret) {
    secret = newCsrfSecret();
    req.c.header('Set-Cookie', cookie(CSRF_COOKIE, secret, req.cookiePath, req.secure, 7 * 86400));
  }
  return csrfToken(deps, secret);
}

const view = (deps: Deps, req: PageRequest): View => ({
  branding: brandingOf(req.account),
  base: req.base,
  csrf: csrfOf(deps, req),
  now: deps.now(),
});

const flashOf = (q: URLSearchParams) => {
  const n = q.get('notice');
  const e = q.get('error');
  if (e && ERRORS[e]) return { kind: 'error' as const, text: ERRORS[e] };
  if (n && NOTICES[n]) return { kind: 'notice' as const, text: NOTICES[n] };
  return null;
};

async function sessionOf(deps: Deps, req: PageRequest) {
  return readSession(deps, req.account.id, req.cookies[SESSION_COOKIE] ?? null);
}

const scopeOf = (s: NonNullable<Awaited<ReturnType<typeof readSession>>>): CustomerScope => ({
  tenant: { accountId: s.accountId, environment: s.environment },
  customerId: s.customerId,
  licenseId: s.licenseId,
});

function setSession(req: PageRequest, s: { token: string; maxAge: number }) {
  req.c.header('Set-Cookie', cookie(SESSION_COOKIE, s.token, req.cookiePath, req.secure, s.maxAge));
}

/** POST handlers check the CSRF token first; a form without a valid one changes nothing. */
const post =
  (deps: Deps, fn: (req: PageRequest) => Promise<Reply>) =>
  (req: PageRequest): Promise<Reply> | Reply => {
    if (!csrfValid(deps, req.cookies[CSRF_COOKIE] ?? null, req.form?.get('csrf') ?? null)) {
      return html(
        req,
        messagePage(
          view(deps, req),
          'Please try again',
          'This form has expired. Reload the page and try again.',
        ),
        403,
      );
    }
    return fn(req);
  };

export function customerPageRoutes(deps: Deps): PageRoute[] {
  const asset = (type: string, body: (req: PageRequest) => string) => (req: PageRequest) => {
    req.c.header('Cache-Control', 'public, max-age=300');
    req.c.header('X-Content-Type-Options', 'nosniff');
    return req.c.body(body(req), 200, { 'Content-Type': type });
  };
  return [
    {
      method: 'get',
      path: '/',
      async handler(req) {
        const v = view(deps, req);
        const s = await sessionOf(deps, req);
        if (!s) return html(req, signInPage(v, flashOf(req.query)));
        const scope = scopeOf(s);
        const licenses = await customerLicenses(deps, scope);
        let who = 'your license key';
        if (s.customerId) {
          const c = await deps.prisma.customer.findUnique({
            where: { id: s.customerId },
            select: { email: true },
          });
          who = c?.email ?? who;
        }
        return html(req, licensesPage(v, who, licenses, flashOf(req.query)));
      },
    },
    {
      method: 'post',
      path: '/sign-in/email',
      handler: post(deps, async (req) => {
        const email = (req.form?.get('email') ?? '').trim();
        const v = view(deps, req);
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
          return html(
            req,
            signInPage(v, { kind: 'error', text: 'Enter a valid email address.' }, email),
            400,
          );
        }
        try {
          await requestMagicLink(deps, req.account.id, email, req.ip, req.origin, {
            ip: req.ip,
            userAgent: req.userAgent,
            requestId: req.requestId,
          });
        } catch (err) {
          if (err instanceof AppError && err.code === 'RATE_LIMITED') {
            const wait = Number(err.details?.retryAfter ?? 60);
            req.c.header('Retry-After', String(wait));
            const text = `Too many sign-in requests. Try again in ${wait} seconds.`;
            return html(req, signInPage(v, { kind: 'error', text }, email), 429);
          }
          throw err;
        }
        return html(req, sentPage(v));
      }),
    },
    {
      method: 'post',
      path: '/sign-in/key',
      handler: post(deps, async (req) => {
        let session;
        try {
          session = await signInWithKey(deps, req.account.id, req.form?.get('key') ?? '', {
            ip: req.ip,
            userAgent: req.userAgent,
            requestId: req.requestId,
          });
        } catch (err) {
          if (err instanceof AppError && err.code === 'RATE_LIMITED') {
            return html(
              req,
              signInPage(view(deps, req), {
                kind: 'error',
                text: 'Too many attempts. Try again in a minute.',
              }),
              429,
            );
          }
          throw err;
        }
        if (!session) return redirect(req, '/?error=bad-key');
        setSession(req, session);
        return redirect(req, '/');
      }),
    },
    {
      method: 'get',
      path: '/sign-in/:token',
      async handler(req) {
        const session = await signInWithLink(deps, req.account.id, req.params.token ?? '', {
          ip: req.ip,
          userAgent: req.userAgent,
          requestId: req.requestId,
        });
        if (!session) {
          const v = view(deps, req);
          return html(req, signInPage(v, { kind: 'error', text: ERRORS['link-used']! }), 410);
        }
        setSession(req, session);
        return redirect(req, '/');
      },
    },
    {
      method: 'post',
      path: '/sign-out',
      handler: post(deps, async (req) => {
        await endSession(deps, req.cookies[SESSION_COOKIE] ?? null);
        req.c.header('Set-Cookie', cookie(SESSION_COOKIE, '', req.cookiePath, req.secure, 0));
        return redirect(req, '/?notice=signed-out');
      }),
    },
    {
      method: 'post',
      path: '/devices/:id/deactivate',
      handler: post(deps, async (req) => {
        const s = await sessionOf(deps, req);
        if (!s) return redirect(req, '/');
        try {
          await deactivateForCustomer(deps, scopeOf(s), req.params.id ?? '', {
            ip: req.ip,
            userAgent: req.userAgent,
            requestId: req.requestId,
          });
        } catch (err) {
          if (err instanceof AppError && err.code === 'DEACTIVATION_LIMIT_REACHED') {
            return redirect(req, '/?error=deactivation-limit');
          }
          if (err instanceof AppError && err.code === 'NOT_FOUND')
            return redirect(req, '/?error=device-gone');
          throw err;
        }
        return redirect(req, '/?notice=deactivated');
      }),
    },
    { method: 'get', path: '/page.css', handler: asset('text/css; charset=utf-8', () => PAGE_CSS) },
    { method: 'get', path: '/page.js', handler: asset('text/javascript; charset=utf-8', () => PAGE_JS) },
    {
      method: 'get',
      path: '/theme.css',
      handler: asset('text/css; charset=utf-8', (req) => themeCss(brandingOf(req.account))),
    },
  ];
}
