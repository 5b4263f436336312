// The one place that reads the environment. Parsed with zod at start; a bad value fails fast.
import { z } from 'zod';
import { StartupError } from './startup-error';

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
  TO_REQUEST_LOG_SAMPLE: z.coerce.number().int().min(1).default(100),
  TO_SLOW_REQUEST_MS: z.coerce.number().min(0).default(500),
  TO_OWNER_EMAIL: z.string().email().optional(),
  TO_OWNER_PASSWORD: z.string().min(8).optional(),
  TO_DEFAULT_PLAN: z
    .enum(['builder', 'starter', 'professional', 'business', 'enterprise'])
    .default('enterprise'),
  TO_SECRET_KEY: z.string().min(16).optional(),
  TO_SECRET_KEY_PREVIOUS: z.string().min(16).optional(),
  TO_ADMIN_KEY: z.string().min(1).optional(),
  TO_LICENSE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  TO_API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
  TO_CREDENTIAL_RECHECK_MS: z.coerce.number().int().min(100).default(30_000),
  TO_WS_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  TO_SUBSCRIPTION_MAX_QUEUED: z.coerce.number().int().min(1).default(10_000),
  TO_STREAM_STALL_MS: z.coerce.number().int().min(100).default(30_000),
  TO_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  TO_BOOTSTRAP: bool.default(true),
  TO_RATE_LIMIT: bool.default(true),
  TO_RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().min(1).default(1000),
  TO_RATE_LIMIT_FAILED_LOOKUPS_PER_MIN: z.coerce.number().int().min(1).default(10),
  TO_RATE_LIMIT_PREFIX: z.string().default('to_rl'),
  // `true` is one proxy; a number is how many proxies (hops) stand in front of the server.
  TO_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be true, false, or the number of trusted proxies in front')
    .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)))
    .default(0),
  TO_JWT_SECRET: z.string().min(32).optional(),
  TO_CORS_ORIGINS: z.string().default(''),
  TO_REAPER_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  TO_WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).default(250),
  TO_WEBHOOK_BACKOFF_SCALE: z.coerce.number().positive().max(1000).default(1),
  TO_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  TO_AUDIT_LOG: bool.default(true),
  TO_IDEMPOTENCY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
  TO_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TO_WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(100),
  TO_WEBHOOK_MAX_PER_ENDPOINT: z.coerce.number().int().min(1).max(1000).default(10),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://user:pass@host:port or smtps://…')
    .optional(),
  TO_EMAIL_FROM: z.string().min(3).default('Traffic Orchestrator <no-reply@localhost>'),
  TO_EMAIL_BACKOFF_SCALE: z.coerce.number().positive().max(1000).default(1),
  TO_EMAIL_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(5),
  TO_EMAIL_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  TO_EMAIL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TO_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .optional(),
  TO_GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  TO_GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  TO_GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(5000),
  TO_GRAPHQL_MAX_NODES: z.coerce.number().int().min(1).default(50_000),
  TO_GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(5000),
  TO_GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  TO_GRAPHQL_INTROSPECTION: bool.optional(),
});

/** What a variable must be, in words an operator can act on. */
function hint(issue: z.ZodIssue): string {
  if (issue.path[0] === 'PORT') return 'must be a whole number from 0 to 65535';
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'must be a number';
  return issue.message.replace(/, received nan$/i, '');
}

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
  /** Request log lines at `info`: every failed (4xx/5xx) or slow request, and 1 in `sample` of the
   * others (1: every request). `debug` logs every request. */
  requestLog: { sample: number; slowMs: number };
  ownerEmail?: string;
  ownerPassword?: string;
  defaultPlan: Plan;
  secretKey?: string;
  /** The master key before a rotation: secrets sealed under it still open (README "Security"). */
  secretKeyPrevious?: string;
  /** An admin API key for CLI commands that ask the running server (`backup`); CLI only. */
  adminKey?: string;
  /** How long a validate-path cache entry may be served before it is read again (bounds cross-instance staleness). */
  licenseCacheTtlMs: number;
  apiKeyCacheTtlMs: number;
  /** How often live subscriptions' credentials are read again even without a change message (the
   * safety net for a missed pub/sub message; src/auth/credential-watch.ts). */
  credentialRecheckMs: number;
  /** Bytes a graphql-ws socket may have queued in this process (ws's `bufferedAmount`, beyond what
   * the kernel holds) before a `next` frame; past it the socket is closed with 1013
   * (src/http/graphql/ws.ts), so a subscriber that stops reading cannot grow the server's memory. */
  wsMaxBufferedBytes: number;
  /** Events one subscription may have waiting to be executed (src/events/subscriptions.ts); one more
   * ends it with SUBSCRIBER_TOO_SLOW, so a subscriber that stops reading (SSE, where the server only
   * takes an event when the client has read the last) cannot grow the server's memory. */
  subscriptionMaxQueued: number;
  /** How long a streamed answer (SSE) may wait for its client to take what was written: past it,
   * with the socket still full, the connection is closed (src/http/node-adapter.ts), so a client
   * that stops reading cannot hold a connection and its buffers for ever. */
  streamStallMs: number;
  maxBodyBytes: number;
  /** Create the first account and keys when the database is empty. */
  bootstrap: boolean;
  rateLimit: {
    enabled: boolean;
    ipPerMinute: number;
    failedLookupsPerMinute: number;
    /** Key prefix in the limiter store; instances that share limits share it. */
    prefix: string;
  };
  /** How many reverse proxies of yours stand in front (0: none, X-Forwarded-* are ignored). The
   * client IP is the X-Forwarded-For entry that many from the right (src/http/edge.ts). */
  trustProxy: number;
  /** HS256 secret for user sessions; generated once and stored (sealed) when unset. */
  jwtSecret?: string;
  /** Comma-separated origins allowed by CORS; `*` for any; empty for none. */
  corsOrigins: string[];
  /** How often expired floating-seat leases are freed. */
  reaperIntervalMs: number;
  /** How often the webhook dispatcher polls for due deliveries (it also claims more as sends finish). */
  webhookDispatchIntervalMs: number;
  /** Multiplies the whole retry schedule (about 10 attempts over about 2 days at 1). */
  webhookBackoffScale: number;
  /** Allow webhook URLs on loopback, private and link-local addresses (development and tests only). */
  webhookAllowPrivate: boolean;
  /** Write the audit log (§16). Off only to measure its cost (the audit bench); the contract needs it on. */
  auditLog: boolean;
  /** How often expired Idempotency-Key records (older than 24 h) are deleted. */
  idempotencySweepIntervalMs: number;
  /** Per-attempt timeout of a webhook request. */
  webhookTimeoutMs: number;
  /** Webhook requests in flight per instance, in total and per endpoint. */
  webhookMaxInFlight: number;
  webhookMaxPerEndpoint: number;
  /** `smtp://user:pass@host:port` or `smtps://…`; unset: emails wait in the outbox as `unsent`. */
  smtpUrl?: string;
  /** The From address of every email (the account's brand name is shown as its display name). */
  emailFrom: string;
  /** Multiplies the email retry schedule (9 attempts over about a day at 1). */
  emailBackoffScale: number;
  /** SMTP sends in flight per instance (also the size of the SMTP connection pool). */
  emailMaxInFlight: number;
  emailDispatchIntervalMs: number;
  /** Connection, greeting and socket timeout of one SMTP attempt. */
  emailTimeoutMs: number;
  /** Where this server is reached from outside (links in emails, portal links); no trailing slash. */
  publicUrl: string;
  /** Limits on GraphQL documents (graphql-armor) and whether introspection is served. */
  graphql: {
    /** Nesting of selections; fragments do not count as a level. */
    maxDepth: number;
    /** Aliased fields in one operation. */
    maxAliases: number;
    /** graphql-armor's estimated cost (objects 2, scalars 1, ×1.5 per level, × a literal `first`/`last`). */
    maxCost: number;
    /** Objects one operation may return, counted with its variables (src/http/graphql/cost.ts). */
    maxNodes: number;
    /** Lexical tokens in a document, checked while parsing. */
    maxTokens: number;
    maxDirectives: number;
    /** Defaults to true outside production and false in production. */
    introspection: boolean;
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // One line, naming each variable and what it must be; values are not echoed (some are secrets).
    const what = parsed.error.issues.map((i) => `${i.path.join('.')}: ${hint(i)}`).join('; ');
    throw new StartupError(
      `Invalid configuration: ${what}`,
      'Fix these environment variables (README "Configuration" lists every one) and start again',
    );
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
    requestLog: { sample: e.TO_REQUEST_LOG_SAMPLE, slowMs: e.TO_SLOW_REQUEST_MS },
    ownerEmail: e.TO_OWNER_EMAIL,
    ownerPassword: e.TO_OWNER_PASSWORD,
    defaultPlan: e.TO_DEFAULT_PLAN,
    secretKey: e.TO_SECRET_KEY,
    secretKeyPrevious: e.TO_SECRET_KEY_PREVIOUS,
    adminKey: e.TO_ADMIN_KEY,
    licenseCacheTtlMs: e.TO_LICENSE_CACHE_TTL_MS,
    apiKeyCacheTtlMs: e.TO_API_KEY_CACHE_TTL_MS,
    credentialRecheckMs: e.TO_CREDENTIAL_RECHECK_MS,
    wsMaxBufferedBytes: e.TO_WS_MAX_BUFFERED_BYTES,
    subscriptionMaxQueued: e.TO_SUBSCRIPTION_MAX_QUEUED,
    streamStallMs: e.TO_STREAM_STALL_MS,
    maxBodyBytes: e.TO_MAX_BODY_BYTES,
    bootstrap: e.TO_BOOTSTRAP,
    reaperIntervalMs: e.TO_REAPER_INTERVAL_MS,
    webhookDispatchIntervalMs: e.TO_WEBHOOK_DISPATCH_INTERVAL_MS,
    webhookBackoffScale: e.TO_WEBHOOK_BACKOFF_SCALE,
    webhookAllowPrivate: e.TO_WEBHOOK_ALLOW_PRIVATE,
    auditLog: e.TO_AUDIT_LOG,
    idempotencySweepIntervalMs: e.TO_IDEMPOTENCY_SWEEP_INTERVAL_MS,
    webhookTimeoutMs: e.TO_WEBHOOK_TIMEOUT_MS,
    webhookMaxInFlight: e.TO_WEBHOOK_MAX_IN_FLIGHT,
    webhookMaxPerEndpoint: e.TO_WEBHOOK_MAX_PER_ENDPOINT,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.TO_EMAIL_FROM,
    emailBackoffScale: e.TO_EMAIL_BACKOFF_SCALE,
    emailMaxInFlight: e.TO_EMAIL_MAX_IN_FLIGHT,
    emailDispatchIntervalMs: e.TO_EMAIL_DISPATCH_INTERVAL_MS,
    emailTimeoutMs: e.TO_EMAIL_TIMEOUT_MS,
    publicUrl: (e.TO_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    graphql: {
      maxDepth: e.TO_GRAPHQL_MAX_DEPTH,
      maxAliases: e.TO_GRAPHQL_MAX_ALIASES,
      maxCost: e.TO_GRAPHQL_MAX_COST,
      maxNodes: e.TO_GRAPHQL_MAX_NODES,
      maxTokens: e.TO_GRAPHQL_MAX_TOKENS,
      maxDirectives: e.TO_GRAPHQL_MAX_DIRECTIVES,
      introspection: e.TO_GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
    },
    rateLimit: {
      enabled: e.TO_RATE_LIMIT,
      ipPerMinute: e.TO_RATE_LIMIT_IP_PER_MIN,
      failedLookupsPerMinute: e.TO_RATE_LIMIT_FAILED_LOOKUPS_PER_MIN,
      prefix: e.TO_RATE_LIMIT_PREFIX,
    },
    trustProxy: e.TO_TRUST_PROXY,
    jwtSecret: e.TO_JWT_SECRET,
    corsOrigins: e.TO_CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

/** A config for tests and tools: in-memory PGlite unless overridden. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' }), ...overrides };
}
