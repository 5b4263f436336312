// The capacity model of the README's "Capacity" section, as code: what one answer of each kind
// costs in PostgreSQL transactions and Redis commands, read from the services (the comments say
// where), plus what every instance does in the background. The soak predicts its own counters from
// the answers it got and prints them beside what PostgreSQL and Redis counted. Every term was
// checked against the statements PostgreSQL logged in a soak (`SOAK_PG_LOG=1`; README, "The
// cluster soak"). An autocommitted statement is a commit, a read as much as a write; a
// transaction is one commit; a refusal thrown inside commit() (src/db/commit.ts) rolls back and
// commits nothing. Prisma loads an `include` in the same statement (the
// relationJoins preview feature, prisma/schema.prisma).

/** PostgreSQL commits per answer, by `${op} ${status}`. Validate is priced per cache miss
 * (PG_PER_VALIDATE_MISS), not here. */
export const PG_COMMITS: Record<string, number> = {
  // validate.service: nothing on a cache hit; a miss is PG_PER_VALIDATE_MISS.
  'validate 200': 0,
  // activations.service activateOnce: the commit (licenseByKey, the activation lookup, the seat
  // UPDATE and the insert; a read-only transaction for a device already active), then
  // findUniqueOrThrow of the license with its customer.
  'activate 201': 2,
  'activate 200': 2,
  // ACTIVATION_LIMIT_REACHED thrown inside commit(): rolled back.
  'activate 409': 0,
  // deactivateLicense: one commit; an unknown device rolls back.
  'deactivate 200': 1,
  'deactivate 404': 0,
  // leases.service renew: licenseByKey and the activation lookup (autocommitted reads), then the
  // conditional updateMany in commit(), which commits also when it renewed nothing (409).
  'heartbeat 200': 3,
  'heartbeat 404': 2,
  'heartbeat 409': 3,
  // licenses.service updateLicense: one commit (loadForUpdate, the UPDATE, audit, event and its
  // deliveries in the transaction).
  'update 200': 1,
};

/** validate.service lookup(): a cache miss reads the license with its customer, product and
 * activations in one autocommitted SELECT. Prisma batches the findUnique calls an instance makes in
 * the same tick into one `WHERE key IN (…)` statement, so misses that coincide share it: in the
 * logged 60 s soak (~75 req/s), 2,800 statements served 3,480 misses. Fewer per miss under more load. */
export const PG_PER_VALIDATE_MISS = 0.8;

/** Per instance per second, whatever the load, each from its job's interval in the soak's
 * configuration (soak-cluster.ts) or the defaults (src/config.ts). The usage flush is priced apart
 * (usageFlushPerSecond). */
export const PG_BACKGROUND: Record<string, number> = {
  // jobs/outbox.ts, the webhook dispatcher's poll: one claim statement every 250 ms
  // (TO_WEBHOOK_DISPATCH_INTERVAL_MS) while events come in, as they do all through the soak (an
  // idle dispatcher backs off to one every 2 s).
  'webhook poll': 4,
  // leases.service reapExpiredLeases, every 2 s (TO_REAPER_INTERVAL_MS in the soak): one
  // transaction, committed also when it freed nothing.
  'lease reaper': 0.5,
  // authenticate: an API key's credential cache entry lives TO_API_KEY_CACHE_TTL_MS (5 s), then
  // the key is read again with its account (one statement), while the update route uses it.
  'api key reread': 1 / 5,
};

/** usage-recorder.ts flush, every second on each instance: the usage INSERT, the lastValidatedAt
 * UPDATE and the validation.failed events' transaction (events.service recordEvents), each in a
 * second that queued one of its kind (Poisson: 1 − e^−rate), and the lease UPDATE in a second with
 * a floating validate of an active seat (about 0.06 /s an instance in the soak; not in its answers). */
export function usageFlushPerSecond(perInstance: { keyAnswers: number; validates: number; failed: number }) {
  const some = (rate: number) => 1 - Math.exp(-rate);
  return some(perInstance.keyAnswers) + some(perInstance.validates) + some(perInstance.failed) + 0.06;
}

/** Per webhook delivery (jobs/outbox.ts, jobs/outcomes.ts): the claim a finished send makes at once
 * (it finds the next row or nothing, then the outbox waits for the poll), and the outcome, written
 * in batches (OutcomeWriter gathers what settles within a few ms). Counted in a logged soak at 14
 * deliveries/s over 3 instances: about 0.6 of each per delivery; how sends bunch moves it. */
export const PG_PER_DELIVERY = 0.6 + 0.6;

/** Per instance start (src/db/migrate.ts, the signing keys and bootstrap under their advisory
 * locks): lock and unlock three times, the migrations table, the signing keys, the account. */
export const PG_PER_START = 12;

/** Redis commands per answer, as INFO's total_commands_processed counts them: the commands a Lua
 * script calls count too. The per-IP limiter is EVALSHA + HGETALL + HINCRBY + EXPIRE (4; an HDEL
 * more once a second per subject, left out), the failed-lookup check on key routes EVALSHA +
 * HGETALL (2), the plan limiter on API-key routes 4 (src/lib/rate-limit.ts); then one PUBLISH per
 * cache invalidation and per event (src/events/pubsub.ts). */
const KEY_ROUTE = 4 + 2;
const API_KEY_ROUTE = 4;
export const REDIS_COMMANDS: Record<string, number> = {
  'validate 200': KEY_ROUTE,
  'activate 201': KEY_ROUTE + 2,
  'activate 200': KEY_ROUTE + 1,
  'activate 409': KEY_ROUTE,
  'deactivate 200': KEY_ROUTE + 2,
  'deactivate 404': KEY_ROUTE,
  'heartbeat 200': KEY_ROUTE + 1,
  'heartbeat 404': KEY_ROUTE,
  'heartbeat 409': KEY_ROUTE + 1,
  'update 200': API_KEY_ROUTE + 2,
};

/** Answers that drop the license from every instance's validate cache (commit.ts afterCommit):
 * the writes that commit with `staged.invalidateLicense`. */
const INVALIDATES = ['activate 201', 'deactivate 200', 'heartbeat 200', 'heartbeat 409', 'update 200'];

export interface ModelInput {
  /** Answers in the window, `${op} ${status}` → count. */
  answers: Map<string, number>;
  seconds: number;
  instances: number;
  /** Instance starts inside the window (restarts). */
  starts: number;
  /** Licenses the load spreads over (uniformly) and the validate cache's TTL. */
  licenses: number;
  cacheTtlMs: number;
  deliveries: number;
  validationFailedEvents: number;
  reaped: number;
}

export interface Prediction {
  pgCommits: number;
  /** The same, by source (commits in the window). */
  pgBySource: Map<string, number>;
  /** The share of validations that miss the cache. */
  missShare: number;
  redisCommands: number;
  /** Answers whose cost the tables above do not list (counted at zero). */
  unmodelled: number;
}

/** The share of validations that miss an instance's cache: an entry lives until its TTL or the
 * next write to its license, whichever comes first, and serves the validations of that license
 * on that instance meanwhile (round robin spreads them evenly). */
export function validateMissShare(m: ModelInput): number {
  const validates = m.answers.get('validate 200') ?? 0;
  if (validates === 0) return 0;
  const writes = INVALIDATES.reduce((n, k) => n + (m.answers.get(k) ?? 0), 0) + m.reaped;
  const perLicense = (n: number) => n / m.seconds / m.licenses;
  const r = perLicense(validates) / m.instances; // validations of one license on one instance, /s
  const w = perLicense(writes); // writes to one license, /s
  const ttl = m.cacheTtlMs / 1000;
  const life = w > 0 ? (1 - Math.exp(-w * ttl)) / w : ttl; // expected life of an entry, s
  return 1 / (1 + r * life);
}

/** What the model predicts for these answers over the window. */
export function predict(m: ModelInput): Prediction {
  const by = new Map<string, number>();
  const add = (k: string, n: number) => by.set(k, (by.get(k) ?? 0) + n);
  for (const [k, perSecond] of Object.entries(PG_BACKGROUND)) add(k, perSecond * m.instances * m.seconds);
  const rate = (n: number) => n / m.seconds / m.instances;
  let keyAnswers = 0;
  for (const [k, n] of m.answers) if (!k.startsWith('update ') && k in PG_COMMITS) keyAnswers += n;
  const flush = usageFlushPerSecond({
    keyAnswers: rate(keyAnswers),
    validates: rate(m.answers.get('validate 200') ?? 0),
    failed: rate(m.validationFailedEvents),
  });
  add('usage flush', flush * m.instances * m.seconds);
  add('webhook sends and outcomes', PG_PER_DELIVERY * m.deliveries);
  add('instance starts', PG_PER_START * m.starts);
  const missShare = validateMissShare(m);
  add('validate (cache misses)', PG_PER_VALIDATE_MISS * missShare * (m.answers.get('validate 200') ?? 0));
  // A validation.failed event is one PUBLISH; a reaped lease is an invalidation and an event.
  let redisCommands = m.validationFailedEvents + 2 * m.reaped;
  let unmodelled = 0;
  for (const [k, n] of m.answers) {
    if (!(k in PG_COMMITS)) {
      unmodelled += n;
      continue;
    }
    if (PG_COMMITS[k]! > 0) add(k.split(' ')[0]!, PG_COMMITS[k]! * n);
    redisCommands += (REDIS_COMMANDS[k] ?? 0) * n;
  }
  const pgCommits = [...by.values()].reduce((a, b) => a + b, 0);
  return { pgCommits, pgBySource: by, missShare, redisCommands, unmodelled };
}
