// The CLI's database commands (src/cli.ts): db:move, backup, restore. See README "Outgrowing the
// embedded database" and "Backups".
import { writeFileSync } from 'node:fs';
import type { Config } from '../config';
import { StartupError } from '../startup-error';
import { backupBytes, restoreDataDir } from './backup';
import { openDatabase } from './client';
import { lockHolder } from './data-dir-lock';
import { migrate } from './migrate';
import { moveDatabase, moveVerified, verificationTable } from './move';

type Out = (line: string) => void;

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

function needFolder(config: Config, what: string): string {
  if (config.dataDir.startsWith('memory://')) throw new Error(`DATA_DIR is in memory: nothing to ${what}`);
  return config.dataDir;
}

export async function dbMove(config: Config, to: string, replace: boolean, out: Out): Promise<number> {
  const dir = needFolder(config, 'move');
  if (!/^postgres(ql)?:\/\//.test(to)) throw new Error('--to must be a postgresql:// URL');
  const pid = lockHolder(dir);
  if (pid) {
    throw new StartupError(
      `DATA_DIR ${dir} is in use by a running server (pid ${pid}); db:move copies a stopped database`,
      'Stop the server, run db:move, then start the servers with DATABASE_URL',
    );
  }
  out(`moving the embedded database in ${dir} to ${redact(to)}`);
  const source = await openDatabase({ dataDir: dir, databaseUrl: undefined });
  let results;
  try {
    await migrate(source.sql, (m) => out(`source: ${m}`));
    results = await moveDatabase(source.sql, to, { replace, log: out });
  } finally {
    await source.close();
  }
  out('');
  for (const line of verificationTable(results)) out(line);
  out('');
  if (!moveVerified(results)) {
    out('VERIFICATION FAILED: the target differs from the source (see above). Keep using DATA_DIR.');
    return 1;
  }
  const rows = results.reduce((n, r) => n + r.source, 0);
  out(`moved ${rows} rows in ${results.length} tables; every table verified (rows and contents).`);
  out('Sealed secrets (signing keys, webhook and Stripe secrets) were copied as they are: every server on');
  out(
    config.secretKey
      ? '  PostgreSQL needs the same TO_SECRET_KEY as this one.'
      : `  PostgreSQL needs TO_SECRET_KEY set to the contents of ${dir}/secret.key (the master key this folder used).`,
  );
  out(`Next: DATABASE_URL=${redact(to)} npm start`);
  return 0;
}

/** Asks the running server for the snapshot (it holds the folder), or takes it itself. */
export async function backup(
  config: Config,
  file: string,
  opts: { url?: string; key?: string },
  out: Out,
): Promise<number> {
  if (config.databaseUrl) throw new Error('DATABASE_URL is set: back PostgreSQL up with pg_dump');
  const dir = needFolder(config, 'back up');
  const pid = lockHolder(dir);
  let bytes: Uint8Array;
  if (pid) {
    const url = (opts.url ?? `http://127.0.0.1:${config.port}`).replace(/\/$/, '');
    if (!opts.key) {
      throw new StartupError(
        `DATA_DIR ${dir} is in use by a running server (pid ${pid}), so the server writes the snapshot`,
        'Pass --key <admin API key> (or TO_ADMIN_KEY), and --url if it does not listen on ' + url,
      );
    }
    out(`asking the server at ${url} (pid ${pid}) for a snapshot`);
    const res = await fetch(`${url}/api/v1/admin/backup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.key}` },
    });
    if (!res.ok) {
      const body = (await res.text()).slice(0, 300);
      throw new Error(`the server answered ${res.status}: ${body}`);
    }
    bytes = new Uint8Array(await res.arrayBuffer());
  } else {
    out(`no server runs on ${dir}: taking the snapshot here`);
    const db = await openDatabase({ dataDir: dir, databaseUrl: undefined });
    try {
      bytes = await backupBytes(db);
    } finally {
      await db.close();
    }
  }
  writeFileSync(file, bytes, { mode: 0o600 });
  out(`wrote ${file} (${bytes.length} bytes)`);
  return 0;
}

export async function restore(config: Config, file: string, out: Out): Promise<number> {
  if (config.databaseUrl) throw new Error('DATABASE_URL is set: restore PostgreSQL with pg_restore');
  const dir = needFolder(config, 'restore into');
  const migrations = await restoreDataDir(file, dir);
  out(`restored ${file} into ${dir} (${migrations} migrations applied in it)`);
  out(`Next: DATA_DIR=${dir} npm start`);
  return 0;
}
