// Batches what the request path must not write synchronously: usage rows, `lastValidatedAt`
// touches and `validation.failed` events. Flushed at least every second and on a clean stop.
import type { Environment } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Db } from '../db/client';
import { type EventBus, type EventInput, recordEvents } from '../events/events.service';

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
}

export interface UsageRecorderOptions {
  intervalMs?: number;
  maxBatch?: number;
  onError?: (err: unknown) => void;
}

export class UsageRecorder {
  private usage: UsageEntry[] = [];
  private events: EventInput[] = [];
  private validated = new Map<string, Date>();
  private leases = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly prisma: Db,
    private readonly bus: EventBus,
    private readonly opts: UsageRecorderOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.maxBatch = opts.maxBatch ?? 5000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(entry: UsageEntry): void {
    this.usage.push({ ...entry, at: entry.at ?? new Date() });
    if (entry.kind === 'validate' && entry.licenseId)
      this.validated.set(entry.licenseId, entry.at ?? new Date());
    if (this.usage.length >= this.maxBatch) void this.flush();
  }

  /** Queues a floating seat's lease renewal (activation id → new expiry). */
  renewLease(activationId: string, until: Date): void {
    const prev = this.leases.get(activationId);
    if (!prev || prev < until) this.leases.set(activationId, until);
  }

  recordEvent(event: EventInput): void {
    this.events.push(event);
  }

  get pending(): number {
    return this.usage.length + this.events.length + this.validated.size + this.leases.size;
  }

  /** Writes everything queued so far. Concurrent calls share one flush at a time. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending === 0) return;
    const usage = this.usage;
    const events = this.events;
    const validated = this.validated;
    const leases = this.leases;
    this.usage = [];
    this.events = [];
    this.validated = new Map();
    this.leases = new Map();
    this.flushing = this.write(usage, events, validated, leases)
      .catch((err) => {
        this.opts.onError?.(err);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  private async write(
    usage: UsageEntry[],
    events: EventInput[],
    validated: Map<string, Date>,
    leases: Map<string, Date>,
  ): Promise<void> {
    const committed = await this.prisma.$transaction(async (tx) => {
      if (usage.length > 0) {
        await tx.usageRecord.createMany({
          data: usage.map((u) => ({
            accountId: u.tenant.accountId,
            environment: u.tenant.environment as Environment,
            kind: u.kind,
            code: u.code,
            success: u.success,
            licenseId: u.licenseId ?? null,
            productId: u.productId ?? null,
            activationId: u.activationId ?? null,
            machineId: u.machineId ?? null,
            ip: u.ip ?? null,
            userAgent: u.userAgent?.slice(0, 512) ?? null,
            createdAt: u.at,
          })),
        });
      }
      if (validated.size > 0) {
        // One statement for the whole batch; the newest touch wins.
        const ids = [...validated.keys()];
        const at = new Date(Math.max(...[...validated.values()].map((d) => d.getTime())));
        // Raw SQL so that `updatedAt` is left alone: a validation is not an edit.
        await tx.$executeRawUnsafe(
          `UPDATE "License" SET "lastValidatedAt" = GREATEST(COALESCE("lastValidatedAt", $1), $1) WHERE id = ANY($2::text[])`,
          at,
          ids,
        );
      }
      if (leases.size > 0) {
        // Only extends a lease that still exists and only forwards: a seat the reaper already
        // freed stays freed.
        await tx.$executeRawUnsafe(
          `UPDATE "Activation" a SET "leaseExpiresAt" = d.until
             FROM (SELECT unnest($1::text[]) AS id, unnest($2::timestamptz[]) AS until) d
            WHERE a.id = d.id AND a."leaseExpiresAt" < d.until`,
          [...leases.keys()],
          [...leases.values()],
        );
      }
      return recordEvents(tx, events);
    });
    this.bus.publish(committed);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
