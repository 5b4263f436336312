// Live event streams for subscriptions: committed events from every instance (pub/sub), narrowed
// to one account and environment, then to the subscriber's filter. A stream lives only as long as
// the credential it was opened with (the credential watch, src/auth/credential-watch.ts): it ends
// when that is revoked, and holds each event while a re-check is under way.
import type { Caller, Tenant } from '../lib/principal';
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
  const queue: WireEvent[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const watched = deps.credentials.watch(principal, () => void finish());
  const off = deps.pubsub.onEvent((e) => {
    if (done || !matches(e, tenant, f)) return;
    queue.push(e);
    wake?.();
    wake = null;
  });
  const finish = (): Promise<IteratorResult<T>> => {
    done = true;
    off();
    watched.stop();
    wake?.();
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        const e = queue.shift();
        if (!e) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
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
