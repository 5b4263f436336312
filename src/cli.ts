// Operator commands. Run with `npm run cli -- <command> [options]`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAccount } from './accounts/accounts.service';
import { apiKeyJson, createApiKey } from './auth/api-keys.service';
import { loadConfig } from './config';
import { openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { createDeps } from './deps';
import { EventPubSub } from './events/pubsub';
import { CreateLicenseBody } from './licensing/licenses.schemas';
import { createLicense } from './licensing/licenses.service';
import { AppError } from './lib/errors';
import { createLogger } from './logger';

const HELP = `Traffic Orchestrator CLI

  migrate                                   apply pending migrations
  accounts:create --name N [--plan P] [--email E] [--password P]
                                            new account with an owner and live/test keys
  accounts:list
  keys:create --account acct_… --env live|test [--name N] [--scope portal|admin]
  keys:list --account acct_…
  keys:revoke <key_id>
  signing-keys:rotate                       new offline-token signing key; old public keys stay
                                            in the JWKS until their tokens have expired
  licenses:import <file.jsonl> --account acct_… --env live|test
                                            one JSON object per line, in the shape of
                                            POST /api/v1/licenses (product_id, type, key, …)

Uses DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite, default ./data), like the server.`;

const out = (s: string) => process.stdout.write(s + '\n');

function need(value: string | undefined, name: string): string {
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

function env(value: string | undefined): 'live' | 'test' {
  if (value !== 'live' && value !== 'test') throw new Error('--env must be live or test');
  return value;
}

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db.sql, (m) => out(m));
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Running servers cache credentials for TO_API_KEY_CACHE_TTL_MS; with Redis they are told now. */
async function tellRunningInstances(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) {
    out(`Running servers stop accepting it within ${config.apiKeyCacheTtlMs} ms (TO_API_KEY_CACHE_TTL_MS).`);
    return;
  }
  const pubsub = new EventPubSub(config.redisUrl);
  await pubsub.ready();
  pubsub.invalidate({ credentials: true });
  await pubsub.close(); // QUIT goes after the PUBLISH
  out('Running servers were told over Redis.');
}

async function importLicenses(db: Database, file: string, accountId: string, environment: 'live' | 'test') {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const deps = await createDeps(loadConfig(), db, createLogger('warn'));
  let ok = 0;
  const failed: string[] = [];
  const started = Date.now();
  for (const [i, line] of lines.entries()) {
    try {
      const parsed = CreateLicenseBody.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
      await createLicense(deps, { accountId, environment }, parsed.data);
      ok++;
    } catch (err) {
      failed.push(
        `line ${i + 1}: ${err instanceof AppError ? `${err.code} ${err.message}` : (err as Error).message}`,
      );
    }
    if ((i + 1) % 100 === 0 || i + 1 === lines.length) {
      const rate = Math.round(((i + 1) * 1000) / Math.max(1, Date.now() - started));
      process.stdout.write(
        `\r  imported ${i + 1}/${lines.length} (${ok} ok, ${failed.length} failed, ${rate}/s)`,
      );
    }
  }
  out('');
  for (const f of failed.slice(0, 20)) out(`  ${f}`);
  if (failed.length > 20) out(`  … and ${failed.length - 20} more`);
  return failed.length === 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      plan: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      account: { type: 'string' },
      env: { type: 'string' },
      scope: { type: 'string' },
    },
  });
  switch (command) {
    case 'migrate':
      await withDb(async () => out('migrations up to date'));
      return 0;
    case 'accounts:create':
      return withDb(async (db) => {
        const plan = (values.plan ?? loadConfig().defaultPlan) as 'enterprise';
        const a = await createAccount(db.prisma, {
          name: need(values.name, 'name'),
          plan,
          ownerEmail: values.email,
          ownerPassword: values.password,
        });
        out(`account   ${a.account.id} (${a.account.plan})`);
        out(`owner     ${a.owner.email}${a.owner.generatedPassword ? `  password ${a.owner.password}` : ''}`);
        out(`live key  ${a.liveKey}`);
        out(`test key  ${a.testKey}`);
        return 0;
      });
    case 'accounts:list':
      return withDb(async (db) => {
        for (const a of await db.prisma.account.findMany({ orderBy: { createdAt: 'asc' } })) {
          out(`${a.id}  ${a.plan.padEnd(12)} ${a.status.padEnd(9)} ${a.name}`);
        }
        return 0;
      });
    case 'keys:create':
      return withDb(async (db) => {
        const accountId = need(values.account, 'account');
        if (!(await db.prisma.account.findUnique({ where: { id: accountId } })))
          throw new Error('no such account');
        const scope = values.scope === 'admin' ? 'admin' : 'portal';
        const { apiKey, secret } = await createApiKey(db.prisma, {
          accountId,
          environment: env(values.env),
          name: values.name,
          scope,
        });
        out(`${apiKey.id}  ${secret}`);
        out('The key is shown once; store it now.');
        return 0;
      });
    case 'keys:list':
      return withDb(async (db) => {
        const keys = await db.prisma.apiKey.findMany({
          where: { accountId: need(values.account, 'account') },
          orderBy: { createdAt: 'asc' },
        });
        for (const k of keys.map(apiKeyJson)) {
          out(
            `${k.id}  ${k.prefix}…  ${k.environment}  ${k.scope}  ${k.revokedAt ? 'revoked' : 'active'}  ${k.name}`,
          );
        }
        return 0;
      });
    case 'keys:revoke':
      return withDb(async (db) => {
        const id = need(positionals[0], 'key id (positional)');
        const res = await db.prisma.apiKey.updateMany({
          where: { id, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        out(res.count ? `revoked ${id}` : `${id}: not found or already revoked`);
        if (res.count) await tellRunningInstances();
        return res.count ? 0 : 1;
      });
    case 'signing-keys:rotate':
      return withDb(async (db) => {
        const deps = await createDeps(loadConfig(), db, createLogger('warn'));
        const r = await deps.signingKeys.rotate();
        out(`active signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'}`);
        out('Running servers pick the new key up within a minute.');
        return 0;
      });
    case 'licenses:import':
      return withDb(async (db) =>
        (await importLicenses(
          db,
          need(positionals[0], 'file'),
          need(values.account, 'account'),
          env(values.env),
        ))
          ? 0
          : 1,
      );
    default:
      out(HELP);
      return command && command !== 'help' ? 2 : 0;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
