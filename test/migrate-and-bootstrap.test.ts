// The migrator and first-start bootstrap, on PGlite and (with DATABASE_URL) PostgreSQL.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { testConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { migrate, migrationsApplied, readMigrations } from '../src/db/migrate';
import { verifyPassword } from '../src/lib/crypto';
import { makeApp, usingPostgres } from './helpers/app';

describe('migrator', () => {
  it('applies every migration once, records Prisma-shaped history, and is idempotent', async () => {
    const t = await makeApp({}, { empty: true }); // not the suite's migrated image: a new database
    const sql = t.app.deps.database.sql;
    const rows = await sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const files = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    expect(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);
    expect(await migrate(sql)).toEqual({ applied: [], total: files.length });
    expect(await migrationsApplied(sql)).toBe(true);
    const ready = await t.call('GET', '/api/v1/ready', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    await t.close();
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    const files = readMigrations();
    await migrate(db.sql, () => {}, files);
    const edited = files.map((f, i) => (i === 0 ? { ...f, checksum: 'x'.repeat(64) } : f));
    await expect(migrate(db.sql, () => {}, edited)).rejects.toThrow(/checksum mismatch/);
    await db.close();
  });

  it.runIf(usingPostgres())(
    'migrates once when several instances start at the same time (advisory lock)',
    async () => {
      const t = await makeApp(); // a fresh database, already migrated by the first app
      const url = t.app.deps.config.databaseUrl!;
      await t.app.deps.database.sql.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url, dataDir: '' })));
      const results = await Promise.all(dbs.map((d) => migrate(d.sql)));
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, readMigrations().length]);
      await Promise.all(dbs.map((d) => d.close()));
      await t.close();
    },
  );
});

describe('bootstrap', () => {
  it('uses TO_OWNER_EMAIL / TO_OWNER_PASSWORD and TO_DEFAULT_PLAN, and runs only on an empty deployment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'to-boot-'));
    const cfg = testConfig({
      dataDir: dir,
      databaseUrl: undefined,
      ownerEmail: 'owner@vendor.test',
      ownerPassword: 'a-long-password',
      defaultPlan: 'starter',
    });
    try {
      const printed: string[] = [];
      const first = await buildApp(cfg, { jobs: false });
      expect(first.bootstrap).not.toBeNull();
      const b = first.bootstrap!;
      expect(b.account.plan).toBe('starter');
      expect(b.owner.email).toBe('owner@vendor.test');
      const user = await first.deps.prisma.user.findFirstOrThrow({ where: { email: 'owner@vendor.test' } });
      expect(user.role).toBe('owner');
      expect(user.passwordHash).not.toContain('a-long-password');
      expect(await verifyPassword('a-long-password', user.passwordHash)).toBe(true);
      const { printBootstrap } = await import('../src/accounts/accounts.service');
      printBootstrap(b, (s) => printed.push(s));
      expect(printed.join('')).toContain(b.liveKey);
      expect(printed.join('')).toContain(b.testKey);
      expect(printed.join('')).not.toContain('a-long-password');
      const p = await first.fetch(
        new Request('http://x/api/v1/products', {
          method: 'POST',
          headers: { authorization: `Bearer ${b.liveKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Persisted' }),
        }),
      );
      expect(p.status).toBe(201);
      // Without TO_SECRET_KEY the master key is a file in DATA_DIR that only its owner can read.
      expect(statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
      await first.stop();

      // Second start on the same data folder: no new account, the data and keys are still there.
      const second = await buildApp(cfg, { jobs: false });
      expect(second.bootstrap).toBeNull();
      expect(await second.deps.prisma.account.count()).toBe(1);
      const list = await second.fetch(
        new Request('http://x/api/v1/products', { headers: { authorization: `Bearer ${b.liveKey}` } }),
      );
      const body = (await list.json()) as { data: { name: string }[] };
      expect(body.data.map((x) => x.name)).toEqual(['Persisted']);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
