// Live event streams for subscriptions: committed events from every instance (pub/sub), narrowed
// to one account and environment, then to the subscriber's filter.
import { filter, pipe } from '@graphql-yoga/subscription';
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

export function eventStream(deps: Deps, tenant: Tenant, f: EventFilter): AsyncIterable<WireEvent> {
  return pipe(
    deps.pubsub.pubsub.subscribe('events'),
    filter((e: WireEvent) => matches(e, tenant, f)),
  );
}

const ACTIVATION_TYPES = ['license.activated', 'license.deactivated'];

export function activationStream(deps: Deps, tenant: Tenant, licenseId: string): AsyncIterable<WireEvent> {
  return eventStream(deps, tenant, { licenseId, types: ACTIVATION_TYPES });
}
