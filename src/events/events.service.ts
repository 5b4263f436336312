// Events are recorded in the same transaction as the change that caused them, together with a
// webhook delivery row per subscribed endpoint (the outbox). They are published to in-process
// listeners only after the transaction commits.
import type { Environment, Event, Prisma } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Db } from '../db/client';
import { newId } from '../lib/ids';
import type { EventType } from './event-types';

export type Tx = Prisma.TransactionClient;

export interface EventInput {
  type: EventType;
  tenant: Tenant;
  licenseId?: string | null;
  productId?: string | null;
  machineId?: string | null;
  data?: Record<string, unknown>;
}

export interface EventPayload {
  id: string;
  event: EventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** The webhook body: compact JSON, byte-identical to JSON.stringify of the parsed body. */
export function eventPayload(e: Pick<Event, 'id' | 'type' | 'createdAt' | 'data'>): EventPayload {
  return {
    id: e.id,
    event: e.type as EventType,
    timestamp: e.createdAt.toISOString(),
    data: e.data as Record<string, unknown>,
  };
}

function eventRow(input: EventInput, now: Date) {
  const data: Record<string, unknown> = {
    licenseId: input.licenseId ?? null,
    machineId: input.machineId ?? null,
    productId: input.productId ?? null,
    ...input.data,
  };
  return {
    id: newId('evt'),
    accountId: input.tenant.accountId,
    environment: input.tenant.environment as Environment,
    type: input.type,
    licenseId: input.licenseId ?? null,
    productId: input.productId ?? null,
    machineId: input.machineId ?? null,
    data: data as Prisma.InputJsonValue,
    createdAt: now,
  };
}

/** Records events and their outbox rows inside `tx`. Returns the stored events. */
export async function recordEvents(tx: Tx, inputs: EventInput[], now = new Date()): Promise<Event[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((i) => eventRow(i, now));
  await tx.event.createMany({ data: rows });
  const tenants = new Map<string, Tenant>();
  for (const i of inputs) tenants.set(`${i.tenant.accountId}:${i.tenant.environment}`, i.tenant);
  const endpoints = await tx.webhookEndpoint.findMany({
    where: {
      enabled: true,
      OR: [...tenants.values()].map((t) => ({ accountId: t.accountId, environment: t.environment })),
    },
    select: { id: true, accountId: true, environment: true, events: true },
  });
  if (endpoints.length > 0) {
    const deliveries = [];
    for (const row of rows) {
      for (const ep of endpoints) {
        if (ep.accountId !== row.accountId || ep.environment !== row.environment) continue;
        if (ep.events.length > 0 && !ep.events.includes(row.type)) continue;
        deliveries.push({
          id: newId('del'),
          accountId: row.accountId,
          environment: row.environment,
          endpointId: ep.id,
          eventId: row.id,
          eventType: row.type,
          payload: JSON.stringify(eventPayload(row as unknown as Event)),
          nextAttemptAt: now,
        });
      }
    }
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
  }
  return rows as unknown as Event[];
}

export const recordEvent = async (tx: Tx, input: EventInput, now?: Date) =>
  (await recordEvents(tx, [input], now))[0]!;

export type EventListener = (events: Event[]) => void;

/** In-process fan-out of committed events (subscriptions and cache invalidation hang off it). */
export class EventBus {
  private listeners = new Set<EventListener>();
  on(fn: EventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  publish(events: Event[]): void {
    if (events.length === 0) return;
    for (const fn of this.listeners) {
      try {
        fn(events);
      } catch {
        // A listener's failure must not affect the request that committed the change.
      }
    }
  }
}

export async function listEvents(
  db: Db,
  tenant: Tenant,
  filter: { type?: string; licenseId?: string; productId?: string },
  page: { skip: number; take: number },
) {
  const where = {
    accountId: tenant.accountId,
    environment: tenant.environment,
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.licenseId ? { licenseId: filter.licenseId } : {}),
    ...(filter.productId ? { productId: filter.productId } : {}),
  };
  const [data, total] = await Promise.all([
    db.event.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: page.skip,
      take: page.take,
    }),
    db.event.count({ where }),
  ]);
  return { data, total };
}
