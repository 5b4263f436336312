// The audit log for what no API key does: the customer page's sign-ins (actor customer, by license
// key, magic link and the vendor's portal link, each in the transaction that creates the session; a
// used or expired link is customer.sign_in_failed) and the lease reaper's expiries (actor system,
// the reaper; in the transaction that frees the seat).
// Entries name their actor, action and target, and never carry the key, a link token or a session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapExpiredLeases } from '../src/licensing/leases.service';
import { loginToken } from '../src/pages/portal-auth';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { PageClient } from './helpers/customer-page';

let t: TestApp;
let page: string;
const IP = '203.0.113.61';
const from = { 'x-forwarded-for': IP, 'user-agent': 'audit-system/1.0' };

beforeAll(async () => {
  t = await makeApp({ trustProxy: 1 });
  page = `/my/${t.accountId}`;
});
afterAll(() => t.close());

const entries = (where: { targetId?: string; action?: string }) =>
  t.app.deps.prisma.auditEntry.findMany({ where, orderBy: { createdAt: 'asc' } });

/** Everything an entry stores, as one string, to look for what must never be there. */
const stored = (e: object) => JSON.stringify(e);

describe('customer page sign-ins', () => {
  it('by license key: customer.signed_in on the license, actor the customer, no key', async () => {
    const { license } = await productAndLicense(t, { email: 'key-signin@example.com' });
    const browser = new PageClient(t, { ...from, 'x-request-id': 'signin-key-1' });
    await browser.get(`${page}/`);
    const before = await t.app.deps.prisma.auditEntry.count({ where: { action: 'customer.signed_in' } });
    // An unknown key signs nobody in and writes nothing.
    const bad = await browser.post(`${page}/sign-in/key`, { key: 'NOPE-NOPE-NOPE-NOPE' });
    expect(bad.location).toBe(`${page}/?error=bad-key`);
    expect(await t.app.deps.prisma.auditEntry.count({ where: { action: 'customer.signed_in' } })).toBe(
      before,
    );

    const ok = await browser.post(`${page}/sign-in/key`, { key: license.key.toLowerCase() });
    expect(ok.location).toBe(`${page}/`);
    const found = await entries({ targetId: license.id, action: 'customer.signed_in' });
    expect(found).toHaveLength(1);
    const e = found[0]!;
    expect(e).toMatchObject({
      actorType: 'customer',
      actorId: license.customerId,
      actorLabel: 'license key',
      targetType: 'license',
      environment: 'live',
      ip: IP,
      userAgent: 'audit-system/1.0',
      requestId: 'signin-key-1',
      changes: { method: [null, 'license_key'] },
    });
    expect(stored(e)).not.toContain(license.key);
    const session = browser.cookies.get('to_customer')!;
    expect(session).toBeTruthy();
    expect(stored(e)).not.toContain(session);
    // The session it names exists: the entry and the session were written together.
    expect(await t.app.deps.prisma.customerSession.count({ where: { licenseId: license.id } })).toBe(1);
  });

  it('by the portal link and by the magic link: on the customer, labelled with the email', async () => {
    const { license } = await productAndLicense(t, { email: 'link-signin@example.com' });
    const customerId = license.customerId as string;
    const link = await t.call('POST', `/api/v1/customers/${customerId}/portal-link`);
    expect(link.status).toBe(201);
    const portalPath = new URL(link.body.url).pathname;
    const portalToken = portalPath.split('/').pop()!;
    const vendorApp = new PageClient(t, { ...from, 'x-request-id': 'signin-portal-1' });
    expect((await vendorApp.follow(portalPath)).status).toBe(200);

    const browser = new PageClient(t, { ...from, 'x-request-id': 'signin-magic-1' });
    await browser.get(`${page}/`);
    expect((await browser.post(`${page}/sign-in/email`, { email: 'link-signin@example.com' })).status).toBe(
      200,
    );
    const row = await t.app.deps.prisma.customerLoginToken.findFirstOrThrow({
      where: { customerId, kind: 'magic_link' },
    });
    const magicToken = loginToken(t.app.deps, row.id); // what the email's link carries
    expect((await browser.follow(`${page}/sign-in/${magicToken}`)).status).toBe(200);
    // A used link signs nobody in again: no second sign-in, but a failed one naming the customer.
    const again = new PageClient(t, { ...from, 'x-request-id': 'signin-reused-1' });
    expect((await again.get(`${page}/sign-in/${magicToken}`)).status).toBe(410);

    const found = await entries({ targetId: customerId, action: 'customer.signed_in' });
    expect(found.map((e) => [e.requestId, e.changes])).toEqual([
      ['signin-portal-1', { method: [null, 'portal_link'] }],
      ['signin-magic-1', { method: [null, 'magic_link'] }],
    ]);
    for (const e of found) {
      expect(e).toMatchObject({
        actorType: 'customer',
        actorId: customerId,
        actorLabel: 'link-signin@example.com',
        targetType: 'customer',
        ip: IP,
      });
      expect(stored(e)).not.toContain(portalToken);
      expect(stored(e)).not.toContain(magicToken);
    }
    const failed = await entries({ targetId: customerId, action: 'customer.sign_in_failed' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      actorType: 'customer',
      actorId: customerId,
      requestId: 'signin-reused-1',
      changes: { method: [null, 'magic_link'], reason: [null, 'link_used'] },
    });
    expect(stored(failed[0]!)).not.toContain(magicToken);
    // The account reads them through the API like any other entry.
    const log = await t.call('GET', `/api/v1/audit-log?target=${customerId}&action=customer.signed_in`);
    expect(log.status).toBe(200);
    expect(log.body.data).toHaveLength(2);
    expect(log.body.data[0].actor).toEqual({
      type: 'customer',
      id: customerId,
      label: 'link-signin@example.com',
    });
  });

  it('an expired link: customer.sign_in_failed (link_expired); an unknown one writes nothing', async () => {
    const { license } = await productAndLicense(t, { email: 'late@example.com' });
    const customerId = license.customerId as string;
    const link = await t.call('POST', `/api/v1/customers/${customerId}/portal-link`);
    const path = new URL(link.body.url).pathname;
    const realNow = t.app.deps.now;
    t.app.deps.now = () => new Date(Date.now() + 16 * 60_000); // past the link's 15 minutes
    try {
      expect((await new PageClient(t, from).get(path)).status).toBe(410);
    } finally {
      t.app.deps.now = realNow;
    }
    const failed = await entries({ targetId: customerId, action: 'customer.sign_in_failed' });
    expect(failed.map((e) => e.changes)).toEqual([
      { method: [null, 'portal_link'], reason: [null, 'link_expired'] },
    ]);
    expect(await entries({ targetId: customerId, action: 'customer.signed_in' })).toHaveLength(0);

    const n = await t.app.deps.prisma.auditEntry.count();
    const unknown = `${page}/sign-in/${'x'.repeat(43)}`;
    expect((await new PageClient(t, from).get(unknown)).status).toBe(410);
    expect(await t.app.deps.prisma.auditEntry.count()).toBe(n);
  });
});

describe('the lease reaper', () => {
  it('each freed lease: activation.deleted, actor system (lease reaper), reason lease_expired', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 3,
      lease_duration: 60,
    });
    const ids: string[] = [];
    for (const machine of ['reap-A', 'reap-B']) {
      const a = await t.call(
        'POST',
        '/api/v1/activate',
        { key: license.key, machine_id: machine, label: `Desk ${machine}`, platform: 'linux' },
        null,
      );
      expect(a.status).toBe(201);
      ids.push(a.body.activation.id);
    }
    const realNow = t.app.deps.now;
    t.app.deps.now = () => new Date(Date.now() + 120_000);
    try {
      expect(await reapExpiredLeases(t.app.deps)).toBeGreaterThanOrEqual(2);
    } finally {
      t.app.deps.now = realNow;
    }
    expect(await t.app.deps.prisma.activation.count({ where: { licenseId: license.id } })).toBe(0);
    for (const [i, id] of ids.entries()) {
      const found = await entries({ targetId: id, action: 'activation.deleted' });
      expect(found).toHaveLength(1);
      const e = found[0]!;
      expect(e).toMatchObject({
        accountId: t.accountId,
        environment: 'live',
        actorType: 'system',
        actorId: 'lease_reaper',
        actorLabel: 'lease reaper',
        targetType: 'activation',
        ip: null,
        requestId: null,
      });
      const machine = ['reap-A', 'reap-B'][i]!;
      expect(e.changes).toMatchObject({
        licenseId: [license.id, null],
        machineId: [machine, null],
        label: [`Desk ${machine}`, null],
        platform: ['linux', null],
        reason: [null, 'lease_expired'],
      });
      expect(stored(e)).not.toContain(license.key);
    }
    // A pass with nothing due writes nothing.
    const n = await t.app.deps.prisma.auditEntry.count({ where: { actorId: 'lease_reaper' } });
    await reapExpiredLeases(t.app.deps);
    expect(await t.app.deps.prisma.auditEntry.count({ where: { actorId: 'lease_reaper' } })).toBe(n);
  });
});
