// SSRF guard: without TO_WEBHOOK_ALLOW_PRIVATE, webhook URLs on loopback, private, link-local and
// other non-public addresses are refused when an endpoint is created or changed, and again when a
// delivery is sent. Nothing here sends traffic to a non-loopback address: refused URLs are refused
// before any connection is made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../src/events/events.service';
import { newId } from '../src/lib/ids';
import { blockedReason } from '../src/webhooks/ssrf';
import { makeApp, type TestApp } from './helpers/app';
import { type Receiver, startReceiver } from './helpers/webhook-receiver';

let t: TestApp;
let rx: Receiver;
beforeAll(async () => {
  t = await makeApp(); // webhookAllowPrivate defaults to false
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
  await t.close();
});

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:0101::1', 'private'],
    // IPv4 embedded in IPv6 by every translation scheme, in canonical and unnormalised spellings.
    ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated (SIIT)
    ['::ffff:0:7f00:1', 'loopback'],
    ['0:0:0:0:ffff:0:7f00:0001', 'loopback'],
    ['::ffff:0:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'], // IPv4-mapped, spelled out
    ['::FFFF:7F00:0001', 'loopback'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', 'loopback'],
    ['::ffff:0a00:0001', 'private'],
    ['64:ff9b::7f00:1', 'loopback'], // NAT64 well-known prefix
    ['64:ff9b:0:0:0:0:127.0.0.1', 'loopback'],
    ['0064:FF9B::7F00:0001', 'loopback'],
    ['64:ff9b:1::7f00:1', 'loopback'], // local-use NAT64 (RFC 8215), /96 layout
    ['64:ff9b:1:0:0:0:127.0.0.1', 'loopback'],
    ['64:ff9b:1:7f00:0:100::', 'loopback'], // local-use NAT64, /48 layout (octet 8 skipped)
    ['64:ff9b:1::8.8.8.8', 'reserved'], // local-use NAT64 only leads into a private network
    ['2002:7f00:1::', 'loopback'], // 6to4
    ['2002:7F00:0001:0000::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo, client 127.0.0.1 inverted
    ['2001:0:0a00:0001::1', 'private'], // Teredo, server 10.0.0.1
    ['::7f00:1', 'loopback'], // IPv4-compatible
    ['2001:db8::1', 'reserved'],
    ['192.0.2.1', 'reserved'],
  ])('%s is %s', (ip, why) => {
    expect(blockedReason(ip)).toBe(why);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:4860:4860::8888',
  ])('%s is public', (ip) => {
    expect(blockedReason(ip)).toBeNull();
  });
});

describe('at creation and update', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://localhost:8080/hook',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:FFFF:7F00:0001]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b:1::7f00:1]/',
    'http://[64:FF9B:1:0:0:0:127.0.0.1]:8080/',
    'http://[2002:7f00:1::]/',
    'http://[2002:a9fe:a9fe::1]/latest/meta-data/',
    'http://0x7f000001/',
    'http://2130706433/',
    'https://192.168.0.10/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
  ])('refuses %s with URL_NOT_ALLOWED', async (url) => {
    const res = await t.call('POST', '/api/v1/webhooks', { url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'URL_NOT_ALLOWED', help: '/docs#errors' });
    expect(res.body.error).toMatch(/loopback|private|link-local|unspecified|reserved/);
  });

  it('refuses a change of URL to a private address', async () => {
    const tenant = { accountId: t.accountId, environment: 'live' as const };
    const id = await insertEndpoint(tenant, 'http://127.0.0.1:9/');
    const res = await t.call('PATCH', `/api/v1/webhooks/${id}`, { url: 'http://10.1.2.3/' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('URL_NOT_ALLOWED');
    await t.app.deps.prisma.webhookEndpoint.delete({ where: { id } });
  });
});

/** An endpoint row written directly, as if it had been allowed when it was created. */
async function insertEndpoint(tenant: { accountId: string; environment: 'live' | 'test' }, url: string) {
  const id = newId('whk');
  await t.app.deps.prisma.webhookEndpoint.create({
    data: {
      id,
      ...tenant,
      url,
      secretEncrypted: t.app.deps.secretBox.seal('whsec_test'),
      secretPrefix: 'whsec_test',
    },
  });
  return id;
}

describe('at send time', () => {
  it('refuses to connect to a loopback address or a name that resolves to one', async () => {
    const tenant = { accountId: t.accountId, environment: 'live' as const };
    const literal = await insertEndpoint(tenant, rx.url);
    const named = await insertEndpoint(tenant, rx.url.replace('127.0.0.1', 'localhost'));
    const mapped = await insertEndpoint(tenant, rx.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'));
    await t.app.deps.prisma.$transaction((tx) => recordEvent(tx, { type: 'license.created', tenant }));
    expect(await t.app.webhooks.dispatchOnce()).toBe(3);
    expect(rx.received).toHaveLength(0);
    const rows = await t.app.deps.prisma.webhookDelivery.findMany({
      where: { endpointId: { in: [literal, named, mapped] } },
    });
    expect(rows).toHaveLength(3);
    for (const d of rows) {
      expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(d.lastError).toMatch(/URL_NOT_ALLOWED.*loopback/);
    }
  });
});
