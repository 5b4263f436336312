// Pub/sub across instances. Every message is delivered to this instance's own listeners at once (in
// memory), and, when REDIS_URL is set, published on Redis for the other instances, which ignore
// their own messages. Three topics: committed events (subscriptions), validate-cache invalidations
// and credential changes. A Redis failure never reaches the caller: publishing is fire-and-forget
// (a failure is logged), the subscriber reconnects and resubscribes by itself, and meanwhile the
// instance works on its own (the caches' TTLs bound what it may miss; they are dropped when Redis is
// back). This replaces @graphql-yoga/redis-event-target, whose unhandled publish() rejection took
// the process down when Redis went away (issue 10, hole 1).
//
// Local delivery is a plain call of each listener, in order, each on its own (a listener that
// throws does not keep the message from the others). It was @graphql-yoga/subscription's pub/sub,
// whose repeaters refuse more than 1,024 messages published in one synchronous loop: a commit of
// a lease reaper's batch, or a burst arriving from Redis, lost the rest of its messages and raised
// an unhandled RepeaterOverflowError per message (test/pubsub-burst.test.ts).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Event } from '../../prisma/generated/client/client';
import type { RedisLink } from '../lib/redis';

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

type Listener<K extends keyof Topics> = (msg: Topics[K][0]) => void;

export class EventPubSub {
  /** This instance's listeners by topic; Redis messages from other instances are fed to them too. */
  private readonly listeners: { [K in keyof Topics]: Set<Listener<K>> } = {
    events: new Set(),
    licenses: new Set(),
    credentials: new Set(),
  };
  /** Identifies this instance, so it can ignore its own messages. */
  readonly instanceId = randomUUID();
  private readonly pub: Redis | null = null;
  private readonly sub: Redis | null = null;
  private subscribed: Promise<void> = Promise.resolve();
  private lastPublishWarning = 0;

  constructor(
    private readonly redis?: RedisLink | null,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    if (!redis) return;
    // Publishes queue while connecting (a CLI publishes right after it starts); with Redis away they
    // fail after one reconnect attempt or 1 s, and are logged, never thrown.
    this.pub = redis.client({ enableOfflineQueue: true });
    // The subscriber queues its SUBSCRIBE until connected and ioredis resubscribes after every
    // reconnect, so it needs the offline queue and no retry cap.
    this.sub = redis.client({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    this.sub.on('message', (channel: string, raw: string) => this.received(channel, raw));
    this.subscribed = this.sub.subscribe(...TOPICS.map(channelOf)).then(
      () => undefined,
      () => undefined, // only on close; a reconnect resubscribes by itself
    );
  }

  get backend(): 'memory' | 'redis' {
    return this.pub ? 'redis' : 'memory';
  }

  /** Resolves once the Redis subscriber is subscribed (immediately in memory). */
  async ready(): Promise<void> {
    await this.subscribed;
  }

  private received(channel: string, raw: string) {
    const topic = TOPICS.find((t) => channelOf(t) === channel);
    if (!topic) return;
    let msg: { o: string; m: never };
    try {
      msg = JSON.parse(raw) as typeof msg;
    } catch {
      return;
    }
    if (msg.o !== this.instanceId) this.deliver(topic, msg.m);
  }

  /** Calls every local listener of `topic` with `msg`; one that throws does not stop the others. */
  private deliver<K extends keyof Topics>(topic: K, msg: Topics[K][0]): void {
    for (const fn of this.listeners[topic] as Set<Listener<K>>) {
      try {
        fn(msg);
      } catch {
        // a listener's failure is its own; the message still reaches the rest
      }
    }
  }

  private publish<K extends keyof Topics>(topic: K, msg: Topics[K][0]): void {
    this.deliver(topic, msg);
    if (!this.pub) return;
    this.pub.publish(channelOf(topic), JSON.stringify({ o: this.instanceId, m: msg })).catch((err: Error) => {
      // Other instances miss this message; their cache TTLs bound the staleness. One line per 10 s.
      const now = Date.now();
      if (now - this.lastPublishWarning < 10_000) return;
      this.lastPublishWarning = now;
      this.logger?.warn({ topic, err: err.message }, 'Redis publish failed; delivered on this instance only');
    });
  }

  /** Calls `fn` for every committed event (from any instance): a subscriber costs a Set entry. */
  onEvent(fn: (e: WireEvent) => void): () => void {
    return this.listen('events', fn);
  }

  /** How many event streams are open on this instance (the subscribers onEvent feeds). */
  get eventSubscribers(): number {
    return this.listeners.events.size;
  }

  /** Tells every other instance to drop these validate-cache entries (or all of them). */
  invalidateLicenses(msg: Omit<LicenseInvalidation, 'origin'>): void {
    this.publish('licenses', { origin: this.instanceId, ...msg });
  }

  /** Tells every other instance to drop its cached credentials. */
  forgetCredentials(): void {
    this.publish('credentials', { origin: this.instanceId });
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

  /** Runs `fn` when Redis is back after an outage: messages sent meanwhile may have been missed. */
  onReconnect(fn: () => void): () => void {
    return this.redis?.onBack(fn) ?? (() => {});
  }

  publishEvents(events: Event[]) {
    for (const e of events) this.publish('events', toWire(e));
  }

  /** Runs `fn` for every message on `topic` until the returned stop function is called. Each one
   * its own: the same function registered twice runs twice. */
  listen<K extends keyof Topics>(topic: K, fn: Listener<K>): () => void {
    const own: Listener<K> = (msg) => fn(msg);
    const set = this.listeners[topic] as Set<Listener<K>>;
    set.add(own);
    return () => void set.delete(own);
  }

  close(): Promise<void> {
    for (const set of Object.values(this.listeners)) set.clear();
    return Promise.resolve();
    // The connections themselves are closed by their RedisLink (deps' owner).
  }
}

const TOPICS = ['events', 'licenses', 'credentials'] as const satisfies readonly (keyof Topics)[];
const channelOf = (topic: keyof Topics) => `to:${topic}`;
