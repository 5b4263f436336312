// Email through the outbox to a real SMTP server in this process (smtp-server, read back with
// mailparser): the key email on create and by hand, the branded text and HTML parts, unsent
// without SMTP_URL, retries after a server that was down or refused, permanent refusals, resend.
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { freePort } from './helpers/webhook-receiver';
import { type Mailbox, startSmtp } from './helpers/smtp';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function app(overrides: Partial<Config> = {}, jobs = false): Promise<TestApp> {
  const t = await makeApp({ emailBackoffScale: 0.0001, emailDispatchIntervalMs: 20, ...overrides }, { jobs });
  cleanups.push(() => t.close());
  return t;
}

async function mailbox(opts: Parameters<typeof startSmtp>[0] = {}): Promise<Mailbox> {
  const box = await startSmtp(opts);
  cleanups.push(() => box.close());
  return box;
}

const emails = async (t: TestApp, query = '') => (await t.call('GET', `/api/v1/emails${query}`)).body.data;

describe('without SMTP_URL', () => {
  it('writes the key email as unsent, in the transaction of the license', async () => {
    const t = await app();
    expect(t.app.emails).toBeNull();
    const { license } = await productAndLicense(t, { email: 'ada@example.com', send_email: true });
    const [e] = await emails(t);
    expect(e).toMatchObject({
      to: 'ada@example.com',
      template: 'license_key',
      status: 'unsent',
      attempts: 0,
      lastError: null,
      licenseId: license.id,
      subject: 'Your Test Product license key',
    });
    // A failed create writes no email.
    const bad = await t.call('POST', '/api/v1/licenses', {
      product_id: license.productId,
      type: 'perpetual',
      email: 'bob@example.com',
      send_email: true,
      key: license.key,
    });
    expect(bad.status).toBe(409);
    expect(await emails(t)).toHaveLength(1);
  });

  it('refuses send_email without an address, and send-key on a license without a customer', async () => {
    const t = await app();
    const { product, license } = await productAndLicense(t);
    const r = await t.call('POST', '/api/v1/licenses', {
      product_id: product.id,
      type: 'perpetual',
      send_email: true,
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_ERROR');
    const k = await t.call('POST', `/api/v1/licenses/${license.id}/send-key`);
    expect(k.status).toBe(409);
    expect((await t.call('POST', '/api/v1/licenses/lic_nope/send-key')).status).toBe(404);
    expect(await emails(t)).toEqual([]);
  });
});

describe('through a real SMTP server', () => {
  it('delivers the license-key email: key, product, customer page link, text and HTML, in the branding', async () => {
    const box = await mailbox();
    const t = await app({ smtpUrl: box.url, emailFrom: 'Licensing <licenses@vendor.test>' });
    await t.call('PATCH', '/api/v1/branding', {
      name: 'Acme Apps',
      primary_color: '#7A1FA2',
      support_email: 'help@acme.test',
    });
    const { license } = await productAndLicense(t, { email: 'Ada@Example.com', send_email: true });
    expect(await t.app.emails!.dispatchOnce()).toBe(1);
    expect(box.messages).toHaveLength(1);
    const m = box.messages[0]!;
    expect(m.subject).toBe('Your Test Product license key');
    expect(m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : null).toBe('ada@example.com');
    expect(m.from?.value[0]).toEqual({ name: 'Acme Apps', address: 'licenses@vendor.test' });
    expect(m.replyTo?.value[0]!.address).toBe('help@acme.test');
    const page = `http://localhost:4000/my/${t.accountId}/`;
    expect(m.text).toContain(license.key);
    expect(m.text).toContain('Test Product');
    expect(m.text).toContain(page);
    expect(m.html).toContain(license.key);
    expect(m.html).toContain(`href="${page}"`);
    expect(m.html).toContain('#7A1FA2');
    expect(m.messageId).toMatch(/^<eml_[0-9A-Za-z]{20}@traffic-orchestrator>$/);
    const [e] = await emails(t);
    expect(e).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(e.sentAt).not.toBeNull();
  });

  it('sends a key by hand (send-key) and resends an email with the same Message-ID', async () => {
    const box = await mailbox();
    const t = await app({ smtpUrl: box.url });
    const { license } = await productAndLicense(t, { email: 'ada@example.com' });
    const sent = await t.call('POST', `/api/v1/licenses/${license.id}/send-key`);
    expect(sent.status).toBe(202);
    expect(sent.body.email).toMatchObject({
      template: 'license_key',
      status: 'queued',
      to: 'ada@example.com',
    });
    await t.app.emails!.dispatchOnce();
    const again = await t.call('POST', `/api/v1/emails/${sent.body.email.id}/resend`);
    expect(again.status).toBe(202);
    expect(again.body.email).toMatchObject({ id: sent.body.email.id, status: 'queued', attempts: 0 });
    await t.app.emails!.dispatchOnce();
    expect(box.messages.map((m) => m.messageId)).toEqual([
      `<${sent.body.email.id}@traffic-orchestrator>`,
      `<${sent.body.email.id}@traffic-orchestrator>`,
    ]);
    expect((await t.call('POST', '/api/v1/emails/eml_nope/resend')).status).toBe(404);
    // Another environment sees none of it.
    expect((await t.call('GET', '/api/v1/emails', undefined, t.testKey)).body.data).toEqual([]);
  });

  it('retries after the SMTP server was down, and loses nothing', async () => {
    const port = await freePort();
    const t = await app({ smtpUrl: `smtp://127.0.0.1:${port}`, emailTimeoutMs: 2_000 });
    await productAndLicense(t, { email: 'ada@example.com', send_email: true });
    await productAndLicense(t, { email: 'bob@example.com', send_email: true });
    expect(await t.app.emails!.dispatchOnce()).toBe(2);
    const down = await emails(t);
    expect(down.map((e: { status: string }) => e.status)).toEqual(['queued', 'queued']);
    expect(down.every((e: { attempts: number }) => e.attempts === 1)).toBe(true);
    expect(down[0].lastError).toMatch(/ECONNREFUSED/);

    const box = await mailbox({ port }); // the server comes up on the same port
    const deadline = Date.now() + 15_000;
    while (box.messages.length < 2 && Date.now() < deadline) {
      await t.app.emails!.dispatchOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(box.messages.map((m) => m.subject)).toEqual([
      'Your Test Product license key',
      'Your Test Product license key',
    ]);
    const up = await emails(t);
    expect(up.map((e: { status: string; attempts: number }) => [e.status, e.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
  });

  it('retries a temporary refusal (451) with backoff, from the running job, until it is accepted', async () => {
    const box = await mailbox({
      respond: (n) => (n <= 2 ? { code: 451, message: 'Try again later' } : 'accept'),
    });
    const t = await app({ smtpUrl: box.url }, true);
    await productAndLicense(t, { email: 'ada@example.com', send_email: true });
    await box.waitFor(() => box.messages.length === 1, 15_000, 'the accepted message');
    let e;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      [e] = await emails(t);
      if (e.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(e).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(box.attempts).toBe(3);
  });

  it('fails an email the server refuses for good (550) at once', async () => {
    const box = await mailbox({ respond: () => ({ code: 550, message: 'No such user' }) });
    const t = await app({ smtpUrl: box.url });
    await productAndLicense(t, { email: 'ghost@example.com', send_email: true });
    await t.app.emails!.dispatchOnce();
    const [e] = await emails(t);
    expect(e.status).toBe('failed');
    expect(e.attempts).toBe(1);
    expect(e.lastError).toMatch(/550/);
    expect(await t.app.emails!.dispatchOnce()).toBe(0);
  });
});
