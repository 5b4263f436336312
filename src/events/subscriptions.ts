// Live event streams for subscriptions: committed events from every instance (pub/sub), narrowed
// to one account and environment, then to the subscriber's filter. A stream lives only as long as
// the credential it was opened with (the credential watch, src/auth/credential-watch.ts): it ends
// when that is revoked, and holds each event while a re-check is under way.
//
// A stream takes an event only when its transport asks for the next one. graphql-ws asks at once
// (its own bound is the socket's buffer, src/http/graphql/ws.ts); SSE asks when the client has read
// the last (src/http/node-adapter.ts waits for 'drain'), so for a client that stops reading, events
// would queue here without end. Past TO_SUBSCRIPTION_MAX_QUEUED waiting events the stream stops
// listening, drops them, and its next `next()` throws SUBSCRIBER_TOO_SLOW: the client gets an error
// (SSE: a `next` event with it, then `complete`; graphql-ws: an `error` message) rather than a
// stream that quietly skipped events.
import { subscriberTooSlow } from '../graphql/errors';
import { type Caller, principalLogFields, type Tenant } from '../lib/principal';
import type { Deps } from '../deps';
import type { WireEvent } from './pubsub';

export interface EventFilter {
  types?: string[] | null;
  licenseId?: string | null;
  productId?: string | null;
}

export function matches(e: WireEvent, tenant: Tenant, f: EventFilter): boolean {
  if (e.accountId !== tenant.accountId || e.environment !== tenant.environment) return false;
  if (f.types?.length && !f.types.includes(e.type)) return false;
  if (f.licenseId && e.licenseId !== f.licenseId) return false;
  if (f.productId && e.productId !== f.productId) return false;
  return true;
}

const EVENT_ID = Symbol('eventId');

/** The id of the event a stream value was made from (see eventStream), so that subscribers that would
 * resolve the same event the same way can share one execution of it (src/http/graphql/fanout.ts). */
export const sourceEventId = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null
    ? ((value as Record<symbol, unknown>)[EVENT_ID] as string | undefined)
    : undefined;

/** A subscriber's stream: a queue filled by the instance's single pub/sub listener, drained by
 * GraphQL. `map` runs as each event is taken, right before it is executed. With thousands of
 * subscribers every event passes through each of them, so each stream layer shows in the fan-out
 * latency; this is the only one. */
export function eventStream<T = WireEvent>(
  deps: Deps,
  { tenant, principal }: Pick<Caller, 'tenant' | 'principal'>,
  f: EventFilter,
  map: (e: WireEvent) => T = (e) => e as T,
): AsyncIterableIterator<T> {
  const max = deps.config.subscriptionMaxQueued;
  // The events not yet taken are queue[head…]. Taken by index: shift() copies the array once it is
  // long (V8: about 60 µs a call at 50,000 queued), which a subscriber catching up would pay per event.
  let queue: WireEvent[] = [];
  let head = 0;
  let wake: (() => void) | null = null;
  let done = false;
  /** Set when the queue overflowed; the next `next()` throws it (once). */
  let overflow: Error | null = null;
  const watched = deps.credentials.watch(principal, () => void finish());
  const off = deps.pubsub.onEvent((e) => {
    if (done || !matches(e, tenant, f)) return;
    if (queue.length - head >= max) return overflowed();
    queue.push(e);
    wake?.();
    wake = null;
  });
  const finish = (): Promise<IteratorResult<T>> => {
    done = true;
    queue = [];
    head = 0;
    off();
    watched.stop();
    wake?.();
    wake = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  const overflowed = () => {
    overflow = subscriberTooSlow(max);
    void finish();
    deps.metrics.subscriptionOverflowed();
    deps.logger.warn(
      { ...principalLogFields(principal), limit: max },
      'subscription ended (SUBSCRIBER_TOO_SLOW): more events waited for its client than TO_SUBSCRIPTION_MAX_QUEUED',
    );
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        if (head === queue.length) {
          queue.length = head = 0;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const e = queue[head]!;
        queue[head++] = undefined as never;
        // A queue that never empties is compacted once half of it has been taken.
        if (head >= 1024 && head * 2 >= queue.length) {
          queue = queue.slice(head);
          head = 0;
        }
        // Usually `true` at once; during a re-check, the event waits for its answer.
        const alive = watched.alive();
        if (alive === true || (await alive)) {
          const value = map(e);
          if (typeof value === 'object' && value !== null)
            (value as Record<symbol, unknown>)[EVENT_ID] = e.id;
          return { value, done: false };
        }
        await finish();
      }
      const err = overflow;
      overflow = null;
      if (err) throw err;
      return { value: undefined, done: true };
    },
    return: finish,
    throw: async (err: unknown) => {
      await finish();
      throw err;
    },
  };
}

const ACTIVATION_TYPES = ['license.activated', 'license.deactivated'];

export function activationStream<T>(
  deps: Deps,
  who: Pick<Caller, 'tenant' | 'principal'>,
  licenseId: string,
  map: (e: WireEvent) => T,
) {
  return eventStream(deps, who, { licenseId, types: ACTIVATION_TYPES }, map);
}
