// Batches what the request path must not write synchronously: usage rows, `lastValidatedAt`
// touches, lease renewals and `validation.failed` events. Flushed by a scheduled job every second
// (jobs.ts) and on a clean stop.
import type { SqlRunner } from '../db/sql';
import type { EventInput } from '../events/events.service';
import type { Tenant } from '../lib/principal';

export type UsageKind = 'validate' | 'activate' | 'deactivate' | 'heartbeat';

export interface UsageEntry {
  tenant: Tenant;
  kind: UsageKind;
  code: string;
  success: boolean;
  licenseId?: string | null;
  productId?: string | null;
  activationId?: string | null;
  machineId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  at?: Date;
  /** Uses consumed (validate with `consume`); summed over the calls a row counts. */
  consumed?: number;
}

export interface UsageRecorderOptions {
  /** Writes the batched events (with their outbox rows) and publishes them after the commit. */
  writeEvents(events: EventInput[]): Promise<unknown>;
  maxBatch?: number;
  onError?: (err: unknown) => void;
  /** True for an error after which the batch should be kept and written again (an unreachable
   * database): what was not written yet goes back into the queue instead of being dropped. */
  isUnavailable?: (err: unknown) => boolean;
  /** At most this many usage rows are kept while the database is away (the newest win). */
  maxBuffered?: number;
}

const CHUNK = 500;
const INSERT_USAGE = `INSERT INTO "UsageRecord"
  ("accountId", "environment", "licenseId", "productId", "activationId", "machineId", "kind", "code", "success", "ip", "userAgent", "createdAt", "count", "consumed")
  SELECT a, e::"Environment", l, p, act, m, k, c, s, ip, ua, t, n, u
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::boolean[], $10::text[], $11::text[], $12::timestamptz[], $13::int[], $14::int[])
      AS u(a, e, l, p, act, m, k, c, s, ip, ua, t, n, u)`;

type UsageRow = UsageEntry & { at: Date; count: number; consumed: number };

/** Column arrays for INSERT_USAGE. */
function usageColumns(rows: UsageRow[]): unknown[][] {
  return [
    rows.map((u) => u.tenant.accountId),
    rows.map((u) => u.tenant.environment),
    rows.map((u) => u.licenseId ?? null),
    rows.map((u) => u.productId ?? null),
    rows.map((u) => u.activationId ?? null),
    rows.map((u) => u.machineId ?? null),
    rows.map((u) => u.kind),
    rows.map((u) => u.code),
    rows.map((u) => u.success),
    rows.map((u) => u.ip ?? null),
    rows.map((u) => u.userAgent?.slice(0, 512) ?? null),
    rows.map((u) => u.at.toISOString()),
    rows.map((u) => u.count),
    rows.map((u) => u.consumed),
  ];
}

export class UsageRecorder {
  /** Queued rows; identical calls within one second share a row and count up. */
  private usage = new Map<string, UsageRow>();
  private events: EventInput[] = [];
  private validated = new Map<string, Date>();
  private leases = new Map<string, Date>();
  private flushing: Promise<void> | null = null;
  private readonly maxBatch: number;

  constructor(
    private readonly sql: Pick<SqlRunner, 'query'>,
    private readonly opts: UsageRecorderOptions,
  ) {
    this.maxBatch = opts.maxBatch ?? 5000;
    this.maxBuffered = opts.maxBuffered ?? 200_000;
  }

  private readonly maxBuffered: number;
  /** Usage rows dropped because the buffer was full during an outage (reported by the next flush
   * that works). */
  dropped = 0;

  record(entry: UsageEntry): void {
    const at = entry.at ?? new Date();
    // The same key [..].join('\u0000') gave (null and undefined as ''), without the array.
    const key =
      `${entry.tenant.accountId}\u0000${entry.tenant.environment}\u0000${entry.licenseId ?? ''}\u0000` +
      `${entry.activationId ?? ''}\u0000${entry.machineId ?? ''}\u0000${entry.kind}\u0000${entry.code}\u0000` +
      `${entry.ip ?? ''}\u0000${entry.userAgent ?? ''}\u0000${Math.floor(at.getTime() / 1000)}`;
    const row = this.usage.get(key);
    if (row) {
      row.count++;
      row.consumed += entry.consumed ?? 0;
    } else this.usage.set(key, { ...entry, at, count: 1, consumed: entry.consumed ?? 0 });
    if (entry.kind === 'validate' && entry.licenseId)
      this.validated.set(entry.licenseId, entry.at ?? new Date());
    if (this.usage.size >= this.maxBatch && !this.retained) void this.flush();
  }

  /** True while the queue holds rows a failed flush put back (no size-triggered flushes then). */
  private retained = false;

  /** Queues a floating seat's lease renewal (activation id → new expiry). */
  renewLease(activationId: string, until: Date): void {
    const prev = this.leases.get(activationId);
    if (!prev || prev < until) this.leases.set(activationId, until);
  }

  recordEvent(event: EventInput): void {
    this.events.push(event);
  }

  get pending(): number {
    return this.usage.size + this.events.length + this.validated.size + this.leases.size;
  }

  /** Writes everything queued so far. Concurrent calls share one flush at a time. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending === 0) return;
    const usage = [...this.usage.entries()];
    const events = this.events;
    const validated = this.validated;
    const leases = this.leases;
    this.usage = new Map();
    this.events = [];
    this.validated = new Map();
    this.leases = new Map();
    const progress = { usage: 0, validated: false, leases: false };
    this.flushing = this.write(usage, events, validated, leases, progress)
      .then(() => {
        this.retained = false;
      })
      .catch((err) => {
        if (this.opts.isUnavailable?.(err)) {
          this.requeue(
            usage.slice(progress.usage),
            progress.validated ? null : validated,
            progress.leases ? null : leases,
            events,
          );
        }
        this.opts.onError?.(err);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  /** Puts back what a flush could not write, merged with what was queued meanwhile. Events are put
   * back only when nothing of theirs was written (writeEvents is one transaction). */
  private requeue(
    usage: [string, UsageRow][],
    validated: Map<string, Date> | null,
    leases: Map<string, Date> | null,
    events: EventInput[],
  ): void {
    this.retained = true;
    for (const [key, row] of usage) {
      const now = this.usage.get(key);
      if (now) now.count += row.count;
      else this.usage.set(key, row);
    }
    if (this.usage.size > this.maxBuffered) {
      const over = this.usage.size - this.maxBuffered;
      let i = 0;
      for (const key of this.usage.keys()) {
        if (i++ >= over) break;
        this.dropped += this.usage.get(key)!.count;
        this.usage.delete(key);
      }
    }
    for (const [id, at] of validated ?? []) {
      const now = this.validated.get(id);
      if (!now || now < at) this.validated.set(id, at);
    }
    for (const [id, until] of leases ?? []) {
      const now = this.leases.get(id);
      if (!now || now < until) this.leases.set(id, until);
    }
    this.events = [...events, ...this.events];
  }

  private async write(
    entries: [string, UsageRow][],
    events: EventInput[],
    validated: Map<string, Date>,
    leases: Map<string, Date>,
    progress: { usage: number; validated: boolean; leases: boolean },
  ): Promise<void> {
    const usage = entries.map(([, row]) => row);
    // Usage rows go straight to the driver in chunks of multi-row INSERTs: through Prisma, a
    // second's worth of rows cost more CPU than the validations that produced them, and one big
    // statement blocks PGlite (in-process) long enough to show in the p99.
    for (let i = 0; i < usage.length; i += CHUNK) {
      await this.sql.query(INSERT_USAGE, usageColumns(usage.slice(i, i + CHUNK)));
      progress.usage = Math.min(usage.length, i + CHUNK);
      if (i + CHUNK < usage.length) await new Promise((r) => setImmediate(r));
    }
    if (validated.size > 0) {
      // One statement for the whole batch; the newest touch wins. `updatedAt` is left alone: a
      // validation is not an edit.
      const at = new Date(Math.max(...[...validated.values()].map((d) => d.getTime())));
      await this.sql.query(
        `UPDATE "License" SET "lastValidatedAt" = GREATEST(COALESCE("lastValidatedAt", $1::timestamptz), $1::timestamptz)
          WHERE id = ANY($2::text[])`,
        [at.toISOString(), [...validated.keys()]],
      );
    }
    progress.validated = true;
    if (leases.size > 0) {
      // Only extends a lease that still exists and only forwards: a seat the reaper already
      // freed stays freed.
      await this.sql.query(
        `UPDATE "Activation" a SET "leaseExpiresAt" = d.until
           FROM (SELECT unnest($1::text[]) AS id, unnest($2::timestamptz[]) AS until) d
          WHERE a.id = d.id AND a."leaseExpiresAt" < d.until`,
        [[...leases.keys()], [...leases.values()].map((d) => d.toISOString())],
      );
    }
    progress.leases = true;
    if (events.length > 0) await this.opts.writeEvents(events);
  }
}
