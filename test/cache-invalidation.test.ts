// A change on one instance invalidates the validate cache of the others (Redis pub/sub).
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, usingPostgres, usingRedis } from './helpers/app';

const waitFor = async (fn: () => Promise<boolean>, ms = 5000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

describe.runIf(usingPostgres() && usingRedis())('cross-instance cache invalidation', () => {
  it('a suspend on instance A is seen by the next validations on instance B, long before the TTL', async () => {
    const long = { licenseCacheTtlMs: 10 * 60_000 };
    const a = await makeApp(long);
    const b = await makeApp(long, {}, a);
    try {
      expect(a.app.deps.pubsub.backend).toBe('redis');
      await Promise.all([a.app.deps.pubsub.ready(), b.app.deps.pubsub.ready()]);
      const { license } = await productAndLicense(a);
      const onB = () => b.call('POST', '/api/v1/validate', { key: license.key }, null);
      expect((await onB()).body.code).toBe('VALID'); // now cached on B for 10 minutes
      await a.call('POST', `/api/v1/licenses/${license.id}/suspend`);
      expect(await waitFor(async () => (await onB()).body.code === 'SUSPENDED')).toBe(true);

      // A product change (which clears whole caches) travels too.
      await a.call('POST', `/api/v1/licenses/${license.id}/reinstate`);
      expect(await waitFor(async () => (await onB()).body.code === 'VALID')).toBe(true);
    } finally {
      await b.app.stop();
      await a.close();
    }
  });
});

describe.runIf(usingPostgres() && usingRedis())('cross-instance credential invalidation', () => {
  it('an API key revoked on instance A (REST) or from the CLI stops working on B at once', async () => {
    const long = { apiKeyCacheTtlMs: 10 * 60_000 };
    const a = await makeApp(long);
    const b = await makeApp(long, {}, a);
    try {
      await Promise.all([a.app.deps.pubsub.ready(), b.app.deps.pubsub.ready()]);
      const newKey = async () => {
        const r = await a.call('POST', '/api/v1/api-keys', { name: 'short-lived' });
        expect(r.status).toBe(201);
        return { id: r.body.apiKey.id as string, secret: r.body.secret as string };
      };
      const onB = async (secret: string) =>
        (await b.call('GET', '/api/v1/products', undefined, secret)).status;

      const viaRest = await newKey();
      expect(await onB(viaRest.secret)).toBe(200); // now cached on B for 10 minutes
      expect((await a.call('DELETE', `/api/v1/api-keys/${viaRest.id}`)).status).toBe(200);
      expect(await waitFor(async () => (await onB(viaRest.secret)) === 401)).toBe(true);

      const viaCli = await newKey();
      expect(await onB(viaCli.secret)).toBe(200);
      const cli = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(
          process.execPath,
          ['src/dist/cli.js', 'keys:revoke', viaCli.id],
          { env: { ...process.env, DATABASE_URL: a.app.deps.config.databaseUrl, LOG_LEVEL: 'silent' } },
          (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }),
        );
      });
      expect(cli.code, cli.out).toBe(0);
      expect(cli.out).toContain('told over Redis');
      expect(await waitFor(async () => (await onB(viaCli.secret)) === 401)).toBe(true);
    } finally {
      await b.app.stop();
      await a.close();
    }
  }, 60_000);
});

describe('same-instance invalidation', () => {
  it('works without Redis: a revoke is seen at once even with a long TTL', async () => {
    const t = await makeApp({ licenseCacheTtlMs: 10 * 60_000 });
    try {
      const { license } = await productAndLicense(t);
      expect((await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.code).toBe('VALID');
      await t.call('POST', `/api/v1/licenses/${license.id}/revoke`);
      expect((await t.call('POST', '/api/v1/validate', { key: license.key }, null)).body.code).toBe(
        'REVOKED',
      );
    } finally {
      await t.close();
    }
  });
});
