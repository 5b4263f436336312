// The one place that reads the environment. Parsed with zod at start; a bad value fails fast.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TO_OWNER_EMAIL: z.string().email().optional(),
  TO_OWNER_PASSWORD: z.string().min(8).optional(),
  TO_DEFAULT_PLAN: z
    .enum(['builder', 'starter', 'professional', 'business', 'enterprise'])
    .default('enterprise'),
  TO_SECRET_KEY: z.string().min(16).optional(),
  TO_LICENSE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  TO_API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  TO_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  TO_BOOTSTRAP: bool.default(true),
  TO_REAPER_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
});

export type Plan = 'builder' | 'starter' | 'professional' | 'business' | 'enterprise';

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** PGlite data directory, or `memory://` for an in-memory database. Ignored when databaseUrl is set. */
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: string;
  ownerEmail?: string;
  ownerPassword?: string;
  defaultPlan: Plan;
  secretKey?: string;
  /** How long a validate-path cache entry may be served before it is read again (bounds cross-instance staleness). */
  licenseCacheTtlMs: number;
  apiKeyCacheTtlMs: number;
  maxBodyBytes: number;
  /** Create the first account and keys when the database is empty. */
  bootstrap: boolean;
  /** How often expired floating-seat leases are freed. */
  reaperIntervalMs: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    ownerEmail: e.TO_OWNER_EMAIL,
    ownerPassword: e.TO_OWNER_PASSWORD,
    defaultPlan: e.TO_DEFAULT_PLAN,
    secretKey: e.TO_SECRET_KEY,
    licenseCacheTtlMs: e.TO_LICENSE_CACHE_TTL_MS,
    apiKeyCacheTtlMs: e.TO_API_KEY_CACHE_TTL_MS,
    maxBodyBytes: e.TO_MAX_BODY_BYTES,
    bootstrap: e.TO_BOOTSTRAP,
    reaperIntervalMs: e.TO_REAPER_INTERVAL_MS,
  };
}

/** A config for tests and tools: in-memory PGlite unless overridden. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' }), ...overrides };
}
