// `npm run cli -- secrets:reseal`: every secret stored sealed (src/lib/secret-box.ts) is sealed again
// under the current master key, so that TO_SECRET_KEY_PREVIOUS can be dropped after a rotation. One
// transaction; a row changed meanwhile (a webhook secret rolled) is left as it is, since its new
// value is already sealed under the current key. With an audit source, the same transaction writes
// one `secrets.resealed` entry with how many of each kind were resealed (counts only, never a value).
import type { AuditSource } from '../audit/audit.service';
import type { Deps } from '../deps';
import { SecretBox } from '../lib/secret-box';
import { commit, type Tx } from './commit';

export interface ResealCount {
  /** What was sealed: "webhook endpoint secrets", … */
  what: string;
  /** Sealed under a previous key, now under the current one. */
  resealed: number;
  /** Already under the current key. */
  current: number;
  /** Ids of rows that no configured key opens (left untouched). */
  unreadable: string[];
}

interface Column {
  what: string;
  /** The entry's field for this kind's count (no word the audit log's redaction would hide). */
  field: string;
  rows(tx: Tx): Promise<{ id: string; value: string }[]>;
  /** Writes `fresh` where the row still holds `old`; returns the rows written (0 or 1). */
  write(tx: Tx, id: string, old: string, fresh: string): Promise<number>;
}

/** Every sealed column of the schema. A new one belongs here. */
const COLUMNS: Column[] = [
  {
    what: 'offline-token signing keys',
    field: 'signingKeys',
    rows: async (tx) =>
      (await tx.signingKey.findMany({ select: { id: true, privateKeyEncrypted: true } })).map((r) => ({
        id: r.id,
        value: r.privateKeyEncrypted,
      })),
    write: async (tx, id, old, fresh) =>
      (
        await tx.signingKey.updateMany({
          where: { id, privateKeyEncrypted: old },
          data: { privateKeyEncrypted: fresh },
        })
      ).count,
  },
  {
    what: 'webhook endpoint secrets',
    field: 'webhookEndpoints',
    rows: async (tx) =>
      (await tx.webhookEndpoint.findMany({ select: { id: true, secretEncrypted: true } })).map((r) => ({
        id: r.id,
        value: r.secretEncrypted,
      })),
    write: async (tx, id, old, fresh) =>
      (
        await tx.webhookEndpoint.updateMany({
          where: { id, secretEncrypted: old },
          data: { secretEncrypted: fresh },
        })
      ).count,
  },
  {
    what: 'Stripe webhook secrets',
    field: 'stripeIntegrations',
    rows: async (tx) =>
      (await tx.stripeIntegration.findMany({ select: { id: true, webhookSecretEncrypted: true } })).map(
        (r) => ({ id: r.id, value: r.webhookSecretEncrypted }),
      ),
    write: async (tx, id, old, fresh) =>
      (
        await tx.stripeIntegration.updateMany({
          where: { id, webhookSecretEncrypted: old },
          data: { webhookSecretEncrypted: fresh },
        })
      ).count,
  },
  {
    // The generated session signing secret (when TO_JWT_SECRET is unset); only sealed settings count.
    what: 'sealed settings',
    field: 'settings',
    rows: async (tx) =>
      (await tx.setting.findMany())
        .filter((r) => SecretBox.isSealed(r.value))
        .map((r) => ({ id: r.key, value: r.value })),
    write: async (tx, id, old, fresh) =>
      (await tx.setting.updateMany({ where: { key: id, value: old }, data: { value: fresh } })).count,
  },
];

/** Reseals every sealed column in one transaction. `source` (the CLI's, in the operator's log) gets
 * one `secrets.resealed` entry when anything was resealed. */
export function resealSecrets(deps: Deps, source?: AuditSource): Promise<ResealCount[]> {
  return commit(deps, async (tx, staged) => {
    const counts: ResealCount[] = [];
    const changes: Record<string, [unknown, unknown]> = {};
    let total = 0;
    for (const column of COLUMNS) {
      const count: ResealCount = { what: column.what, resealed: 0, current: 0, unreadable: [] };
      for (const row of await column.rows(tx)) {
        let next: { sealed: string; changed: boolean };
        try {
          next = deps.secretBox.reseal(row.value);
        } catch {
          count.unreadable.push(row.id);
          continue;
        }
        if (!next.changed) count.current++;
        else if ((await column.write(tx, row.id, row.value, next.sealed)) > 0) count.resealed++;
      }
      counts.push(count);
      if (count.resealed > 0) changes[column.field] = [null, count.resealed];
      total += count.resealed;
    }
    if (source && total > 0) {
      staged.audit(source, 'secrets.resealed', {
        id: null,
        targetType: 'deployment',
        changes: { ...changes, total: [null, total] },
      });
    }
    return counts;
  });
}
