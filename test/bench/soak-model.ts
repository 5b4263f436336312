// The capacity model of the README's "Capacity" section, as code: what one answer of each kind
// costs in PostgreSQL transactions and Redis commands, read from the services (the comments say
// where), plus what every instance does in the background. The soak predicts its own counters from
// the answers it got and prints them beside what PostgreSQL and Redis counted.

/** PostgreSQL commits (pg_stat_database.xact_commit) per answer, by `${op} ${status}`. A refusal
 * thrown inside commit() rolls back and commits nothing. */
export const PG_COMMITS: Record<string, number> = {
  // validate.service: a cache miss reads the license (one autocommit SELECT); at the soak's scale
  // (1,000 licenses, 3 instances, 5 s TTL, invalidated by every write) nearly every validate misses.
  'validate 200': 1,
  // activations.service activateOnce: the commit, then findUniqueOrThrow of the license.
  'activate 201': 2,
  'activate 200': 2,
  'activate 409': 0,
  // deactivateLicense: one commit; an unknown device rolls back.
  'deactivate 200': 1,
  'deactivate 404': 0,
  // leases.service renew: license and activation reads, then the conditional commit.
  'heartbeat 200': 3,
  'heartbeat 404': 2,
  'heartbeat 409': 3,
  // licenses.service update: the commit and the reads around it.
  'update 200': 3,
};

/** Per instance per second, whatever the load: the usage flush (insert, lastValidatedAt, leases,
 * events: about 3 when busy), the webhook dispatcher's claim (every 250 ms) and the reaper (2 s). */
export const PG_BACKGROUND_PER_INSTANCE = 3 + 4 + 0.5;
/** Per webhook delivery: its outcome written by the dispatcher. */
export const PG_PER_DELIVERY = 1;

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

export interface Prediction {
  pgCommits: number;
  redisCommands: number;
  /** Answers whose cost the tables above do not list (counted at zero). */
  unmodelled: number;
}

/** What the model predicts for these answers (op status → count), over `seconds` and `instances`. */
export function predict(
  answers: Map<string, number>,
  seconds: number,
  instances: number,
  extra: { deliveries: number; validationFailedEvents: number; reaped: number },
): Prediction {
  let pgCommits = PG_BACKGROUND_PER_INSTANCE * instances * seconds + PG_PER_DELIVERY * extra.deliveries;
  // A validation.failed event is one PUBLISH; a reaped lease is an invalidation and an event.
  let redisCommands = extra.validationFailedEvents + 2 * extra.reaped;
  let unmodelled = 0;
  for (const [k, n] of answers) {
    if (!(k in PG_COMMITS)) {
      unmodelled += n;
      continue;
    }
    pgCommits += PG_COMMITS[k]! * n;
    redisCommands += (REDIS_COMMANDS[k] ?? 0) * n;
  }
  return { pgCommits, redisCommands, unmodelled };
}
