// What the domain services need, built once by the composition root (app.ts).
import type { Logger } from 'pino';
import type { Principal } from './auth/principal';
import type { Config } from './config';
import type { Database, Db } from './db/client';
import type { EventBus } from './events/events.service';
import type { LicenseCache } from './licensing/license-cache';
import type { TtlCache } from './lib/ttl-cache';
import type { UsageRecorder } from './usage/usage-recorder';

export interface Deps {
  config: Config;
  database: Database;
  prisma: Db;
  logger: Logger;
  bus: EventBus;
  licenseCache: LicenseCache;
  apiKeyCache: TtlCache<string, Principal>;
  usage: UsageRecorder;
  now(): Date;
}
