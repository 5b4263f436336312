// Operator commands. Run with `npm run cli -- <command> [options]`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAccount } from './accounts/accounts.service';
import { createApiKey, revokeApiKey } from './auth/api-keys.service';
import { apiKeyJson } from './auth/api-keys.views';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { resealSecrets } from './db/reseal';
import { backup, dbMove, restore } from './db/commands';
import { commit } from './db/commit';
import { migrate } from './db/migrate';
import { createDeps, type Deps } from './deps';
import { CreateLicenseInput } from './licensing/licenses.schemas';
import { createLicense } from './licensing/licenses.service';
import { rotateSigningKey } from './licensing/signing-keys';
import { AppError } from './lib/errors';
import { type Actor, systemCaller } from './lib/principal';
import { systemSource } from './audit/audit.service';
import { createLogger } from './logger';
import { fromRest, parseWith } from './rest/input';

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
  secrets:reseal                            seal every stored secret under TO_SECRET_KEY (after a
                                            rotation, with the old key in TO_SECRET_KEY_PREVIOUS)
  licenses:import <file.jsonl> --account acct_… --env live|test
                                            one JSON object per line, in the shape of
                                            POST /api/v1/licenses (product_id, type, key, …)
  db:move --to postgresql://… [--replace]   copy the embedded database (DATA_DIR, server stopped)
                                            into PostgreSQL, then verify every table
  backup --out file.tar.gz [--url U] [--key K]
                                            snapshot of the embedded database; while a server runs
                                            on DATA_DIR it writes it (admin key, or TO_ADMIN_KEY)
  restore <file.tar.gz>                     unpack a backup into DATA_DIR (new or empty folder)

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

/** Runs `fn` with the services' dependencies over the configured database, as the server builds
 * them: writes go through the same commit step, so with REDIS_URL the running servers hear of
 * them (cache invalidations, revoked credentials) at once. */
/** The audit log's actor for a CLI command: `system`, id `cli`, labelled with the command. */
const cliActor = (command: string): Actor => ({ type: 'system', id: 'cli', label: `cli ${command}` });

async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db.sql, (m) => out(m));
    const deps = createDeps(config, db, createLogger('warn'));
    try {
      return await fn(deps);
    } finally {
      await deps.limits.close();
      await deps.pubsub.close();
      await deps.redis?.close(); // QUIT goes after anything published
    }
  } finally {
    await db.close();
  }
}

/** Running servers cache credentials for TO_API_KEY_CACHE_TTL_MS; with Redis they are told now. */
function tellRunningInstances(deps: Deps): void {
  if (deps.config.redisUrl) out('Running servers were told over Redis.');
  else
    out(
      `Running servers stop accepting it within ${deps.config.apiKeyCacheTtlMs} ms (TO_API_KEY_CACHE_TTL_MS).`,
    );
}

async function importLicenses(deps: Deps, file: string, accountId: string, environment: 'live' | 'test') {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const caller = systemCaller({ accountId, environment }, cliActor('licenses:import'));
  let ok = 0;
  const failed: string[] = [];
  const started = Date.now();
  for (const [i, line] of lines.entries()) {
    try {
      const input = parseWith(
        CreateLicenseInput,
        fromRest(JSON.parse(line) as Record<string, unknown>),
        'body',
      );
      await createLicense(deps, caller, input);
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
      to: { type: 'string' },
      replace: { type: 'boolean' },
      out: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  switch (command) {
    case 'migrate': {
      const db = await openDatabase(loadConfig());
      try {
        await migrate(db.sql, (m) => out(m));
      } finally {
        await db.close();
      }
      out('migrations up to date');
      return 0;
    }
    case 'accounts:create':
      return withDeps(async (deps) => {
        const plan = (values.plan ?? loadConfig().defaultPlan) as 'enterprise';
        const a = await createAccount(
          deps,
          { name: need(values.name, 'name'), plan, ownerEmail: values.email, ownerPassword: values.password },
          { ...systemSource('cli accounts:create', 'cli'), actor: cliActor('accounts:create') },
        );
        out(`account   ${a.account.id} (${a.account.plan})`);
        out(`owner     ${a.owner.email}${a.owner.generatedPassword ? `  password ${a.owner.password}` : ''}`);
        out(`live key  ${a.liveKey}`);
        out(`test key  ${a.testKey}`);
        return 0;
      });
    case 'accounts:list':
      return withDeps(async (deps) => {
        for (const a of await deps.prisma.account.findMany({ orderBy: { createdAt: 'asc' } })) {
          out(`${a.id}  ${a.plan.padEnd(12)} ${a.status.padEnd(9)} ${a.name}`);
        }
        return 0;
      });
    case 'keys:create':
      return withDeps(async (deps) => {
        const accountId = need(values.account, 'account');
        if (!(await deps.prisma.account.findUnique({ where: { id: accountId } })))
          throw new Error('no such account');
        const scope = values.scope === 'admin' ? 'admin' : 'portal';
        const environment = env(values.env);
        const { apiKey, secret } = await commit(deps, async (tx, staged) => {
          const made = await createApiKey(tx, { accountId, environment, name: values.name, scope });
          const source = systemCaller({ accountId, environment }, cliActor('keys:create'));
          staged.audit(source, 'api_key.created', { id: made.apiKey.id, after: made.apiKey });
          return made;
        });
        out(`${apiKey.id}  ${secret}`);
        out('The key is shown once; store it now.');
        return 0;
      });
    case 'keys:list':
      return withDeps(async (deps) => {
        const keys = await deps.prisma.apiKey.findMany({
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
      return withDeps(async (deps) => {
        const id = need(positionals[0], 'key id (positional)');
        const key = await deps.prisma.apiKey.findUnique({ where: { id } });
        if (!key || key.revokedAt) {
          out(`${id}: not found or already revoked`);
          return 1;
        }
        await revokeApiKey(
          deps,
          systemCaller({ accountId: key.accountId, environment: key.environment }, cliActor('keys:revoke')),
          id,
        );
        out(`revoked ${id}`);
        tellRunningInstances(deps);
        return 0;
      });
    case 'signing-keys:rotate':
      return withDeps(async (deps) => {
        await deps.signingKeys.init(); // fails here on a master key that does not open the current one
        // Deployment-wide: recorded in the oldest account's live log (the operator's, bootstrapped first).
        const first = await deps.prisma.account.findFirst({ orderBy: { createdAt: 'asc' } });
        const source = first
          ? systemCaller({ accountId: first.id, environment: 'live' }, cliActor('signing-keys:rotate'))
          : undefined;
        const r = await rotateSigningKey(deps, source);
        out(`active signing key ${r.kid}; retired ${r.retired.join(', ') || 'none'}`);
        out('Running servers pick the new key up within a minute.');
        return 0;
      });
    case 'secrets:reseal':
      return withDeps(async (deps) => {
        let unreadable = 0;
        // Deployment-wide, like signing-keys:rotate: in the oldest account's live log.
        const first = await deps.prisma.account.findFirst({ orderBy: { createdAt: 'asc' } });
        const source = first
          ? systemCaller({ accountId: first.id, environment: 'live' }, cliActor('secrets:reseal'))
          : undefined;
        for (const c of await resealSecrets(deps, source)) {
          out(`${c.what}: ${c.resealed} resealed, ${c.current} already under the current key`);
          if (c.unreadable.length > 0) {
            unreadable += c.unreadable.length;
            out(`  ${c.unreadable.length} open under no configured key: ${c.unreadable.join(', ')}`);
          }
        }
        if (unreadable > 0) {
          out('Set TO_SECRET_KEY_PREVIOUS to the key they were sealed with and run this again.');
          return 1;
        }
        out('Every stored secret is sealed under the current key: TO_SECRET_KEY_PREVIOUS can go.');
        return 0;
      });
    case 'licenses:import':
      return withDeps(async (deps) =>
        (await importLicenses(
          deps,
          need(positionals[0], 'file'),
          need(values.account, 'account'),
          env(values.env),
        ))
          ? 0
          : 1,
      );
    case 'db:move':
      return dbMove(loadConfig(), need(values.to, 'to'), values.replace === true, out);
    case 'backup': {
      const config = loadConfig();
      return backup(
        config,
        need(values.out, 'out'),
        { url: values.url, key: values.key ?? config.adminKey },
        out,
      );
    }
    case 'restore':
      return restore(loadConfig(), need(positionals[0], 'file (positional)'), out);
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
