// Webhook endpoints over REST and deliveries to a real HTTP receiver: headers and signature (checked
// the way the seed's Express snippet does), the test ping, retries, 410, redelivery, the log.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../src/events/events.service';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { expressVerifyWebhook, type Receiver, startReceiver } from './helpers/webhook-receiver';

let t: TestApp;
let rx: Receiver;
beforeAll(async () => {
  t = await makeApp({ webhookAllowPrivate: true, webhookBackoffScale: 0.0001 });
});
afterAll(() => t.close());
afterEach(async () => {
  await rx?.close();
  // Endpoints of one test must not receive the next test's events.
  await t.app.deps.prisma.webhookEndpoint.deleteMany({});
});

async function createEndpoint(body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/v1/webhooks', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { webhook: { id: string; secretPrefix: string }; secret: string };
}

async function activate(machineId: string, extra: Record<string, unknown> = {}) {
  const { license } = await productAndLicense(t, { max_activations: 10 });
  const res = await t.call('POST', '/api/v1/activate', {
    license_key: license.key,
    machine_id: machineId,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { license, activation: res.body.activation };
}

const deliveries = (id: string, query = '') => t.call('GET', `/api/v1/webhooks/${id}/deliveries${query}`);

describe('endpoints over REST', () => {
  it('creates, lists, gets, updates and deletes an endpoint, tenant-scoped', async () => {
    const created = await createEndpoint({
      url: 'http://127.0.0.1:9/hook',
      description: 'orders',
      events: ['license.activated', 'license.activated', 'license.revoked'],
    });
    const id = created.webhook.id;
    expect(id).toMatch(/^whk_[0-9A-Za-z]{20}$/);
    expect(created.webhook).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      description: 'orders',
      events: ['license.activated', 'license.revoked'],
      enabled: true,
      disabledReason: null,
    });

    const list = await t.call('GET', '/api/v1/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([id]);
    expect(list.body.pagination).toMatchObject({ page: 1, total: 1, hasMore: false });

    // The other environment's key sees nothing.
    expect((await t.call('GET', `/api/v1/webhooks/${id}`, undefined, t.testKey)).status).toBe(404);
    expect((await t.call('GET', '/api/v1/webhooks', undefined, t.testKey)).body.data).toEqual([]);
    expect((await t.call('DELETE', `/api/v1/webhooks/${id}`, undefined, t.testKey)).status).toBe(404);

    const off = await t.call('PATCH', `/api/v1/webhooks/${id}`, { enabled: false, events: [] });
    expect(off.status).toBe(200);
    expect(off.body.webhook).toMatchObject({
      enabled: false,
      events: [],
      disabledReason: 'Disabled manually',
    });
    const on = await t.call('PATCH', `/api/v1/webhooks/${id}`, { enabled: true, description: null });
    expect(on.body.webhook).toMatchObject({ enabled: true, disabledReason: null, description: null });

    expect((await t.call('GET', `/api/v1/webhooks/${id}`)).body.webhook.id).toBe(id);
    expect((await t.call('DELETE', `/api/v1/webhooks/${id}`)).body).toEqual({ deleted: true, id });
    expect((await t.call('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('rejects bad input with stable codes', async () => {
    const missing = await t.call('POST', '/api/v1/webhooks', {});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('MISSING_FIELDS');
    const badEvent = await t.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1/', events: ['nope'] });
    expect(badEvent.body.code).toBe('VALIDATION_ERROR');
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      const res = await t.call('POST', '/api/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(res.body.code, url).toBe('URL_NOT_ALLOWED');
    }
    expect((await t.call('POST', '/api/v1/webhooks', { url: 'http://x/' }, null)).status).toBe(401);
  });

  it('shows the whsec_ secret once and stores it only sealed', async () => {
    const { webhook, secret } = await createEndpoint({ url: 'http://127.0.0.1:9/hook' });
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32,}$/);
    expect(secret.startsWith(webhook.secretPrefix)).toBe(true);
    expect(webhook.secretPrefix.length).toBeLessThan(12);

    const read = [
      await t.call('GET', `/api/v1/webhooks/${webhook.id}`),
      await t.call('GET', '/api/v1/webhooks'),
      await t.call('PATCH', `/api/v1/webhooks/${webhook.id}`, { description: 'x' }),
    ];
    for (const r of read) expect(JSON.stringify(r.body)).not.toContain(secret.slice(6));

    const row = await t.app.deps.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(t.app.deps.secretBox.open(row.secretEncrypted)).toBe(secret);

    const rolled = await t.call('POST', `/api/v1/webhooks/${webhook.id}/roll-secret`);
    expect(rolled.status).toBe(200);
    expect(rolled.body.secret).toMatch(/^whsec_[0-9A-Za-z]{32,}$/);
    expect(rolled.body.secret).not.toBe(secret);
    expect(rolled.body.webhook.secretPrefix).toBe(rolled.body.secret.slice(0, webhook.secretPrefix.length));
    const after = await t.app.deps.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(t.app.deps.secretBox.open(after.secretEncrypted)).toBe(rolled.body.secret);
  });
});

describe('delivery to a real receiver', () => {
  it('delivers license.activated with the documented headers, signature and compact body', async () => {
    rx = await startReceiver();
    const { secret, webhook } = await createEndpoint({ url: rx.url, events: ['license.activated'] });
    // Characters JSON.stringify leaves as they are: the body must still be what it prints.
    const label = 'Café ☕ "quoted" </script> \u2028 \\ ünïcödé 😀';
    const { license, activation } = await activate('machine-1', { label });

    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0]!;
    expect(r.path).toBe('/hooks/to');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['user-agent']).toBe('TrafficOrchestrator-Webhooks/1');
    expect(r.headers['x-to-event']).toBe('license.activated');
    expect(r.deliveryId).toMatch(/^del_[0-9A-Za-z]{20}$/);
    const ts = Number(r.headers['x-to-timestamp']);
    expect(String(ts)).toBe(r.headers['x-to-timestamp']);
    expect(Math.abs(Date.now() / 1000 - ts)).toBeLessThan(10);

    const expected = createHmac('sha256', secret).update(`${ts}.${r.raw}`).digest('hex');
    expect(r.headers['x-to-signature']).toBe(expected);
    expect(r.headers['x-to-signature']).toMatch(/^[0-9a-f]{64}$/);

    // The Express snippet re-serialises the parsed body; it must get the same bytes back.
    const parsed = JSON.parse(r.raw);
    expect(JSON.stringify(parsed)).toBe(r.raw);
    expect(expressVerifyWebhook({ headers: r.headers, body: parsed }, secret)).toBe(true);
    expect(expressVerifyWebhook({ headers: r.headers, body: parsed }, `${secret}x`)).toBe(false);

    expect(parsed).toMatchObject({
      event: 'license.activated',
      data: { licenseId: license.id, machineId: activation.id, productId: license.productId, label },
    });
    expect(parsed.id).toMatch(/^evt_/);
    expect(new Date(parsed.timestamp).toISOString()).toBe(parsed.timestamp);

    const log = await deliveries(webhook.id);
    expect(log.status).toBe(200);
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({
      id: r.deliveryId,
      event: 'license.activated',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastResponseBody: '{"received":true}',
      lastError: null,
      nextAttemptAt: null,
    });
    expect(log.body.data[0].deliveredAt).not.toBeNull();
    expect(await t.app.webhooks.queueDepth()).toBe(0);
  });

  it('sends only subscribed types, and nothing to disabled endpoints', async () => {
    rx = await startReceiver();
    const only = await createEndpoint({ url: rx.url, events: ['license.revoked'] });
    const off = await createEndpoint({ url: rx.url, enabled: false });
    await activate('machine-2');
    expect(await t.app.webhooks.dispatchOnce()).toBe(0);
    expect((await deliveries(only.webhook.id)).body.data).toEqual([]);
    expect((await deliveries(off.webhook.id)).body.data).toEqual([]);
    expect(rx.received).toHaveLength(0);
  });

  it('sends a webhook.test event to that endpoint only', async () => {
    rx = await startReceiver();
    const a = await createEndpoint({ url: rx.url, events: ['license.revoked'] });
    const b = await createEndpoint({ url: rx.url });
    const res = await t.call('POST', `/api/v1/webhooks/${a.webhook.id}/test`);
    expect(res.status).toBe(202);
    expect(res.body.event).toMatchObject({ event: 'webhook.test', data: { webhookId: a.webhook.id } });
    expect(res.body.delivery).toMatchObject({ event: 'webhook.test', status: 'pending', attempts: 0 });
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    expect(rx.received.map((r) => r.headers['x-to-event'])).toEqual(['webhook.test']);
    expect(rx.received[0]!.deliveryId).toBe(res.body.delivery.id);
    expect(JSON.parse(rx.received[0]!.raw)).toEqual(res.body.event);
    expect((await deliveries(b.webhook.id)).body.data).toEqual([]);
    const events = await t.call('GET', '/api/v1/events?type=webhook.test');
    expect(events.body.data.map((e: { id: string }) => e.id)).toContain(res.body.event.id);
  });

  it('retries 500, 500 then 200 with one delivery id and one identical body', async () => {
    const r = await makeApp(
      { webhookAllowPrivate: true, webhookBackoffScale: 0.0001, webhookDispatchIntervalMs: 20 },
      { jobs: true },
    );
    try {
      rx = await startReceiver((req) => (req.seen < 3 ? { status: 500, body: 'boom' } : 200));
      const created = await r.call('POST', '/api/v1/webhooks', {
        url: rx.url,
        events: ['license.activated'],
      });
      const { license } = await productAndLicense(r, { max_activations: 2 });
      await r.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: 'm-retry' });
      await rx.waitFor(() => rx.received.length >= 3, 10_000, 'three attempts');
      const log = await r.call('GET', `/api/v1/webhooks/${created.body.webhook.id}/deliveries`);
      await rx.waitFor(() => rx.received.length === 3);
      expect(new Set(rx.received.map((x) => x.deliveryId)).size).toBe(1);
      expect(new Set(rx.received.map((x) => x.raw)).size).toBe(1);
      for (const x of rx.received) {
        const sig = createHmac('sha256', created.body.secret)
          .update(`${String(x.headers['x-to-timestamp'])}.${x.raw}`)
          .digest('hex');
        expect(x.headers['x-to-signature']).toBe(sig);
      }
      let d = log.body.data[0];
      for (let i = 0; d.status !== 'delivered' && i < 100; i++) {
        await new Promise((res) => setTimeout(res, 20));
        d = (await r.call('GET', `/api/v1/webhooks/${created.body.webhook.id}/deliveries`)).body.data[0];
      }
      expect(d).toMatchObject({ id: rx.received[0]!.deliveryId, status: 'delivered', attempts: 3 });
      expect(d.lastStatusCode).toBe(200);
      expect(r.app.webhooks.stats).toMatchObject({ attempts: 3, delivered: 1, retried: 2 });
    } finally {
      await r.close();
    }
  });

  it('keeps 1 KB of the answer, disables the endpoint on 410, and redelivers by hand', async () => {
    let answer: () => { status: number; body?: string } = () => ({ status: 503, body: 'x'.repeat(5000) });
    rx = await startReceiver(() => answer());
    const { webhook } = await createEndpoint({ url: rx.url, events: ['license.activated'] });
    await activate('machine-410');

    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    let log = (await deliveries(webhook.id)).body.data;
    expect(log[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
    });
    expect(log[0].lastResponseBody).toBe('x'.repeat(1024));
    expect(new Date(log[0].nextAttemptAt).getTime()).toBeGreaterThan(new Date(log[0].createdAt).getTime());

    answer = () => ({ status: 410, body: 'gone' });
    await new Promise((res) => setTimeout(res, 20)); // the (scaled) backoff
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    log = (await deliveries(webhook.id)).body.data;
    expect(log[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastStatusCode: 410,
      lastResponseBody: 'gone',
    });
    const ep = (await t.call('GET', `/api/v1/webhooks/${webhook.id}`)).body.webhook;
    expect(ep.enabled).toBe(false);
    expect(ep.disabledReason).toMatch(/410/);

    // Disabled: new events make no deliveries, and redelivery is refused until it is enabled.
    await activate('machine-410b');
    expect((await deliveries(webhook.id)).body.pagination.total).toBe(1);
    const refused = await t.call('POST', `/api/v1/webhook-deliveries/${log[0].id}/redeliver`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFLICT');

    await t.call('PATCH', `/api/v1/webhooks/${webhook.id}`, { enabled: true });
    answer = () => ({ status: 200 });
    const again = await t.call('POST', `/api/v1/webhook-deliveries/${log[0].id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body.delivery).toMatchObject({ id: log[0].id, status: 'pending', attempts: 0 });
    expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    log = (await deliveries(webhook.id, '?status=delivered')).body.data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    expect(new Set(rx.received.map((x) => x.deliveryId))).toEqual(new Set([log[0].id]));
    expect(new Set(rx.received.map((x) => x.raw)).size).toBe(1);

    // Another tenant cannot redeliver it.
    const other = await t.call(
      'POST',
      `/api/v1/webhook-deliveries/${log[0].id}/redeliver`,
      undefined,
      t.testKey,
    );
    expect(other.status).toBe(404);
  });

  it('gives up after 10 attempts, and marks deliveries of a disabled endpoint failed', async () => {
    rx = await startReceiver(() => 500);
    const { webhook } = await createEndpoint({ url: rx.url, events: ['license.activated'] });
    await activate('machine-max');
    for (let i = 0; i < 10; i++) {
      await t.app.deps.prisma.webhookDelivery.updateMany({ data: { nextAttemptAt: new Date(0) } });
      expect(await t.app.webhooks.dispatchOnce()).toBe(1);
    }
    const [d] = (await deliveries(webhook.id)).body.data;
    expect(d).toMatchObject({ status: 'failed', attempts: 10, lastStatusCode: 500, nextAttemptAt: null });
    expect(rx.received).toHaveLength(10);

    // An endpoint disabled after its delivery was queued: the delivery is failed, not sent.
    const { webhook: w2 } = await createEndpoint({ url: rx.url, events: ['license.activated'] });
    await activate('machine-late');
    await t.call('PATCH', `/api/v1/webhooks/${w2.id}`, { enabled: false });
    expect(await t.app.webhooks.dispatchOnce()).toBe(2);
    const [late] = (await deliveries(w2.id)).body.data;
    expect(late).toMatchObject({
      status: 'failed',
      attempts: 0,
      lastError: expect.stringMatching(/disabled/),
    });
  });

  it('does not let a hanging endpoint hold up another one', async () => {
    const r = await makeApp(
      {
        webhookAllowPrivate: true,
        webhookDispatchIntervalMs: 20,
        webhookMaxPerEndpoint: 2,
        webhookTimeoutMs: 8000,
      },
      { jobs: true },
    );
    const slow = await startReceiver(() => 'hang');
    rx = await startReceiver();
    try {
      await r.call('POST', '/api/v1/webhooks', { url: slow.url });
      await r.call('POST', '/api/v1/webhooks', { url: rx.url });
      const tenant = { accountId: r.accountId, environment: 'live' as const };
      await r.app.deps.prisma.$transaction((tx) =>
        recordEvents(
          tx,
          Array.from({ length: 20 }, (_, i) => ({ type: 'license.created' as const, tenant, data: { i } })),
        ),
      );
      await rx.waitFor(() => rx.received.length === 20, 6000, 'the healthy endpoint to get all 20');
      expect(slow.open()).toBe(2);
      expect(slow.maxOpen()).toBe(2);
    } finally {
      await slow.close(); // the hung requests fail now, and are retried later
      await r.close();
    }
  });

  it('times out an endpoint that does not answer', async () => {
    const r = await makeApp({ webhookAllowPrivate: true, webhookTimeoutMs: 300 });
    rx = await startReceiver(() => 'hang');
    try {
      const created = await r.call('POST', '/api/v1/webhooks', { url: rx.url });
      await r.call('POST', `/api/v1/webhooks/${created.body.webhook.id}/test`);
      const started = Date.now();
      expect(await r.app.webhooks.dispatchOnce()).toBe(1);
      expect(Date.now() - started).toBeLessThan(3000);
      const [d] = (await r.call('GET', `/api/v1/webhooks/${created.body.webhook.id}/deliveries`)).body.data;
      expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(d.lastError).toMatch(/Timed out after 300 ms/);
    } finally {
      await r.close();
    }
  });
});
