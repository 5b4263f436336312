// Outgrowing the embedded default: a vendor's PGlite folder, filled through the real API by a real
// server process, is moved with `npm run cli -- db:move` into a fresh PostgreSQL database, and a
// server started there (same TO_SECRET_KEY) carries on as if nothing happened: the same API keys
// authenticate, license keys validate, old offline tokens verify against an unchanged JWKS, the
// sealed Stripe secret still checks Stripe's signatures, and the webhook delivery that was pending
// (receiver down) is delivered, signed with the endpoint's original secret. Skipped when no
// PostgreSQL answers (DATABASE_URL or 127.0.0.1:5432).
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, type PgDatabase, pgReachable } from './helpers/pg';
import { childEnv, listeningPort, spawnBuilt, type Spawned } from './helpers/server-process';
import { checkoutSession, signature, STRIPE_SECRET, stripeEvent } from './helpers/stripe';
import { freePort } from './helpers/webhook-receiver';

const reachable = await pgReachable();
const SECRET_KEY = 'db-move-test-master-key';

type Call = (
  method: string,
  path: string,
  body?: unknown,
  key?: string | null,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any; headers: Headers }>;

async function startServer(env: Record<string, string | undefined>) {
  const server = spawnBuilt(
    'src/dist/main.js',
    childEnv({
      PORT: '0',
      TO_SECRET_KEY: SECRET_KEY,
      TO_OWNER_PASSWORD: undefined,
      TO_WEBHOOK_ALLOW_PRIVATE: 'true',
      TO_WEBHOOK_BACKOFF_SCALE: '0.01',
      ...env,
    }),
  );
  const base = `http://127.0.0.1:${await listeningPort(server)}`;
  const call: Call = async (method, p, body, key = null, headers = {}) => {
    const r = await fetch(base + p, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed, headers: r.headers };
  };
  return { server, call };
}

async function cli(
  env: Record<string, string | undefined>,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnBuilt('src/dist/cli.js', childEnv({ TO_SECRET_KEY: SECRET_KEY, ...env }), args);
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

describe.skipIf(!reachable)('db:move from PGlite to PostgreSQL', { timeout: 240_000 }, () => {
  let dir: string;
  let db: PgDatabase;
  let first: Spawned | undefined;
  let second: Spawned | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'to-dbmove-'));
    db = await createPgDatabase('to_dbmove');
  });
  afterAll(async () => {
    await first?.kill('SIGKILL');
    await second?.kill('SIGKILL');
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves every row and secret; the server on PostgreSQL carries on', async () => {
    // 1. A vendor's embedded installation, filled through the API.
    const a = await startServer({ DATA_DIR: dir });
    first = a.server;
    const owner = (await a.server.waitFor(/live API key\s+(to_live_\w+)/))[1]!;
    const accountId = (await a.server.waitFor(/account\s+(acct_\w+)/))[1]!;
    const created = await a.call('POST', '/api/v1/api-keys', { name: 'ci' }, owner);
    expect(created.status).toBe(201);
    const ciKey = created.body.secret as string;
    const product = await a.call('POST', '/api/v1/products', { name: 'Moved App' }, owner);
    const productId = product.body.product.id as string;
    const licenses: { id: string; key: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const l = await a.call(
        'POST',
        '/api/v1/licenses',
        { product_id: productId, type: 'perpetual', max_activations: 3 },
        ciKey,
      );
      expect(l.status).toBe(201);
      licenses.push(l.body.license);
    }
    const stripe = await a.call(
      'PUT',
      '/api/v1/integrations/stripe',
      { webhook_secret: STRIPE_SECRET, default_product_id: productId },
      owner,
    );
    expect(stripe.status, JSON.stringify(stripe.body)).toBe(200);
    // A webhook endpoint whose receiver is down: its deliveries stay pending.
    const hookPort = await freePort();
    const hook = await a.call(
      'POST',
      '/api/v1/webhooks',
      { url: `http://127.0.0.1:${hookPort}/hooks/to`, events: ['license.activated'] },
      owner,
    );
    expect(hook.status).toBe(201);
    const hookSecret = hook.body.secret as string;
    const act = await a.call('POST', '/api/v1/activate', { key: licenses[0]!.key, machine_id: 'm-1' });
    expect(act.status).toBe(201);
    await a.call('POST', '/api/v1/activate', { key: licenses[1]!.key, machine_id: 'm-2' });
    const v = await a.call('POST', '/api/v1/validate', { key: licenses[0]!.key });
    expect(v.body.valid).toBe(true);
    const oldToken = v.body.offline.token as string;
    const jwksBefore = (await a.call('GET', '/api/v1/.well-known/jwks.json')).body as JSONWebKeySet;
    const usageBefore = 3; // two activations and a validation, flushed within a second
    await new Promise((r) => setTimeout(r, 1500));

    // 2. Refused while the server runs on the folder: one line, non-zero.
    const busy = await cli({ DATA_DIR: dir }, ['db:move', '--to', db.url]);
    expect(busy.code).toBe(1);
    expect(busy.err.trim().split('\n')).toHaveLength(1);
    expect(busy.err).toMatch(
      /DATA_DIR .* is in use by a running server \(pid \d+\); db:move copies a stopped database/,
    );

    expect(await a.server.kill()).toBe(0);
    first = undefined;

    // 3. The move.
    const moved = await cli({ DATA_DIR: dir }, ['db:move', '--to', db.url]);
    expect(moved.code, moved.out + moved.err).toBe(0);
    const table = moved.out.split('\n').filter((l) => /^\w+\s+\d+\s+\d+\s+\w/.test(l));
    expect(table.length).toBeGreaterThanOrEqual(20);
    for (const line of table) expect(line).toMatch(/^(\w+)\s+(\d+)\s+\2\s+same$/);
    const rowsOf = (t: string) => Number(new RegExp(`^${t}\\s+(\\d+)`, 'm').exec(moved.out)![1]);
    expect(rowsOf('License')).toBe(5);
    expect(rowsOf('Activation')).toBe(2);
    expect(rowsOf('ApiKey')).toBe(3);
    expect(rowsOf('WebhookDelivery')).toBeGreaterThanOrEqual(1);
    expect(rowsOf('UsageRecord')).toBeGreaterThanOrEqual(usageBefore);
    expect(moved.out).toMatch(/needs the same TO_SECRET_KEY/);
    const pending = await db.query<{ id: string; status: string; attempts: number }>(
      `SELECT id, status, attempts FROM "WebhookDelivery"`,
    );
    expect(pending.map((d) => d.status)).toEqual(pending.map(() => 'pending'));
    // The identity of usage rows continues after the copied ones.
    const [seq] = await db.query<{ last: string; max: string }>(
      `SELECT (SELECT last_value FROM "UsageRecord_id_seq")::text AS last, (SELECT max(id) FROM "UsageRecord")::text AS max`,
    );
    expect(Number(seq!.last)).toBeGreaterThanOrEqual(Number(seq!.max));

    // A second move into the same (now full) database is refused.
    const again = await cli({ DATA_DIR: dir }, ['db:move', '--to', db.url]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/the target database is not empty .* --replace/);

    // 4. The server on PostgreSQL: no bootstrap, same keys, same tokens, same secrets.
    // The receiver comes up on the port that was down.
    const got: { headers: Record<string, string | string[] | undefined>; raw: string }[] = [];
    const rx = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => rx.listen(hookPort, '127.0.0.1', resolve));
    try {
      const b = await startServer({ DATABASE_URL: db.url });
      second = b.server;
      for (const key of [owner, ciKey]) {
        expect((await b.call('GET', '/api/v1/products', undefined, key)).status).toBe(200);
      }
      expect((await b.call('GET', '/api/v1/products', undefined, 'to_live_notakey')).status).toBe(401);
      for (const l of licenses) {
        const r = await b.call('POST', '/api/v1/validate', { key: l.key });
        expect(r.body).toMatchObject({ valid: true, code: 'VALID' });
      }
      const jwksAfter = (await b.call('GET', '/api/v1/.well-known/jwks.json')).body as JSONWebKeySet;
      expect(jwksAfter).toEqual(jwksBefore);
      const { payload } = await jwtVerify(oldToken, createLocalJWKSet(jwksAfter), { audience: productId });
      expect(payload.sub).toBe(licenses[0]!.id);
      const fresh = (await b.call('POST', '/api/v1/validate', { key: licenses[1]!.key })).body.offline.token;
      await expect(jwtVerify(fresh, createLocalJWKSet(jwksBefore))).resolves.toBeTruthy();
      // The sealed Stripe signing secret opens: a checkout signed with it is accepted, another is not.
      const payload1 = stripeEvent('checkout.session.completed', checkoutSession());
      const ok = await b.call('POST', `/api/v1/integrations/stripe/${accountId}/webhook`, payload1, null, {
        'stripe-signature': signature(payload1),
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const bad = await b.call('POST', `/api/v1/integrations/stripe/${accountId}/webhook`, payload1, null, {
        'stripe-signature': signature(payload1, 'whsec_someothersecret0000'),
      });
      expect(bad.status).toBe(400);
      // The pending delivery arrives, signed with the endpoint's original secret.
      const deadline = Date.now() + 60_000;
      while (got.length < pending.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(got.length).toBeGreaterThanOrEqual(pending.length);
      const first = got[0]!;
      expect(pending.map((d) => d.id)).toContain(first.headers['x-to-delivery-id']);
      const ts = first.headers['x-to-timestamp'] as string;
      expect(first.headers['x-to-signature']).toBe(
        createHmac('sha256', hookSecret).update(`${ts}.${first.raw}`).digest('hex'),
      );
      // New rows get identities after the copied ones (a wrong sequence would fail the flush).
      await new Promise((r) => setTimeout(r, 1500));
      const [after] = await db.query<{ n: number; max: string }>(
        `SELECT count(*)::int AS n, max(id)::text AS max FROM "UsageRecord"`,
      );
      expect(Number(after!.max)).toBeGreaterThan(Number(seq!.max));
      expect(after!.n).toBeGreaterThan(rowsOf('UsageRecord'));
      expect(b.server.stdout()).not.toMatch(/live API key/); // no second bootstrap
      expect(b.server.stdout() + b.server.stderr()).not.toMatch(/"level":50/);
    } finally {
      rx.closeAllConnections();
      await new Promise<void>((resolve) => rx.close(() => resolve()));
    }
  });
});
