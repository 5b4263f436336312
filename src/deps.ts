// What the domain services need, built once by the composition root (app.ts) or the CLI. Every
// service takes `deps` as its first argument; this interface is the one seam they all share.
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database, Db } from './db/client';
import { CredentialWatch } from './auth/credential-watch';
import { DbHealth } from './db/availability';
import { commit } from './db/commit';
import { EventPubSub } from './events/pubsub';
import { LicenseCache } from './licensing/license-cache';
import { SigningKeys } from './licensing/signing-keys';
import { Metrics } from './lib/metrics';
import type { Principal } from './lib/principal';
import { RateLimits } from './lib/rate-limit';
import { RedisLink } from './lib/redis';
import { loadMasterKey, SecretBox } from './lib/secret-box';
import { TtlCache } from './lib/ttl-cache';
import { UsageRecorder } from './usage/usage-recorder';

export interface Deps {
  config: Config;
  database: Database;
  prisma: Db;
  logger: Logger;
  /** Whether the database is reachable; errors that say it is not start an outage (one log line). */
  dbHealth: DbHealth;
  /** Validate-path cache of licenses (this instance; writes invalidate it through commit()). */
  licenseCache: LicenseCache;
  /** Resolved API keys and sessions (this instance; same). */
  apiKeyCache: TtlCache<string, Principal>;
  /** The credentials live connections were opened with, re-checked when credentials change. */
  credentials: CredentialWatch;
  /** Custom domain → account id (or null: not one), for the customer page at `/`. */
  domainCache: TtlCache<string, string | null>;
  usage: UsageRecorder;
  secretBox: SecretBox;
  signingKeys: SigningKeys;
  limits: RateLimits;
  metrics: Metrics;
  pubsub: EventPubSub;
  /** The instance's Redis connections (REDIS_URL), or null; `degraded` while Redis is away. */
  redis: RedisLink | null;
  /** Wakes an outbox dispatcher after a commit wrote rows for it (set by app.ts when its job runs;
   * a no-op otherwise, where the poll or a test's dispatchOnce() picks the rows up). `email` claims
   * at once; `webhook` (every commit with events) only ends an idle poll's back-off, so that its
   * next tick claims: a claim per commit would outnumber the poll's under load. */
  kicks: { email: () => void; webhook: () => void };
  now: () => Date;
}

/** Builds the services' dependencies over an open, migrated database (server and CLI alike). */
export function createDeps(config: Config, database: Database, logger: Logger): Deps {
  const redis = config.redisUrl ? new RedisLink(config.redisUrl, logger) : null;
  const pubsub = new EventPubSub(redis, logger);
  const licenseCache = new LicenseCache(config.licenseCacheTtlMs);
  const apiKeyCache = new TtlCache<string, Principal>(config.apiKeyCacheTtlMs, 10_000);
  // What the other instances changed (this instance applies its own changes in commit()).
  pubsub.onRemoteLicenses((msg) => (msg.all ? licenseCache.clear() : licenseCache.invalidate(msg.ids ?? [])));
  pubsub.onRemoteCredentials(() => apiKeyCache.clear());
  // Credentials changed here or on another instance: live subscriptions re-check theirs.
  const credentials = new CredentialWatch(database.prisma, logger, () => deps.now());
  pubsub.listen('credentials', () => void credentials.recheck());
  // Back from a Redis outage: invalidations sent meanwhile were missed, so drop everything cached.
  pubsub.onReconnect(() => {
    licenseCache.clear();
    apiKeyCache.clear();
    void credentials.recheck();
  });
  const master = loadMasterKey(config);
  const secretBox = new SecretBox(master.key, master.previous);
  const dbHealth = new DbHealth(database.sql, logger);
  // Loaded by whoever signs (the server at start; the CLI's rotation): other CLI commands must work
  // without the master key that seals them.
  const signingKeys = new SigningKeys(database.prisma, database.sql, secretBox);
  const metrics = new Metrics({
    queueDepth: () => database.prisma.webhookDelivery.count({ where: { status: 'pending' } }),
    eventStreams: () => pubsub.eventSubscribers,
  });
  const deps: Deps = {
    config,
    database,
    prisma: database.prisma,
    logger,
    dbHealth,
    licenseCache,
    apiKeyCache,
    credentials,
    domainCache: new TtlCache<string, string | null>(5_000, 10_000),
    usage: new UsageRecorder(database.sql, {
      // validation.failed events from the batch are written like any other change.
      writeEvents: (events) =>
        commit(deps, (_tx, staged) => Promise.resolve(events.forEach((e) => staged.event(e)))),
      onError: (err) => {
        if (!dbHealth.report(err)) logger.error({ err }, 'usage flush failed');
      },
      isUnavailable: (err) => dbHealth.report(err),
    }),
    secretBox,
    signingKeys,
    limits: new RateLimits({
      ...config.rateLimit,
      redis: redis?.client() ?? null,
      onRefused: (limiter) => metrics.refused(limiter),
    }),
    pubsub,
    redis,
    metrics,
    kicks: { email: () => {}, webhook: () => {} },
    now: () => new Date(),
  };
  return deps;
}
