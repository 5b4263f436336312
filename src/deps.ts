// What the domain services need, built once by the composition root (app.ts).
import type { Logger } from 'pino';
import { EventBus as Bus } from './events/events.service';
import { LicenseCache as Cache } from './licensing/license-cache';
import { SigningKeys as Keys } from './licensing/signing-keys';
import { loadMasterKey, SecretBox as Box } from './lib/secret-box';
import { TtlCache as Ttl } from './lib/ttl-cache';
import { UsageRecorder as Recorder } from './usage/usage-recorder';
import { EventPubSub } from './events/pubsub';
import { Metrics } from './http/metrics';
import { RateLimits } from './http/rate-limit';
import type { Principal } from './auth/principal';
import type { Config } from './config';
import type { Database, Db } from './db/client';

export interface Deps {
  config: Config;
  database: Database;
  prisma: Db;
  logger: Logger;
  bus: Bus;
  licenseCache: Cache;
  apiKeyCache: Ttl<string, Principal>;
  usage: Recorder;
  secretBox: Box;
  signingKeys: Keys;
  limits: RateLimits;
  metrics: Metrics;
  pubsub: EventPubSub;
  /** After a key is revoked or a user or account changes: drops the cached credentials here and
   * tells the other instances to do the same. */
  forgetCredentials(): void;
  now(): Date;
}

/** Builds the services' dependencies over an open, migrated database (server and CLI alike). */
export async function createDeps(config: Config, database: Database, logger: Logger): Promise<Deps> {
  const bus = new Bus();
  const pubsub = new EventPubSub(config.redisUrl);
  const licenseCache = new Cache(config.licenseCacheTtlMs);
  // Committed events fan out to every instance's subscribers; cache invalidations reach the other
  // instances' validate caches (the own instance has already applied them).
  bus.on((events) => pubsub.publishEvents(events));
  licenseCache.broadcast = (msg) => pubsub.invalidate(msg);
  const apiKeyCache = new Ttl<string, Principal>(config.apiKeyCacheTtlMs, 10_000);
  pubsub.onRemoteInvalidation((msg) => {
    licenseCache.applyRemote(msg);
    if (msg.credentials) apiKeyCache.clear();
  });
  const secretBox = new Box(loadMasterKey(config).key);
  const signingKeys = new Keys(database.prisma, database.sql, secretBox);
  await signingKeys.init();
  return {
    config,
    database,
    prisma: database.prisma,
    logger,
    bus,
    licenseCache,
    apiKeyCache,
    usage: new Recorder(database.prisma, database.sql, bus, {
      onError: (err) => logger.error({ err }, 'usage flush failed'),
    }),
    secretBox,
    signingKeys,
    limits: new RateLimits({ ...config.rateLimit, redisUrl: config.redisUrl }),
    pubsub,
    metrics: new Metrics({
      queueDepth: () => database.prisma.webhookDelivery.count({ where: { status: 'pending' } }),
    }),
    forgetCredentials() {
      apiKeyCache.clear();
      pubsub.invalidate({ credentials: true });
    },
    now: () => new Date(),
  };
}
