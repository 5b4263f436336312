// The JSON views of events: the webhook body and the REST event list share one shape.
import type { Event } from '../../prisma/generated/client/client';
import type { EventType } from './event-types';

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
