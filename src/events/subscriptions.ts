// Live event streams for subscriptions: committed events from every instance (pub/sub), narrowed
// to one account and environment, then to the subscriber's filter.
import type { Tenant } from '../lib/principal';
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

/** A subscriber's stream: a queue filled by the instance's single pub/sub listener, drained by
 * GraphQL. `map` runs as each event is taken, right before it is executed. With thousands of
 * subscribers every event passes through each of them, so each stream layer shows in the fan-out
 * latency; this is the only one. */
export function eventStream<T = WireEvent>(
  deps: Deps,
  tenant: Tenant,
  f: EventFilter,
  map: (e: WireEvent) => T = (e) => e as T,
): AsyncIterableIterator<T> {
  const queue: WireEvent[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const off = deps.pubsub.onEvent((e) => {
    if (done || !matches(e, tenant, f)) return;
    queue.push(e);
    wake?.();
    wake = null;
  });
  const finish = (): Promise<IteratorResult<T>> => {
    done = true;
    off();
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
        if (e) return { value: map(e), done: false };
        await new Promise<void>((resolve) => (wake = resolve));
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

export function activationStream<T>(deps: Deps, tenant: Tenant, licenseId: string, map: (e: WireEvent) => T) {
  return eventStream(deps, tenant, { licenseId, types: ACTIVATION_TYPES }, map);
}
