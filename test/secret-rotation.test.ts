// Rotating TO_SECRET_KEY (README "Security"): everything sealed under key A (the offline-token
// signing key, webhook and Stripe secrets, the generated session secret) keeps working after a restart with
// TO_SECRET_KEY=B and TO_SECRET_KEY_PREVIOUS=A; `secrets:reseal` seals it all under B, refusing
// while a server holds the PGlite folder, and writes one `secrets.resealed` audit entry (counts, no
// secret); then B alone is enough.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp, usingPostgres } from './helpers/app';
import { childEnv, spawnBuilt } from './helpers/server-process';
import { deliver, signature, STRIPE_SECRET, stripeEvent, stripeId } from './helpers/stripe';
import { startReceiver } from './helpers/webhook-receiver';
import { signPayload } from '../src/webhooks/signing';

const KEY_A = 'rotation-test-key-A-0123456789';
const KEY_B = 'rotation-test-key-B-9876543210';
const dir = mkdtempSync(path.join(tmpdir(), 'to-reseal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as an operator runs it, on the same database as `t`. */
async function cli(t: TestApp, env: Record<string, string | undefined>, args: string[]) {
  const databaseUrl = t.app.deps.config.databaseUrl;
  const p = spawnBuilt(
    'src/dist/cli.js',
    childEnv({ DATA_DIR: dir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', ...env }),
    args,
  );
  const code = await p.exited;
  return { code, out: p.stdout() + p.stderr() };
}

describe('rotating the master key (TO_SECRET_KEY)', { timeout: 240_000 }, () => {
  it('A → B with A as previous → reseal → B alone: sessions, offline tokens and webhooks work throughout', async () => {
    const receiver = await startReceiver();
    const base = { webhookAllowPrivate: true, dataDir: dir };
    const a = await makeApp({ ...base, secretKey: KEY_A });
    let current: TestApp = a;
    try {
      // Under key A: a session (its secret is generated and sealed), a webhook secret, a signing key.
      const owner = a.app.bootstrap!.owner;
      const login = await a.call(
        'POST',
        '/api/v1/auth/login',
        { email: owner.email, password: owner.password },
        null,
      );
      expect(login.status).toBe(200);
      const token = login.body.token as string;
      const hook = await a.call('POST', '/api/v1/webhooks', {
        url: `${receiver.url}/hook`,
        events: ['webhook.test'],
      });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      const webhookSecret = hook.body.secret as string;
      const stripe = await a.call('PUT', '/api/v1/integrations/stripe', { webhook_secret: STRIPE_SECRET });
      expect(stripe.status, JSON.stringify(stripe.body)).toBe(200);
      const { license } = await productAndLicense(a);
      const kid = async (on: TestApp) => {
        const v = await on.call('POST', '/api/v1/validate', { key: license.key }, null);
        expect(v.body.code).toBe('VALID');
        const jwks = await on.call('GET', '/api/v1/.well-known/jwks.json', undefined, null);
        const verified = await jwtVerify(v.body.offline.token as string, createLocalJWKSet(jwks.body));
        return verified.protectedHeader.kid;
      };
      const kidA = await kid(a);
      await a.app.stop();

      // B alone cannot open what A sealed: the CLI says what is unreadable and how to fix it.
      const blind = await cli(a, { TO_SECRET_KEY: KEY_B }, ['secrets:reseal']);
      expect(blind.code, blind.out).toBe(1);
      expect(blind.out).toMatch(/offline-token signing keys: 0 resealed, 0 already under the current key/);
      expect(blind.out).toContain('open under no configured key');
      expect(blind.out).toContain('Set TO_SECRET_KEY_PREVIOUS');

      // B with A as previous: everything still opens.
      const rotated = { ...base, secretKey: KEY_B, secretKeyPrevious: KEY_A };
      current = await makeApp(rotated, {}, a);
      const worksOn = async (on: TestApp) => {
        expect((await on.call('GET', '/api/v1/products', undefined, token)).status).toBe(200);
        expect(await kid(on)).toBe(kidA);
        const before = receiver.received.length;
        expect((await on.call('POST', `/api/v1/webhooks/${hook.body.webhook.id}/test`)).status).toBe(202);
        await on.app.webhooks.dispatchOnce();
        await receiver.waitFor(() => receiver.received.length > before, 10_000, 'the test delivery');
        const got = receiver.received.at(-1)!;
        const ts = Number(got.headers['x-to-timestamp']);
        expect(got.headers['x-to-signature']).toBe(signPayload(webhookSecret, ts, got.raw));
        // The Stripe receiver checks signatures with the sealed Stripe secret.
        const ev = stripeEvent('customer.created', { id: stripeId('cus') });
        const stripeAnswer = await deliver(on, ev, signature(ev), a.accountId);
        expect(stripeAnswer.status, JSON.stringify(stripeAnswer.body)).toBe(200);
        expect(stripeAnswer.body.received).toBe(true);
      };
      await worksOn(current);

      // With the server holding the PGlite folder the CLI refuses; PostgreSQL has no such lock.
      if (!usingPostgres()) {
        const busy = await cli(a, { TO_SECRET_KEY: KEY_B, TO_SECRET_KEY_PREVIOUS: KEY_A }, [
          'secrets:reseal',
        ]);
        expect(busy.code).toBe(1);
        expect(busy.out).toContain('is in use by another Traffic Orchestrator process');
        await current.app.stop();
      }

      const env = { TO_SECRET_KEY: KEY_B, TO_SECRET_KEY_PREVIOUS: KEY_A };
      const reseal = await cli(a, env, ['secrets:reseal']);
      expect(reseal.code, reseal.out).toBe(0);
      expect(reseal.out).toContain('offline-token signing keys: 1 resealed, 0 already under the current key');
      expect(reseal.out).toContain('webhook endpoint secrets: 1 resealed, 0 already under the current key');
      expect(reseal.out).toContain('Stripe webhook secrets: 1 resealed, 0 already under the current key');
      expect(reseal.out).toContain('sealed settings: 1 resealed, 0 already under the current key');
      expect(reseal.out).toContain('TO_SECRET_KEY_PREVIOUS can go');
      const again = await cli(a, env, ['secrets:reseal']);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toContain('offline-token signing keys: 0 resealed, 1 already under the current key');
      await current.app.stop();

      // B alone: the same session, the same signing key, the same webhook secret.
      current = await makeApp({ ...base, secretKey: KEY_B }, {}, a);
      // One audit entry, from the run that resealed (the blind run and the second one changed
      // nothing), in the operator's (oldest account's) live log: counts, never a secret.
      const audited = await current.app.deps.prisma.auditEntry.findMany({
        where: { action: 'secrets.resealed' },
      });
      expect(audited).toHaveLength(1);
      expect(audited[0]).toMatchObject({
        accountId: a.accountId,
        environment: 'live',
        actorType: 'system',
        actorId: 'cli',
        actorLabel: 'cli secrets:reseal',
        targetType: 'deployment',
        targetId: null,
        changes: {
          signingKeys: [null, 1],
          webhookEndpoints: [null, 1],
          stripeIntegrations: [null, 1],
          settings: [null, 1],
          total: [null, 4],
        },
      });
      const stored = JSON.stringify(audited[0]);
      for (const secret of [webhookSecret, STRIPE_SECRET, KEY_A, KEY_B]) expect(stored).not.toContain(secret);
      await worksOn(current);
    } finally {
      await current.app.stop();
      await a.close();
      await receiver.close();
    }
  });
});
