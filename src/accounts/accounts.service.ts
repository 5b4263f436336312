// Accounts and the first-start bootstrap.
import { randomBytes } from 'node:crypto';
import type { Account, Plan } from '../../prisma/generated/client/client';
import { type AuditBy, systemSource } from '../audit/audit.service';
import { createApiKey } from '../auth/api-keys.service';
import { commit } from '../db/commit';
import type { Deps } from '../deps';
import { hashPassword } from '../lib/crypto';
import { newId } from '../lib/ids';

export interface NewAccount {
  account: Account;
  owner: { id: string; email: string; password: string; generatedPassword: boolean };
  liveKey: string;
  testKey: string;
}

export async function createAccount(
  deps: Deps,
  input: { name: string; plan: Plan; ownerEmail?: string; ownerPassword?: string },
  by: AuditBy = systemSource('system'),
): Promise<NewAccount> {
  const accountId = newId('acct');
  const email = (input.ownerEmail ?? `owner+${accountId.slice(5, 13).toLowerCase()}@localhost`).toLowerCase();
  const generatedPassword = !input.ownerPassword;
  const password = input.ownerPassword ?? randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  // An email is unique per account, and this account is new: the owner's address may well be a
  // user of another account too (and saying so would tell this caller about that account).
  return commit(deps, async (tx, staged) => {
    const account = await tx.account.create({ data: { id: accountId, name: input.name, plan: input.plan } });
    // In the new account's live log: its history starts with who opened it.
    staged.audit({ ...by, tenant: { accountId, environment: 'live' } }, 'account.created', {
      id: accountId,
      after: account,
      fields: ['name', 'plan', 'status'],
      changes: { ownerEmail: [null, email] },
    });
    const user = await tx.user.create({
      data: { id: newId('usr'), accountId, email, passwordHash, role: 'owner' },
    });
    const live = await createApiKey(tx, { accountId, environment: 'live', name: 'Default live key' });
    const test = await createApiKey(tx, { accountId, environment: 'test', name: 'Default test key' });
    return {
      account,
      owner: { id: user.id, email, password, generatedPassword },
      liveKey: live.secret,
      testKey: test.secret,
    };
  });
}

/** On the first start of an empty deployment: one account, its owner and a live and a test key.
 * Returns null when an account already exists. Several instances starting at once are serialised
 * by the migrator's advisory lock being taken first, and by the unique owner email. */
export async function bootstrapIfEmpty(
  deps: Deps,
  opts: { plan: Plan; ownerEmail?: string; ownerPassword?: string },
): Promise<NewAccount | null> {
  if ((await deps.prisma.account.count()) > 0) return null;
  return createAccount(deps, { name: 'Default account', ...opts }, systemSource('bootstrap'));
}

export function printBootstrap(b: NewAccount, write: (s: string) => void = (s) => process.stdout.write(s)) {
  write(
    [
      '',
      '  Traffic Orchestrator: first start. These secrets are shown once; store them now.',
      `    account        ${b.account.id} (plan ${b.account.plan})`,
      `    owner email    ${b.owner.email}`,
      `    owner password ${b.owner.generatedPassword ? b.owner.password : '(from TO_OWNER_PASSWORD)'}`,
      `    live API key   ${b.liveKey}`,
      `    test API key   ${b.testKey}`,
      '',
    ].join('\n') + '\n',
  );
}
