// Reaper cost as the number of active floating leases grows: with N live leases (nothing to reap)
// and with N expired leases (all reaped, events recorded), for N = 1,000 and 10,000 (BENCH_LEASES).
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app';
import { testConfig } from '../../src/config';
import { reapExpiredLeases } from '../../src/licensing/leases.service';
import { type BenchOptions, machineFacts } from './lib';

export async function reaperBench(_opts: BenchOptions): Promise<void> {
  const sizes = (process.env.BENCH_LEASES ?? '1000,10000').split(',').map(Number);
  const facts = machineFacts();
  console.log(`reaper benchmark on in-memory PGlite; node ${facts.node}, load average ${facts.loadAvg1m}`);
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const app = await buildApp(testConfig({ logLevel: 'silent' }), { jobs: false });
    try {
      const { accountId, environment } = {
        accountId: app.bootstrap!.account.id,
        environment: 'live' as const,
      };
      const sql = app.deps.database.sql;
      await sql.query(
        `INSERT INTO "Product" (id, "accountId", environment, name, "updatedAt") VALUES ('prod_b', $1, 'live', 'b', now())`,
        [accountId],
      );
      // 100 floating licenses of n/100 seats, each seat taken.
      const licenses = 100;
      const per = Math.ceil(n / licenses);
      await sql.query(
        `INSERT INTO "License" (id, "accountId", environment, "productId", key, type, "maxActivations", "activationCount", "updatedAt")
         SELECT 'lic_b' || g, $1, 'live', 'prod_b', 'BENCH-' || g, 'floating', $2, $2, now() FROM generate_series(1, $3) g`,
        [accountId, per, licenses],
      );
      const seed = randomBytes(3).toString('hex');
      const insertLeases = (expiresSql: string) =>
        sql.query(
          `INSERT INTO "Activation" (id, "accountId", environment, "licenseId", "machineId", "leaseExpiresAt")
           SELECT 'mach_${seed}_' || g, $1, 'live', 'lic_b' || (1 + (g % $2)), 'm' || g, ${expiresSql}
             FROM generate_series(1, $3) g`,
          [accountId, licenses, n],
        );
      await insertLeases(`now() + interval '10 minutes'`);
      let t0 = performance.now();
      const none = await reapExpiredLeases(app.deps);
      const idleMs = performance.now() - t0;
      await sql.query(`UPDATE "Activation" SET "leaseExpiresAt" = now() - interval '1 minute'`);
      t0 = performance.now();
      const reaped = await reapExpiredLeases(app.deps);
      const reapMs = performance.now() - t0;
      void environment;
      console.log(
        `  ${n} leases: idle pass (nothing due) ${idleMs.toFixed(1)} ms; reaping all ${reaped} ${reapMs.toFixed(0)} ms ` +
          `(${((reapMs * 1000) / Math.max(1, reaped)).toFixed(0)} µs per lease, events included)`,
      );
      rows.push({
        leases: n,
        idleMs: Math.round(idleMs * 10) / 10,
        reaped,
        reapMs: Math.round(reapMs),
        reapedNone: none,
      });
    } finally {
      await app.stop();
    }
  }
  console.log(JSON.stringify({ bench: 'reaper', rows }));
}
