// Escaping and the page frame of the customer page: a strict CSP (no inline script or style; the
// theme is a stylesheet of CSS custom properties), the brand header, and the support footer.
import type { Branding } from '../accounts/branding.service';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  // Sign-in links carry their token in the URL: never pass it on.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

export interface Frame {
  branding: Branding;
  /** The page's path prefix: '' on a custom domain, '/my/<account id>' otherwise. */
  base: string;
  title: string;
  /** Shown at the top of main: a notice or an error. */
  flash?: { kind: 'notice' | 'error'; text: string } | null;
  /** The header's right side (who is signed in, the sign-out form). */
  account?: string;
  main: string;
}

export function page(f: Frame): string {
  const b = f.branding;
  const brand = b.logoUrl
    ? `<img class="logo" src="${esc(b.logoUrl)}" alt="${esc(b.name)}">`
    : `<span class="brand-name">${esc(b.name)}</span>`;
  const support = [
    b.supportEmail ? `<a href="mailto:${esc(b.supportEmail)}">${esc(b.supportEmail)}</a>` : null,
    b.supportUrl ? `<a href="${esc(b.supportUrl)}">Help center</a>` : null,
  ].filter(Boolean);
  const flash = f.flash
    ? `<div class="flash ${f.flash.kind}" role="${f.flash.kind === 'error' ? 'alert' : 'status'}">${esc(f.flash.text)}</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(f.title)} · ${esc(b.name)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${f.base}/page.css">
<link rel="stylesheet" href="${f.base}/theme.css">
<script src="${f.base}/page.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap top-row"><a class="brand" href="${f.base}/">${brand}</a>${f.account ?? ''}</div></header>
<main id="main" class="wrap" tabindex="-1">
${flash}
${f.main}
</main>
<footer class="wrap foot">${support.length ? `<p>Need help? ${support.join(' · ')}</p>` : ''}<p class="muted">Licenses by ${esc(b.name)}</p></footer>
</body>
</html>
`;
}
