// The lifecycle emails (expiring within 7 days, once per expiry; expired; renewed), an outbox that
// survives a restart (written unsent, sent once SMTP_URL is set), several instances sending each
// attempt once, and the start-up log without SMTP_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendExpiryNotices } from '../src/licensing/license-emails';
import { expireDueLicenses } from '../src/licensing/licenses.service';
import { makeApp, productAndLicense, type TestApp, usingPostgres } from './helpers/app';
import { childEnv, listeningPort, spawnBuilt } from './helpers/server-process';
import { startSmtp } from './helpers/smtp';

const DAY = 86_400_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const templates = async (t: TestApp, licenseId: string) =>
  (await t.call('GET', `/api/v1/emails?license_id=${licenseId}`)).body.data
    .map((e: { template: string }) => e.template)
    .reverse();

describe('lifecycle emails', () => {
  it('sends "expires within 7 days" once per expiry date, then renewed and expired', async () => {
    const t = await makeApp();
    cleanups.push(() => t.close());
    const soon = new Date(Date.now() + 3 * DAY).toISOString();
    const { license } = await productAndLicense(t, {
      type: 'subscription',
      expires_at: soon,
      email: 'ada@example.com',
    });
    const { license: later } = await productAndLicense(t, {
      type: 'subscription',
      expires_at: new Date(Date.now() + 20 * DAY).toISOString(),
      email: 'bob@example.com',
    });
    const { license: nobody } = await productAndLicense(t, { type: 'subscription', expires_at: soon });
    expect(await sendExpiryNotices(t.app.deps)).toBe(1);
    expect(await sendExpiryNotices(t.app.deps)).toBe(0);
    expect(await templates(t, license.id)).toEqual(['license_expiring']);
    expect(await templates(t, later.id)).toEqual([]);
    expect(await templates(t, nobody.id)).toEqual([]);

    // A new expiry date within 7 days earns a new notice.
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, {
      expires_at: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    expect(await sendExpiryNotices(t.app.deps)).toBe(1);
    const mail = (await t.call('GET', `/api/v1/emails?license_id=${license.id}&template=license_expiring`))
      .body.data[0];
    expect(mail.subject).toMatch(/^Your Test Product license expires on \d{4}-\d{2}-\d{2}$/);

    await t.call('POST', `/api/v1/licenses/${license.id}/renew`);
    await t.call('PATCH', `/api/v1/licenses/${license.id}`, {
      expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    expect(await expireDueLicenses(t.app.deps)).toBe(1);
    expect(await templates(t, license.id)).toEqual([
      'license_expiring',
      'license_expiring',
      'license_renewed',
      'license_expired',
    ]);
  });
});

describe('durability', () => {
  it('keeps emails written without SMTP_URL and sends them, once, after a restart with it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'to-email-durable-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await makeApp({ dataDir, secretKey: 'email-durability-master-key-0001' });
    cleanups.push(() => first.close());
    await productAndLicense(first, { email: 'ada@example.com', send_email: true });
    await productAndLicense(first, { email: 'bob@example.com', send_email: true });
    expect(
      (await first.call('GET', '/api/v1/emails')).body.data.map((e: { status: string }) => e.status),
    ).toEqual(['unsent', 'unsent']);
    await first.app.stop();

    const box = await startSmtp();
    cleanups.push(() => box.close());
    const second = await makeApp(
      { smtpUrl: box.url, emailDispatchIntervalMs: 20, secretKey: 'email-durability-master-key-0001' },
      { jobs: true },
      first,
    );
    cleanups.push(() => second.close());
    await box.waitFor(() => box.messages.length === 2, 15_000, 'both emails');
    await new Promise((r) => setTimeout(r, 200));
    expect(box.messages.map((m) => m.to && !Array.isArray(m.to) && m.to.text).sort()).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      if ((await second.app.emails!.queueDepth()) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(
      (await second.call('GET', '/api/v1/emails')).body.data.map((e: { status: string }) => e.status),
    ).toEqual(['sent', 'sent']);
  });
});

describe.skipIf(!usingPostgres())('several instances on one PostgreSQL', () => {
  it('sends each attempt of 40 emails exactly once', async () => {
    const seen = new Map<string, number>();
    // Every message is refused once (451) and accepted the second time.
    const box = await startSmtp({
      respond: (_n, mail) => {
        const id = mail.messageId ?? '';
        seen.set(id, (seen.get(id) ?? 0) + 1);
        return seen.get(id) === 1 ? { code: 451, message: 'Try again' } : 'accept';
      },
    });
    cleanups.push(() => box.close());
    const cfg = { smtpUrl: box.url, emailBackoffScale: 0.0001, emailDispatchIntervalMs: 20 };
    const a = await makeApp(cfg, { jobs: true });
    cleanups.push(() => a.close());
    const b = await makeApp(cfg, { jobs: true }, a);
    cleanups.push(() => b.close());
    const { product } = await productAndLicense(a);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).call('POST', '/api/v1/licenses', {
          product_id: product.id,
          type: 'perpetual',
          email: `buyer${i}@example.com`,
          send_email: true,
        }),
      ),
    );
    await box.waitFor(() => box.messages.length === 40, 30_000, '40 accepted emails');
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up now
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
    expect(a.app.emails!.stats.attempts + b.app.emails!.stats.attempts).toBe(80);
    expect(a.app.emails!.stats.attempts).toBeGreaterThan(0);
    expect(b.app.emails!.stats.attempts).toBeGreaterThan(0);
  });
});

describe('start-up', () => {
  it('says so in the log when SMTP_URL is not set', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'to-email-log-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = spawnBuilt(
      'src/dist/main.js',
      childEnv({ PORT: '0', DATA_DIR: dir, SMTP_URL: undefined }),
    );
    cleanups.push(() => server.kill().then(() => {}));
    // A first start on a new folder runs initdb (about 5 s of CPU); waitFor allows 120 s.
    await listeningPort(server);
    const out = server.stdout();
    expect(out).toContain('SMTP_URL is not set: emails wait in the outbox as unsent until it is');
  }, 130_000);
});
