// The customer page over app.fetch: sign-in by the vendor's portal link, by magic link (from the
// email a real SMTP server received) and by license key; single-use links; CSRF on every form;
// rate limits; the same answer for unknown addresses; Deactivate and its monthly cap; a custom
// domain by Host header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/lib/crypto';
import { makeApp, type TestApp } from './helpers/app';
import { PageClient } from './helpers/customer-page';
import { type Mailbox, startSmtp } from './helpers/smtp';

let t: TestApp;
let box: Mailbox;
let page: string;
beforeAll(async () => {
  box = await startSmtp();
  t = await makeApp({ smtpUrl: box.url });
  page = `/my/${t.accountId}`;
});
afterAll(async () => {
  await t.close();
  await box.close();
});

let n = 0;
/** A customer with a license on a product, and `devices` activated devices. */
async function customerWithLicense(devices = 2, product: Record<string, unknown> = {}) {
  const email = `buyer${++n}@example.com`;
  const p = await t.call('POST', '/api/v1/products', { name: `Studio ${n}`, ...product });
  const l = await t.call('POST', '/api/v1/licenses', {
    product_id: p.body.product.id,
    type: 'perpetual',
    max_activations: 3,
    email,
  });
  for (let i = 0; i < devices; i++) {
    await t.call(
      'POST',
      '/api/v1/activate',
      { license_key: l.body.license.key, machine_id: `device-${n}-${i}`, platform: 'mac' },
      null,
    );
  }
  return {
    email,
    product: p.body.product,
    license: l.body.license,
    customerId: l.body.license.customerId as string,
  };
}

async function portalLink(customerId: string) {
  const r = await t.call('POST', `/api/v1/customers/${customerId}/portal-link`);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { url: string; expiresAt: string };
}

const pathOf = (url: string) => new URL(url).pathname;

describe('the portal link', () => {
  it('signs in once, within 15 minutes, with a scoped HttpOnly SameSite=Lax cookie', async () => {
    const c = await customerWithLicense();
    const link = await portalLink(c.customerId);
    expect(link.url).toMatch(
      new RegExp(`^http://localhost:4000/my/${t.accountId}/sign-in/[A-Za-z0-9_-]{43}$`),
    );
    const minutes = (new Date(link.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // Only a hash of the token is stored.
    const token = link.url.split('/').pop()!;
    const rows = await t.app.deps.prisma.customerLoginToken.findMany();
    expect(rows.some((r) => r.tokenHash === sha256Hex(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);

    const browser = new PageClient(t);
    const first = await browser.get(pathOf(link.url));
    expect(first.status).toBe(303);
    expect(first.location).toBe(`${page}/`);
    const cookie = first.headers.getSetCookie().find((s) => s.startsWith('to_customer='))!;
    expect(cookie).toContain(`Path=${page}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const home = await browser.get(first.location!);
    expect(home.status).toBe(200);
    expect(home.html).toContain(c.email);
    expect(home.html).toContain(c.product.name);
    expect(home.html).toContain('2 of 3 used');
    expect(home.html).toContain('<details><summary>Reveal key</summary>');
    expect(home.headers.get('content-security-policy')).toMatch(/script-src 'self'; style-src 'self'/);
    expect(home.html).not.toMatch(/<script>|\sstyle="|\son[a-z]+="/);

    const again = await new PageClient(t).get(pathOf(link.url));
    expect(again.status).toBe(410);
    expect(again.html).toContain('expired or was already used');
  });

  it('is 404 for a customer of another environment', async () => {
    const c = await customerWithLicense(0);
    const r = await t.call('POST', `/api/v1/customers/${c.customerId}/portal-link`, undefined, t.testKey);
    expect(r.status).toBe(404);
  });
});

describe('the magic link', () => {
  it('gives the same answer for known and unknown addresses, and signs in from the email', async () => {
    const c = await customerWithLicense(1);
    const browser = new PageClient(t);
    await browser.get(`${page}/`);
    const known = await browser.post(`${page}/sign-in/email`, { email: c.email.toUpperCase() });
    const unknown = await new PageClient(t)
      .get(`${page}/`)
      .then(() => browser.post(`${page}/sign-in/email`, { email: 'nobody@example.com' }));
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const body = (h: string) => h.replace(/name="csrf" value="[^"]+"/g, '');
    expect(body(known.html)).toBe(body(unknown.html));

    const emails = (await t.call('GET', '/api/v1/emails?template=magic_link')).body.data;
    expect(emails.map((e: { to: string }) => e.to)).toEqual([c.email]);
    // The outbox row holds a placeholder, not the token.
    const row = await t.app.deps.prisma.emailMessage.findUniqueOrThrow({ where: { id: emails[0].id } });
    expect(row.text).toContain('{{login_token}}');

    await t.app.emails!.dispatchOnce();
    const mail = box.messages.find((m) => m.subject?.startsWith('Sign in to'))!;
    const url = /http\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(mail.text ?? '')![0];
    expect(mail.html).toContain(url);
    const reader = new PageClient(t);
    const home = await reader.follow(pathOf(url));
    expect(home.status).toBe(200);
    expect(home.html).toContain(c.email);
    expect((await new PageClient(t).get(pathOf(url))).status).toBe(410);
  });

  it('is rate limited per address (and counts unknown addresses the same)', async () => {
    const browser = new PageClient(t);
    await browser.get(`${page}/`);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await browser.post(`${page}/sign-in/email`, { email: 'flood@example.com' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('forms', () => {
  it('refuse a post without the CSRF token of the browser, and change nothing', async () => {
    const c = await customerWithLicense(1);
    const browser = new PageClient(t);
    await browser.follow(pathOf((await portalLink(c.customerId)).url));
    const home = await browser.get(`${page}/`);
    const device = /\/devices\/(mach_[0-9A-Za-z]+)\/deactivate/.exec(home.html)![1];
    const forged = await browser.request('POST', `${page}/devices/${device}/deactivate`, { csrf: 'forged' });
    expect(forged.status).toBe(403);
    const other = new PageClient(t);
    await other.get(`${page}/`);
    browser.csrf = other.csrf; // another browser's token does not fit this browser's cookie
    expect((await browser.post(`${page}/devices/${device}/deactivate`)).status).toBe(403);
    expect((await t.call('GET', `/api/v1/licenses/${c.license.id}`)).body.license.activations).toBe(1);
  });
});

describe('Deactivate', () => {
  it('frees the seat and records license.deactivated with actor customer, within the monthly cap', async () => {
    const c = await customerWithLicense(3, { customer_deactivations_per_month: 2 });
    const browser = new PageClient(t);
    await browser.follow(pathOf((await portalLink(c.customerId)).url));
    for (let i = 0; i < 2; i++) {
      const home = await browser.get(`${page}/`);
      const device = /\/devices\/(mach_[0-9A-Za-z]+)\/deactivate/.exec(home.html)![1];
      const r = await browser.post(`${page}/devices/${device}/deactivate`);
      expect(r.status).toBe(303);
      expect(r.location).toBe(`${page}/?notice=deactivated`);
    }
    const home = await browser.get(`${page}/?notice=deactivated`);
    expect(home.html).toContain('its seat is free');
    expect(home.html).toContain('1 of 3 used');
    const device = /\/devices\/(mach_[0-9A-Za-z]+)\/deactivate/.exec(home.html)![1];
    const capped = await browser.post(`${page}/devices/${device}/deactivate`);
    expect(capped.location).toBe(`${page}/?error=deactivation-limit`);
    expect((await t.call('GET', `/api/v1/licenses/${c.license.id}`)).body.license.activations).toBe(1);
    const events = (await t.call('GET', `/api/v1/events?license_id=${c.license.id}&type=license.deactivated`))
      .body.data;
    expect(events).toHaveLength(2);
    expect(events.every((e: { data: { actor: string } }) => e.data.actor === 'customer')).toBe(true);
  });

  it("cannot touch another customer's device", async () => {
    const mine = await customerWithLicense(1);
    const theirs = await customerWithLicense(1);
    const theirDevice = (await t.call('GET', `/api/v1/licenses/${theirs.license.id}/activations`)).body
      .data[0].id;
    const browser = new PageClient(t);
    await browser.follow(pathOf((await portalLink(mine.customerId)).url));
    const r = await browser.post(`${page}/devices/${theirDevice}/deactivate`);
    expect(r.location).toBe(`${page}/?error=device-gone`);
    expect((await t.call('GET', `/api/v1/licenses/${theirs.license.id}`)).body.license.activations).toBe(1);
  });
});

describe('sign-in by license key', () => {
  it('shows that one license only; a wrong key says so', async () => {
    const c = await customerWithLicense(1);
    await t.call('POST', '/api/v1/licenses', {
      product_id: c.product.id,
      type: 'perpetual',
      email: c.email,
      plan: 'other-one',
    });
    const browser = new PageClient(t);
    await browser.get(`${page}/`);
    const bad = await browser.post(`${page}/sign-in/key`, { key: 'NOPE-NOPE-NOPE-NOPE' });
    expect(bad.location).toBe(`${page}/?error=bad-key`);
    const ok = await browser.post(`${page}/sign-in/key`, { key: c.license.key.toLowerCase() });
    expect(ok.location).toBe(`${page}/`);
    const home = await browser.get(`${page}/`);
    expect(home.html).toContain('1 license.');
    expect(home.html).not.toContain('other-one');
    const out = await browser.post(`${page}/sign-out`);
    expect(out.location).toBe(`${page}/?notice=signed-out`);
    expect((await browser.get(`${page}/`)).html).toContain('Sign in by email');
  });
});

describe('custom domains and branding', () => {
  it('serves the page at / for a registered Host, and X-Forwarded-Host only behind a trusted proxy', async () => {
    const added = await t.call('POST', '/api/v1/domains', { host: 'Licenses.Acme.Test' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.domain.host).toBe('licenses.acme.test');
    expect((await t.call('POST', '/api/v1/domains', { host: 'licenses.acme.test' })).status).toBe(409);
    expect((await t.call('POST', '/api/v1/domains', { host: 'https://x.test/' })).status).toBe(400);
    await t.call('PATCH', '/api/v1/branding', { name: 'Acme Apps', primary_color: '#B0004A' });

    const onDomain = new PageClient(t, { host: 'licenses.acme.test' });
    const home = await onDomain.get('/');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Manage your Acme Apps licenses');
    expect(home.html).toContain('action="/sign-in/email"');
    expect((await onDomain.get('/theme.css')).html).toContain('--primary:#B0004A');
    // The REST API is still the REST API on that host.
    expect((await onDomain.get('/api/v1/health')).status).toBe(200);
    // Links made for this account now point at the domain.
    const c = await customerWithLicense(0);
    const link = await portalLink(c.customerId);
    expect(link.url).toMatch(/^https:\/\/licenses\.acme\.test\/sign-in\//);
    const signedIn = await onDomain.follow(pathOf(link.url));
    expect(signedIn.html).toContain(c.email);
    expect(onDomain.cookies.has('to_customer')).toBe(true);

    // Any other host is the server itself: / goes to the vendor dashboard, not a customer page.
    const elsewhere = await new PageClient(t, { host: 'elsewhere.test' }).get('/');
    expect([elsewhere.status, elsewhere.location]).toEqual([302, '/dashboard']);
    const spoofed = await new PageClient(t, {
      host: 'elsewhere.test',
      'x-forwarded-host': 'licenses.acme.test',
    }).get('/');
    expect([spoofed.status, spoofed.location]).toEqual([302, '/dashboard']);
    expect(spoofed.html).not.toContain('Acme Apps');
    const proxied = await makeApp({ trustProxy: 1 });
    try {
      await proxied.call('POST', '/api/v1/domains', { host: 'portal.proxied.test' });
      const viaProxy = await new PageClient(proxied, {
        host: 'internal:4000',
        'x-forwarded-host': 'portal.proxied.test',
      }).get('/');
      expect(viaProxy.status).toBe(200);
    } finally {
      await proxied.close();
    }
    const list = await t.call('GET', '/api/v1/domains');
    expect(list.body.data.map((d: { host: string }) => d.host)).toEqual(['licenses.acme.test']);
    expect((await t.call('DELETE', `/api/v1/domains/${added.body.domain.id}`)).status).toBe(200);
    const removed = await new PageClient(t, { host: 'licenses.acme.test' }).get('/');
    expect([removed.status, removed.location]).toEqual([302, '/dashboard']);
  });

  it('validates colours and logos strictly and never accepts SVG', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(32),
    ]);
    const ok = await t.call('PATCH', '/api/v1/branding', {
      logo_url: `data:image/png;base64,${png.toString('base64')}`,
      accent_color: '#00aa55',
      support_url: 'https://help.acme.test',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.branding).toMatchObject({ accentColor: '#00AA55', supportUrl: 'https://help.acme.test' });
    const refused = [
      { primary_color: 'red' },
      { primary_color: '#12345' },
      { accent_color: '#GGGGGG' },
      { logo_url: 'http://cdn.acme.test/logo.png' },
      { logo_url: 'https://cdn.acme.test/logo.svg' },
      { logo_url: `data:image/svg+xml;base64,${Buffer.from('<svg onload="alert(1)"/>').toString('base64')}` },
      { logo_url: `data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}` },
      {
        logo_url: `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(256 * 1024)]).toString('base64')}`,
      },
      { logo_url: 'javascript:alert(1)' },
      { support_email: 'not-an-email' },
    ];
    for (const body of refused) {
      const r = await t.call('PATCH', '/api/v1/branding', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await t.call('PATCH', '/api/v1/branding', { logo_url: null })).body.branding.logoUrl).toBeNull();
  });
});
