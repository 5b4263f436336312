// Pub/sub across instances: in memory on one instance, Redis (via @graphql-yoga/redis-event-target)
// when REDIS_URL is set. Three topics: committed events (subscriptions), validate-cache invalidations
// and credential changes; the last two are ignored by the instance that sent them.
import { randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { Event } from '../../prisma/generated/client/client';

export interface WireEvent {
  id: string;
  type: string;
  accountId: string;
  environment: 'live' | 'test';
  licenseId: string | null;
  productId: string | null;
  machineId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/** Drop these licenses (or all) from the validate cache. */
export interface LicenseInvalidation {
  origin: string;
  ids?: string[];
  all?: boolean;
}

/** API keys, users or accounts changed: drop every cached credential (API keys and sessions). */
export interface CredentialsChanged {
  origin: string;
}

/** One message type per topic. */
type Topics = {
  events: [WireEvent];
  licenses: [LicenseInvalidation];
  credentials: [CredentialsChanged];
};

export const toWire = (e: Event): WireEvent => ({
  id: e.id,
  type: e.type,
  accountId: e.accountId,
  environment: e.environment,
  licenseId: e.licenseId,
  productId: e.productId,
  machineId: e.machineId,
  data: (e.data ?? {}) as Record<string, unknown>,
  createdAt: e.createdAt.toISOString(),
});

export class EventPubSub {
  readonly pubsub: PubSub<Topics>;
  /** Identifies this instance, so it can ignore its own cache messages. */
  readonly instanceId = randomUUID();
  private readonly clients: Redis[] = [];

  constructor(redisUrl?: string) {
    if (redisUrl) {
      const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
      const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
      for (const c of [publishClient, subscribeClient]) c.on('error', () => {});
      this.clients.push(publishClient, subscribeClient);
      this.pubsub = createPubSub<Topics>({
        eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
      });
    } else {
      this.pubsub = createPubSub<Topics>();
    }
  }

  get backend(): 'memory' | 'redis' {
    return this.clients.length > 0 ? 'redis' : 'memory';
  }

  /** Resolves once the Redis subscriber is ready (immediately in memory). */
  async ready(): Promise<void> {
    await Promise.all(
      this.clients.map((c) =>
        c.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve) => c.once('ready', () => resolve())),
      ),
    );
  }

  private sinks = new Set<(e: WireEvent) => void>();
  private fanout: (() => void) | null = null;

  /** Calls `fn` for every committed event (from any instance). One pub/sub subscription per
   * instance feeds every local subscriber, so a subscriber costs a Set entry, not a stream. */
  onEvent(fn: (e: WireEvent) => void): () => void {
    this.fanout ??= this.listen('events', (e) => {
      for (const sink of this.sinks) sink(e);
    });
    this.sinks.add(fn);
    return () => this.sinks.delete(fn);
  }

  /** Tells every other instance to drop these validate-cache entries (or all of them). */
  invalidateLicenses(msg: Omit<LicenseInvalidation, 'origin'>): void {
    this.pubsub.publish('licenses', { origin: this.instanceId, ...msg });
  }

  /** Tells every other instance to drop its cached credentials. */
  forgetCredentials(): void {
    this.pubsub.publish('credentials', { origin: this.instanceId });
  }

  /** Runs `fn` for validate-cache invalidations from the other instances. */
  onRemoteLicenses(fn: (msg: LicenseInvalidation) => void): () => void {
    return this.listen('licenses', (msg) => {
      if (msg.origin !== this.instanceId) fn(msg);
    });
  }

  /** Runs `fn` when another instance changed credentials. */
  onRemoteCredentials(fn: () => void): () => void {
    return this.listen('credentials', (msg) => {
      if (msg.origin !== this.instanceId) fn();
    });
  }

  publishEvents(events: Event[]) {
    for (const e of events) this.pubsub.publish('events', toWire(e));
  }

  /** Runs `fn` for every message on `topic` until the returned stop function is called. */
  listen<K extends keyof Topics>(topic: K, fn: (msg: Topics[K][0]) => void): () => void {
    const it = this.pubsub.subscribe(topic as 'events') as AsyncIterableIterator<Topics[K][0]>;
    void (async () => {
      for await (const msg of it) {
        try {
          fn(msg);
        } catch {
          // a listener's failure must not end the subscription
        }
      }
    })();
    return () => void it.return?.();
  }

  async close(): Promise<void> {
    // The fan-out listener is left to end with the connections: ending it first would make the
    // Redis event target send an UNSUBSCRIBE that races the QUIT below and rejects unhandled.
    this.sinks.clear();
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
