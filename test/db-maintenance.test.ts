// The embedded database's autovacuum (src/db/maintenance.ts): PGlite runs PostgreSQL in single-user
// mode, where autovacuum never runs, so the server's own job vacuums and analyses what changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainEmbedded } from '../src/db/maintenance';
import { type EventInput, recordEvents } from '../src/events/events.service';
import { CLAIM_SQL } from '../src/webhooks/dispatcher';
import { makeApp, type TestApp, usingPostgres } from './helpers/app';

interface TableRow {
  dead: number;
  vacuumed: boolean;
  analysed: boolean;
}

describe.skipIf(usingPostgres())('embedded database maintenance (PGlite)', () => {
  let t: TestApp;
  const table = async (name: string): Promise<TableRow> => {
    const sql = t.app.deps.database.sql;
    await sql.query('SELECT pg_stat_force_next_flush()');
    const [row] = await sql.query<TableRow>(
      `SELECT n_dead_tup::int AS dead, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analysed
       FROM pg_stat_user_tables WHERE relname = $1`,
      [name],
    );
    return row!;
  };

  beforeAll(async () => {
    t = await makeApp({ webhookAllowPrivate: true });
  });
  afterAll(() => t.close());

  it('vacuums and analyses a table that was updated, and leaves it alone when nothing changed', async () => {
    const product = await t.call('POST', '/api/v1/products', { name: 'Maint' });
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) {
      const license = await t.call('POST', '/api/v1/licenses', {
        product_id: product.body.product.id,
        type: 'perpetual',
      });
      expect(license.status).toBe(201);
      ids.push(license.body.license.id);
    }
    // One statement updating every row (as the expiry sweeper does): the pages are full, so each
    // update leaves its old version behind as a dead row (one row updated again and again is
    // cleaned up within its page instead, and would not show it).
    await t.app.deps.database.sql.query(
      `UPDATE "License" SET "updatedAt" = now() WHERE id = ANY($1::text[])`,
      [ids],
    );
    const before = await table('License');
    // Each update left a dead row version behind: past autovacuum's threshold (50 + 20 % of 150).
    expect(before.dead).toBeGreaterThan(80);
    expect(before.vacuumed).toBe(false);

    const run = await maintainEmbedded(t.app.deps);
    expect(run.froze).toBe(false);
    expect(run.vacuumed).toContain('License');
    expect(run.analysed).toContain('License');
    const after = await table('License');
    expect(after).toEqual({ dead: 0, vacuumed: true, analysed: true });
    // Every license still reads.
    const read = await t.call('GET', `/api/v1/licenses/${ids[77]}`);
    expect(read.body.license.id).toBe(ids[77]);

    const again = await maintainEmbedded(t.app.deps);
    expect(again.vacuumed).not.toContain('License');
    expect(again.analysed).not.toContain('License');
  });

  it('gives the webhook claim the statistics to walk its index instead of sorting every pending row', async () => {
    expect((await t.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' })).status).toBe(201);
    const tenant = { accountId: t.accountId, environment: 'live' as const };
    for (let i = 0; i < 3000; i += 500) {
      const inputs: EventInput[] = Array.from({ length: 500 }, (_, j) => ({
        type: 'license.activated',
        tenant,
        data: { n: i + j },
      }));
      await t.app.deps.prisma.$transaction((tx) => recordEvents(tx, inputs));
    }
    const run = await maintainEmbedded(t.app.deps);
    expect(run.analysed).toContain('WebhookDelivery');

    const now = new Date();
    const plan = await t.app.deps.database.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM_SQL}`, [
      now,
      new Date(now.getTime() + 30_000),
      200,
      [],
      [],
      [],
      20,
      50,
      'explain',
    ]);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('Index Scan using "WebhookDelivery_status_nextAttemptAt_idx"');
    // EXPLAIN plans without running: nothing was claimed.
    expect(await t.app.deps.prisma.webhookDelivery.count({ where: { lockedBy: { not: null } } })).toBe(0);
  });
});
