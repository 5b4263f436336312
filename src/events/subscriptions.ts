// Live event streams for subscriptions: committed events from every instance (pub/sub), narrowed
// to one account and environment, then to the subscriber's filter.
import type { Tenant } from '../auth/principal';
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

/** One async generator over the pub/sub stream, filtering and mapping in place: with thousands of
 * subscribers every event passes through each of them, so each extra stream layer shows up in the
 * fan-out latency. */
export async function* eventStream<T = WireEvent>(
  deps: Deps,
  tenant: Tenant,
  f: EventFilter,
  map: (e: WireEvent) => T = (e) => e as T,
): AsyncGenerator<T> {
  const source = deps.pubsub.pubsub.subscribe('events') as AsyncIterableIterator<WireEvent>;
  try {
    for await (const e of source) if (matches(e, tenant, f)) yield map(e);
  } finally {
    await source.return?.();
  }
}

const ACTIVATION_TYPES = ['license.activated', 'license.deactivated'];

export function activationStream<T>(deps: Deps, tenant: Tenant, licenseId: string, map: (e: WireEvent) => T) {
  return eventStream(deps, tenant, { licenseId, types: ACTIVATION_TYPES }, map);
}
