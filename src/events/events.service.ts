// Events are recorded in the same transaction as the change that caused them, together with a
// webhook delivery row per subscribed endpoint (the outbox). Writes stage them through commit()
// (src/db/commit.ts), which records them here and publishes them after the commit.
import type { Environment, Event, Prisma } from '../../prisma/generated/client/client';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { inTenant, type Tenant } from '../lib/principal';
import type { EventType } from './event-types';
import { eventPayload } from './events.views';

export type Tx = Prisma.TransactionClient;

export interface EventInput {
  type: EventType;
  tenant: Tenant;
  licenseId?: string | null;
  productId?: string | null;
  machineId?: string | null;
  data?: Record<string, unknown>;
  /** The event's id, when the caller needs it before the commit (else a new one). */
  id?: string;
  /** Deliver to exactly these endpoints, whatever they subscribe to (a test ping); else to every
   * enabled endpoint of the tenant that subscribes to the type. */
  deliverTo?: string[];
}

function eventRow(input: EventInput, now: Date) {
  const data: Record<string, unknown> = {
    licenseId: input.licenseId ?? null,
    machineId: input.machineId ?? null,
    productId: input.productId ?? null,
    ...input.data,
  };
  return {
    id: input.id ?? newId('evt'),
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
    for (const [i, row] of rows.entries()) {
      const only = inputs[i]!.deliverTo;
      for (const ep of endpoints) {
        if (ep.accountId !== row.accountId || ep.environment !== row.environment) continue;
        if (only ? !only.includes(ep.id) : ep.events.length > 0 && !ep.events.includes(row.type)) continue;
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

export interface EventFilter {
  type?: EventType;
  licenseId?: string;
  productId?: string;
}

export const eventWhere = (tenant: Tenant, f: EventFilter = {}) => ({
  ...inTenant(tenant),
  ...(f.type ? { type: f.type } : {}),
  ...(f.licenseId ? { licenseId: f.licenseId } : {}),
  ...(f.productId ? { productId: f.productId } : {}),
});

export const listEvents = (deps: Deps, tenant: Tenant, filter: EventFilter, w: PageWindow) =>
  listPage(deps.prisma.event, eventWhere(tenant, filter), w);
