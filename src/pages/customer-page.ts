// The customer page's views: sign-in (magic link or license key), the licenses with their devices,
// and the messages. Server-rendered; every form posts with a CSRF token; nothing needs JavaScript.
import type { Branding } from '../accounts/branding.service';
import type { CustomerLicense } from '../licensing/customer-devices';
import { effectiveStatus } from '../licensing/licenses.views';
import { esc, type Frame, page } from './html';

export interface View {
  branding: Branding;
  base: string;
  csrf: string;
  now: Date;
}

const hidden = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

const day = (d: Date | null) =>
  d
    ? d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    : 'Never';

const frame = (v: View, f: Omit<Frame, 'branding' | 'base'>) =>
  page({ branding: v.branding, base: v.base, ...f });

export function signInPage(v: View, flash?: Frame['flash'], email = ''): string {
  const b = v.branding;
  return frame(v, {
    title: 'Sign in',
    flash,
    main: `<h1>Manage your ${esc(b.name)} licenses</h1>
<p class="lead">See your license keys and free a device you no longer use.</p>
<div class="signin">
<section class="card" aria-labelledby="by-email">
<h2 id="by-email">Sign in by email</h2>
<p class="muted">We send you a link that signs you in. It works once, for 15 minutes.</p>
<form method="post" action="${v.base}/sign-in/email">${hidden(v.csrf)}
<div class="field"><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${esc(email)}"></div>
<button type="submit">Email me a sign-in link</button>
</form>
</section>
<section class="card" aria-labelledby="by-key">
<h2 id="by-key">Sign in with a license key</h2>
<p class="muted">Shows that one license only.</p>
<form method="post" action="${v.base}/sign-in/key">${hidden(v.csrf)}
<div class="field"><label for="key">License key</label>
<input id="key" name="key" type="text" autocomplete="off" spellcheck="false" required placeholder="XXXX-XXXX-XXXX-XXXX" aria-describedby="key-hint">
<p id="key-hint" class="hint">As it appears in your purchase email.</p></div>
<button type="submit" class="secondary">Sign in with key</button>
</form>
</section>
</div>`,
  });
}

export function sentPage(v: View): string {
  return frame(v, {
    title: 'Check your email',
    main: `<h1>Check your email</h1>
<p class="lead">If that address has licenses with ${esc(v.branding.name)}, a sign-in link is on its way. It works once, within 15 minutes.</p>
<p><a href="${v.base}/">Back to sign in</a></p>`,
  });
}

export function messagePage(v: View, title: string, text: string): string {
  return frame(v, {
    title,
    flash: { kind: 'error', text },
    main: `<h1>${esc(title)}</h1><p><a href="${v.base}/">Back to sign in</a></p>`,
  });
}

const masked = (key: string) =>
  key.length > 8
    ? `${key.slice(0, 4)}${key.slice(4, -4).replace(/[A-Z0-9]/gi, '•')}${key.slice(-4)}`
    : '••••';

function licenseCard(v: View, l: CustomerLicense): string {
  const status = effectiveStatus(l, v.now);
  const keyId = `key-${l.id}`;
  const devices = l.activations.length
    ? `<ul class="devices">${l.activations
        .map((a) => {
          const seen = a.lastValidatedAt ?? a.lastHeartbeatAt ?? a.createdAt;
          const name = a.label ?? a.machineId;
          return `<li><div><div class="device-name">${esc(name)}</div>
<div class="muted">${a.platform ? `${esc(a.platform)} · ` : ''}Last seen ${esc(day(seen))}</div></div>
<form method="post" action="${v.base}/devices/${esc(a.id)}/deactivate">${hidden(v.csrf)}
<button type="submit" class="danger" aria-label="Deactivate ${esc(name)}">Deactivate</button></form></li>`;
        })
        .join('\n')}</ul>`
    : `<p class="empty">No device uses this license yet.</p>`;
  return `<article class="card" aria-labelledby="h-${l.id}">
<div class="card-head"><h2 id="h-${l.id}">${esc(l.product.name)}</h2><span class="badge ${status}">${status[0]!.toUpperCase()}${status.slice(1)}</span></div>
<div class="key"><span class="muted">License key</span><code aria-label="License key, hidden">${esc(masked(l.key))}</code>
<details><summary>Reveal key</summary><code id="${keyId}">${esc(l.key)}</code></details>
<button type="button" class="secondary" data-copy="${keyId}" hidden>Copy key</button></div>
<dl class="grid">
<div><dt>Type</dt><dd>${esc(l.type[0]!.toUpperCase() + l.type.slice(1))}${l.plan ? ` · ${esc(l.plan)}` : ''}</dd></div>
<div><dt>${l.expiresAt && l.expiresAt <= v.now ? 'Expired' : 'Expires'}</dt><dd>${esc(day(l.expiresAt))}</dd></div>
<div><dt>Devices</dt><dd>${l.activationCount} of ${l.maxActivations} used</dd></div>
<div><dt>Checks, last 30 days</dt><dd>${l.validations30d.toLocaleString('en-US')}</dd></div>
</dl>
<h3>Devices</h3>
${devices}
</article>`;
}

export function licensesPage(
  v: View,
  who: string,
  licenses: CustomerLicense[],
  flash?: Frame['flash'],
): string {
  const account = `<div class="who"><span>Signed in as <strong>${esc(who)}</strong></span>
<form method="post" action="${v.base}/sign-out" class="inline">${hidden(v.csrf)}<button type="submit" class="link">Sign out</button></form></div>`;
  const list = licenses.length
    ? licenses.map((l) => licenseCard(v, l)).join('\n')
    : `<p class="empty card">You have no licenses with ${esc(v.branding.name)} yet.</p>`;
  return frame(v, {
    title: 'Your licenses',
    account,
    flash,
    main: `<h1>Your licenses</h1>
<p class="lead">${licenses.length} license${licenses.length === 1 ? '' : 's'}. Free a device here to use your license on another one.</p>
${list}`,
  });
}
