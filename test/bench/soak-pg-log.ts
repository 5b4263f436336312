// Counts a soak's PostgreSQL commits by source, from the server log it wrote with SOAK_PG_LOG=1
// (log_statement = 'all' on the soak's database). The soak prints the command line at its end:
//   npx tsx test/bench/soak-pg-log.ts <server log> <database> <pids.tsv> <from ISO> <to ISO>
// Statements are grouped per backend pid: BEGIN … COMMIT is one commit (ROLLBACK none), every
// statement outside one is a commit of its own unless an ERROR follows it. Each commit is named by
// the code that issues it (SOURCES: the first rule that matches the transaction's statements).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Rule {
  source: string;
  /** Matches the transaction's statements joined by '\n' (one statement for an autocommit). */
  re: RegExp;
  tx?: boolean;
}

/** In order; the first match names the commit. */
const SOURCES: Rule[] = [
  // Transactions (commit() in src/db/commit.ts, or the outbox's own).
  { source: 'activate (new seat)', tx: true, re: /INSERT INTO "public"\."Activation"/ },
  { source: 'lease reaper', tx: true, re: /DELETE FROM "Activation" WHERE id IN/ },
  { source: 'deactivate', tx: true, re: /DELETE FROM "public"\."Activation"/ },
  { source: 'license update', tx: true, re: /UPDATE "public"\."License" SET .*"updatedAt"/ },
  { source: 'heartbeat (renewal)', tx: true, re: /^UPDATE "public"\."Activation" SET "lastHeartbeatAt"/ },
  { source: 'activate (device already active)', tx: true, re: /FROM "public"\."License".*"key" = /s },
  { source: 'usage flush: events', tx: true, re: /^INSERT INTO "public"\."Event"/ },
  // Autocommitted statements. Prisma's reads name their tables "public"."X" AS "tN".
  {
    source: 'validate cache miss',
    re: /^(?=[\s\S]*"public"\."Activation")[\s\S]*FROM "public"\."License"[\s\S]*"key" (=|IN \()/,
  },
  { source: 'heartbeat: license by key', re: /FROM "public"\."License"[\s\S]*"key" (=|IN \()/ },
  { source: 'heartbeat: activation', re: /FROM "public"\."Activation"[\s\S]*"machineId" = / },
  {
    source: 'activate: license after the commit',
    re: /FROM "public"\."License"[\s\S]*WHERE \(?"t0"\."id" = \$\d+( AND 1=1\))? LIMIT/,
  },
  { source: 'usage flush: usage rows', re: /INSERT INTO "UsageRecord"/ },
  { source: 'usage flush: lastValidatedAt', re: /UPDATE "License" SET "lastValidatedAt"/ },
  { source: 'usage flush: leases', re: /UPDATE "Activation" a SET "leaseExpiresAt"/ },
  { source: 'webhook claim', re: /^WITH due AS \(\s*SELECT id, "endpointId"/ },
  { source: 'webhook outcomes', re: /^UPDATE "WebhookDelivery" d SET/ },
  { source: 'email claim and outcomes', re: /"EmailMessage"/ },
  { source: 'api key reread', re: /^SELECT [\s\S]* FROM "public"\."ApiKey"/ },
  { source: 'expiry sweeper and notices', re: /FROM "(public"\.")?License"[\s\S]*"expiresAt" </ },
  {
    source: 'instance start (migrations, keys, bootstrap)',
    re: /pg_advisory|_prisma_migrations|"SigningKey"|FROM "public"\."Account"/,
  },
  { source: 'idempotency sweep', re: /"IdempotencyKey"/ },
  // Without relationJoins, each included relation was a statement of its own.
  {
    source: 'included relation, read on its own',
    re: /^SELECT .* FROM "public"\."(Customer|Product|Activation)" WHERE/s,
  },
];

const LINE =
  /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ \[(\d+)\] \S+@(\S+) (LOG|ERROR|DETAIL|STATEMENT|HINT|WARNING|CONTEXT|FATAL): {2}(.*)$/;
const STATEMENT = /^(?:statement|execute [^:]*): (.*)$/s;

/** Prints the commits of `db` between `from` and `to` by source. */
export function commitsBySource(file: string, db: string, pidFile: string, from: string, to: string) {
  const apps = new Map(
    readFileSync(pidFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t') as [string, string]),
  );
  const t0 = Date.parse(from);
  const t1 = Date.parse(to);
  // Log entries of this database, continuation lines folded in.
  const entries: { at: number; pid: string; level: string; text: string }[] = [];
  let cur: (typeof entries)[number] | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = LINE.exec(line);
    if (m) {
      cur =
        m[3] === db
          ? { at: Date.parse(`${m[1]!.replace(' ', 'T')}Z`), pid: m[2]!, level: m[4]!, text: m[5]! }
          : null;
      if (cur) entries.push(cur);
    } else if (cur && !/^\d{4}-\d\d-\d\d /.test(line)) cur.text += `\n${line}`;
    else cur = null;
  }
  const commits = new Map<string, number>();
  const unnamed = new Map<string, number>();
  let rollbacks = 0;
  const count = (stmts: string[], at: number, pid: string, tx: boolean) => {
    if (at < t0 || at > t1) return;
    const text = stmts.join('\n');
    // The instances name their connections (soak-cluster.ts); the soak's checking client does not.
    const app = apps.get(pid);
    const rule = SOURCES.find((r) => !!r.tx === tx && r.re.test(text));
    const source = app === '' ? "the soak's own queries" : (rule?.source ?? null);
    if (source) commits.set(source, (commits.get(source) ?? 0) + 1);
    else {
      const k = `${tx ? 'TX ' : ''}${text.replace(/\s+/g, ' ').slice(0, Number(process.env.SOAK_PG_LOG_WIDTH ?? 140))}`;
      unnamed.set(k, (unnamed.get(k) ?? 0) + 1);
    }
  };
  const open = new Map<string, string[]>();
  const pending = new Map<string, { sql: string; at: number }>();
  const settle = (pid: string) => {
    const p = pending.get(pid);
    if (p) count([p.sql], p.at, pid, false);
    pending.delete(pid);
  };
  for (const e of entries) {
    if (e.level === 'ERROR') {
      if (pending.delete(e.pid)) rollbacks++;
      continue;
    }
    if (e.level !== 'LOG') continue;
    const m = STATEMENT.exec(e.text);
    if (!m) continue;
    const sql = m[1]!.trim();
    settle(e.pid);
    const verb = sql.split(/\s/)[0]!.toUpperCase();
    if (verb === 'BEGIN') open.set(e.pid, []);
    else if (verb === 'COMMIT' || verb === 'ROLLBACK') {
      const stmts = open.get(e.pid);
      open.delete(e.pid);
      if (stmts && verb === 'COMMIT') count(stmts, e.at, e.pid, true);
      else if (stmts) rollbacks++;
    } else if (open.has(e.pid)) open.get(e.pid)!.push(sql);
    else pending.set(e.pid, { sql, at: e.at });
  }
  for (const pid of [...pending.keys()]) settle(pid);
  const seconds = (t1 - t0) / 1000;
  const total = [...commits.values(), ...unnamed.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${total} commits in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(1)}/s); ${rollbacks} rollbacks`,
  );
  console.log('| source | commits | /s | share |');
  console.log('|---|---|---|---|');
  for (const [k, n] of [...commits.entries()].sort((a, b) => b[1] - a[1]))
    console.log(`| ${k} | ${n} | ${(n / seconds).toFixed(2)} | ${((100 * n) / total).toFixed(1)} % |`);
  for (const [k, n] of [...unnamed.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(
      `| (unnamed) ${k} | ${n} | ${(n / seconds).toFixed(2)} | ${((100 * n) / total).toFixed(1)} % |`,
    );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, db, pidFile, from, to] = process.argv.slice(2);
  if (!file || !db || !pidFile || !from || !to) {
    console.error('usage: soak-pg-log.ts <server log> <database> <pids.tsv> <from ISO> <to ISO>');
    process.exit(2);
  }
  commitsBySource(file, db, pidFile, from, to);
}
