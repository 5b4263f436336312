// The one way a write happens: a transaction, the events it records (with their webhook outbox rows)
// written in that same transaction, and after the commit everything that must follow: dropping
// stale validate-cache entries and cached credentials here and on every other instance, publishing
// the events to subscribers, and any other after-commit hook. A write cannot forget one of them,
// because a service says what changed (`staged.invalidateLicense(id)`) and this helper does the rest.
import type { Event, Prisma } from '../../prisma/generated/client/client';
import { type AuditInput, type AuditSource, auditRow, recordAudit } from '../audit/audit.service';
import type { Deps } from '../deps';
import { type EventInput, recordEvents, type Tx } from '../events/events.service';
import { newId } from '../lib/ids';
import { ConstraintError, dbErrorToAppError } from './errors';

export type { Tx };

export interface Staged {
  /** Records an event (and a webhook delivery per subscribed endpoint) in this transaction.
   * Returns its id. */
  event(e: EventInput): string;
  /** Drops this license from every instance's validate cache after the commit. */
  invalidateLicense(id: string): void;
  /** Drops every cached license (a product or customer that cached licenses carry changed). */
  invalidateAllLicenses(): void;
  /** Drops every cached credential on every instance (an API key, user or account changed). */
  forgetCredentials(): void;
  /** Writes an audit entry in this transaction: who (`source`, usually the service's Caller),
   * `action` (`license.updated`), the target and its `before`/`after` rows; the changed fields are
   * computed and their secrets redacted (src/audit/changes.ts). */
  audit(source: AuditSource, action: string, input: AuditInput): void;
  /** Runs after the commit (and only if it commits). */
  afterCommit(fn: () => void): void;
}

class Changes implements Staged {
  readonly events: EventInput[] = [];
  readonly licenseIds = new Set<string>();
  allLicenses = false;
  credentials = false;
  readonly hooks: (() => void)[] = [];
  readonly audits: Prisma.AuditEntryCreateManyInput[] = [];

  constructor(
    private readonly now: Date,
    private readonly auditOn: boolean,
  ) {}

  event(e: EventInput) {
    const id = e.id ?? newId('evt');
    this.events.push({ ...e, id });
    return id;
  }
  invalidateLicense(id: string) {
    this.licenseIds.add(id);
  }
  invalidateAllLicenses() {
    this.allLicenses = true;
  }
  forgetCredentials() {
    this.credentials = true;
  }
  afterCommit(fn: () => void) {
    this.hooks.push(fn);
  }
  audit(source: AuditSource, action: string, input: AuditInput) {
    if (this.auditOn) this.audits.push(auditRow(source, action, input, this.now));
  }
}

/** Runs `fn` in a transaction, records the events it staged in the same transaction, and applies
 * the rest after the commit. Returns what `fn` returned. A constraint violation becomes the AppError
 * its constraint stands for (`dbErrorToAppError`). */
export async function commit<T>(deps: Deps, fn: (tx: Tx, staged: Staged) => Promise<T>): Promise<T> {
  const now = deps.now();
  const changes = new Changes(now, deps.config.auditLog);
  let out: { result: T; committed: Event[] };
  try {
    out = await deps.prisma.$transaction(
      async (tx) => {
        const result = await fn(tx, changes);
        await recordAudit(tx, changes.audits);
        return { result, committed: await recordEvents(tx, changes.events, now) };
      },
      // Writes that contend for one row (seats on one license) queue on its lock; under load the
      // queue can outlast Prisma's defaults (2 s to get a connection, 5 s in all), which would fail
      // a request that only had to wait.
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (err) {
    // A race lost at a unique or foreign key (or a value the database refused) is the client's
    // 409/404/400, named by its constraint (./errors.ts), never a 500.
    if (deps.dbHealth.report(err)) throw dbErrorToAppError(err)!; // 503, the outage logged once
    const known = dbErrorToAppError(err);
    if (!known) throw err;
    // A value the database refused should have been refused by the input layer: say so.
    if (known !== err && !(known instanceof ConstraintError)) {
      deps.logger.warn({ err }, 'database refused the request');
    }
    throw known;
  }
  const { result, committed } = out;
  afterCommit(deps, changes, committed);
  return result;
}

function afterCommit(deps: Deps, c: Changes, committed: Event[]): void {
  if (c.allLicenses) {
    deps.licenseCache.clear();
    deps.pubsub.invalidateLicenses({ all: true });
  } else if (c.licenseIds.size > 0) {
    const ids = [...c.licenseIds];
    deps.licenseCache.invalidate(ids);
    deps.pubsub.invalidateLicenses({ ids });
  }
  if (c.credentials) {
    deps.apiKeyCache.clear();
    deps.pubsub.forgetCredentials();
  }
  if (committed.length > 0) {
    deps.pubsub.publishEvents(committed);
    deps.kicks.webhook(); // they may have deliveries
  }
  for (const hook of c.hooks) {
    try {
      hook();
    } catch (err) {
      deps.logger.error({ err }, 'after-commit hook failed');
    }
  }
}
