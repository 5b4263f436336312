// Rate limits: per API key by the account's plan, per client IP on public calls, and much tighter
// counters for failures (unknown license keys per IP) and sign-in attempts (per email, per IP).
//
// The algorithm is a sliding window over 1-second buckets: a subject's count is the sum of its
// buckets for the current second and the 60 before it, and a request is let through only if that
// sum stays within the limit. Any 60-second span lies within 61 consecutive buckets, so no subject
// ever exceeds its limit in any 60-second span; the price is that a request is forgotten 60–61 s
// after it was made instead of exactly 60 s (the error: at most 1 s, on the strict side). Refused
// requests are not counted. In memory on one instance; with REDIS_URL the buckets live in a Redis
// hash per subject, read and updated by one Lua script (atomic across instances), and an in-memory
// limiter takes over while Redis is unreachable.
import type { Redis } from 'ioredis';
import type { Plan } from '../config';
import { AppError } from './errors';

export const PLAN_LIMITS: Record<Plan, number> = {
  builder: 10,
  starter: 100,
  professional: 1_000,
  business: 10_000,
  enterprise: 50_000,
};

export interface RateLimitOptions {
  enabled: boolean;
  /** A connection from the instance's RedisLink (which closes it), or null: in memory only. */
  redis?: Redis | null;
  prefix: string;
  ipPerMinute: number;
  failedLookupsPerMinute: number;
  /** Called for every refusal, with the limiter's name (the metric). */
  onRefused?: (limiter: string) => void;
  /** Milliseconds since the epoch (tests inject a clock). */
  clock?: () => number;
}

export interface LimitState {
  limit: number;
  remaining: number;
  /** Unix seconds when the oldest counted request leaves the window (a point comes back); when
   * refused, when the request would fit (now + retryAfter). */
  reset: number;
  /** Seconds to wait, when rejected. */
  retryAfter?: number;
  allowed: boolean;
}

/** The documented window, and the buckets counted for it (the current second and the 60 before). */
export const WINDOW_SECONDS = 60;
const SPAN = WINDOW_SECONDS + 1;

/** 429 RATE_LIMITED with the seed's body `{error, code, retryAfter}` and its headers. */
export class RateLimitedError extends AppError {
  constructor(
    readonly state: LimitState,
    /** Which limiter refused (the metric's label). */
    readonly limiter: string,
  ) {
    super('RATE_LIMITED', 'Rate limit exceeded', { retryAfter: state.retryAfter ?? 1 });
    this.headers = rateLimitHeaders(state);
  }

  /** Exactly the seed's 429 body. */
  override body(): Record<string, unknown> {
    return { error: this.message, code: this.code, retryAfter: this.state.retryAfter ?? 1 };
  }
}

/** One counted point, to give back (a sign-in that turned out right). */
export interface Taken {
  state: LimitState;
  /** Where the point was counted; absent when it was refused (nothing to give back). */
  ticket?: { key: string; bucket: number; store: 'memory' | 'redis' };
}

/** [second, count] pairs, oldest first. */
type Buckets = [number, number][];

const sum = (b: Buckets) => b.reduce((n, [, c]) => n + c, 0);

/** The state after a hit, from the buckets counted (pure; shared by both stores). `count` is their
 * sum, when the caller keeps it. */
export function windowState(
  limit: number,
  buckets: Buckets,
  nowSec: number,
  allowed: boolean,
  count = sum(buckets),
): LimitState {
  const oldest = buckets[0]?.[0];
  if (allowed) {
    return { limit, remaining: Math.max(0, limit - count), reset: (oldest ?? nowSec) + SPAN, allowed };
  }
  // Refused: the earliest second at which enough old points have left for one more to fit.
  let need = count + 1 - limit;
  let at = nowSec + 1;
  for (const [sec, c] of buckets) {
    need -= c;
    at = sec + SPAN;
    if (need <= 0) break;
  }
  const retryAfter = Math.max(1, at - nowSec);
  return { limit, remaining: 0, reset: nowSec + retryAfter, retryAfter, allowed };
}

/** One subject's window in memory: its non-empty buckets within the span, oldest first, and their
 * sum, kept as buckets come and go so that a hit costs the same however busy the subject is. */
interface Window {
  buckets: Buckets;
  total: number;
}

/** The in-memory store, per key. */
class MemoryWindows {
  private readonly keys = new Map<string, Window>();
  private lastSweep = 0;

  hit(key: string, limit: number, nowSec: number, take: boolean): Counted {
    this.sweep(nowSec);
    let w = this.keys.get(key);
    if (w) {
      const { buckets } = w;
      let old = 0;
      while (old < buckets.length && buckets[old]![0] <= nowSec - SPAN) w.total -= buckets[old++]![1];
      if (old > 0) buckets.splice(0, old);
    }
    const count = w?.total ?? 0;
    const allowed = take && count + 1 <= limit;
    if (allowed) {
      if (!w) this.keys.set(key, (w = { buckets: [], total: 0 }));
      const last = w.buckets[w.buckets.length - 1];
      if (last && last[0] === nowSec) last[1]++;
      else w.buckets.push([nowSec, 1]);
      w.total++;
    } else if (w && w.buckets.length === 0) this.keys.delete(key);
    // The caller only reads the buckets (windowState), so they are handed out as they are.
    return { allowed, buckets: w?.buckets ?? [], count: w?.total ?? 0 };
  }

  refund(key: string, bucket: number) {
    const w = this.keys.get(key);
    const b = w?.buckets.find(([s]) => s === bucket);
    if (w && b && b[1] > 0) {
      b[1]--;
      w.total--;
    }
  }

  /** Forgets idle keys, at most once a window. */
  private sweep(nowSec: number) {
    if (nowSec - this.lastSweep < WINDOW_SECONDS) return;
    this.lastSweep = nowSec;
    for (const [k, w] of this.keys)
      if (!w.buckets.some(([s, c]) => c > 0 && s > nowSec - SPAN)) this.keys.delete(k);
  }
}

/** What a store says of one hit: whether it was counted, the buckets, and their sum. */
interface Counted {
  allowed: boolean;
  buckets: Buckets;
  count: number;
}

// KEYS[1]: the subject's hash (field: unix second, value: count). ARGV: now, span, limit, take (1|0).
// Drops buckets older than the span, counts the rest, adds one if it fits, and returns
// {allowed, [second, count, second, count, …] oldest first}.
const HIT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local take = tonumber(ARGV[4])
local h = redis.call('HGETALL', key)
local secs, counts, stale, total = {}, {}, {}, 0
for i = 1, #h, 2 do
  local s, c = tonumber(h[i]), tonumber(h[i + 1])
  if s <= now - span then
    stale[#stale + 1] = h[i]
  elseif c > 0 then
    secs[#secs + 1] = s
    counts[s] = c
    total = total + c
  end
end
if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
local allowed = 0
if take == 1 and total + 1 <= limit then
  redis.call('HINCRBY', key, now, 1)
  redis.call('EXPIRE', key, span + 1)
  allowed = 1
  if counts[now] == nil then
    secs[#secs + 1] = now
    counts[now] = 0
  end
  counts[now] = counts[now] + 1
end
table.sort(secs)
local flat = {}
for _, s in ipairs(secs) do
  flat[#flat + 1] = s
  flat[#flat + 1] = counts[s]
end
return {allowed, flat}
`;

const REFUND = `
local c = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if c > 1 then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) elseif c == 1 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return c
`;

type Scripted = Redis & {
  toWindowHit(
    key: string,
    now: number,
    span: number,
    limit: number,
    take: number,
  ): Promise<[number, number[]]>;
  toWindowRefund(key: string, bucket: number): Promise<number>;
};

export class RateLimits {
  private readonly memory = new MemoryWindows();
  private readonly redis: Scripted | null;
  /** Milliseconds since the epoch; tests replace it to cross a window boundary without waiting. */
  clock: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.clock = opts.clock ?? Date.now;
    // The in-memory store takes over while Redis is away (its commands fail fast).
    const redis = opts.enabled ? (opts.redis ?? null) : null;
    if (redis) {
      redis.defineCommand('toWindowHit', { numberOfKeys: 1, lua: HIT });
      redis.defineCommand('toWindowRefund', { numberOfKeys: 1, lua: REFUND });
    }
    this.redis = redis as Scripted | null;
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  get backend(): 'memory' | 'redis' {
    return this.redis ? 'redis' : 'memory';
  }

  /** The 429 for a refused request; every refusal goes through here, so it is counted once. */
  refuse(s: LimitState, limiter: 'plan' | 'ip' | 'lookup' | 'login'): RateLimitedError {
    this.opts.onRefused?.(limiter);
    return new RateLimitedError(s, limiter);
  }

  /** Counts one request for `subject` against `limit` if it fits (`take`), or only looks. In
   * memory the answer is synchronous (no promise on the validate path); with Redis it is a promise. */
  private hit(name: string, limit: number, subject: string, take: boolean): Taken | Promise<Taken> {
    const key = `${this.opts.prefix}:${name}:${limit}:${subject}`;
    const nowSec = Math.floor(this.clock() / 1000);
    if (this.redis && this.redis.status === 'ready')
      return this.hitRedis(this.redis, key, limit, nowSec, take);
    return taken(this.memory.hit(key, limit, nowSec, take), key, limit, nowSec, take, 'memory');
  }

  private async hitRedis(redis: Scripted, key: string, limit: number, nowSec: number, take: boolean) {
    try {
      const [allowed, flat] = await redis.toWindowHit(key, nowSec, SPAN, limit, take ? 1 : 0);
      const buckets: Buckets = [];
      for (let i = 0; i < flat.length; i += 2) buckets.push([Number(flat[i]), Number(flat[i + 1])]);
      const counted = { allowed: allowed === 1, buckets, count: sum(buckets) };
      return taken(counted, key, limit, nowSec, take, 'redis');
    } catch {
      // Redis failed under us: the in-memory store answers (RedisLink logs the outage once).
      return taken(this.memory.hit(key, limit, nowSec, take), key, limit, nowSec, take, 'memory');
    }
  }

  /** Takes one point for `subject` if it fits in `limit` per window; `state.allowed` says whether. */
  take(name: string, limit: number, subject: string): Promise<Taken> {
    if (!this.opts.enabled)
      return Promise.resolve({ state: { limit, remaining: limit, reset: 0, allowed: true } });
    return Promise.resolve(this.hit(name, limit, subject, true));
  }

  /** Gives back a point taken by `take` (the attempt turned out not to count). */
  async refund(taken: Taken): Promise<void> {
    const t = taken.ticket;
    if (!t) return;
    if (t.store === 'memory') return this.memory.refund(t.key, t.bucket);
    await this.redis?.toWindowRefund(t.key, t.bucket).catch(() => {});
  }

  forPlan(plan: Plan, subject: string): LimitState | Promise<LimitState> {
    return stateOf(this.hit('plan', PLAN_LIMITS[plan], subject, true));
  }

  forIp(ip: string): LimitState | Promise<LimitState> {
    return stateOf(this.hit('ip', this.opts.ipPerMinute, ip, true));
  }

  /** A failure counter (unknown-key lookups): is `key` at `points` already? Doesn't count. */
  blocked(name: string, points: number, key: string): LimitState | null | Promise<LimitState | null> {
    if (!this.opts.enabled) return null;
    const t = this.hit(name, points, key, false);
    return t instanceof Promise ? t.then(refusedState) : refusedState(t);
  }

  /** Counts one failure for `key`. */
  async fail(name: string, points: number, key: string): Promise<void> {
    if (!this.opts.enabled) return;
    await this.hit(name, points, key, true);
  }

  /** Failed lookups of unknown license keys, per IP. */
  lookupsBlocked(ip: string) {
    return this.blocked('miss', this.opts.failedLookupsPerMinute, ip);
  }

  failedLookup(ip: string) {
    return this.fail('miss', this.opts.failedLookupsPerMinute, ip);
  }

  async close(): Promise<void> {
    // The Redis connection belongs to the RedisLink, which closes it.
  }
}

/** A store's count as the caller's Taken (the ticket only for a point that was taken). */
function taken(
  counted: Counted,
  key: string,
  limit: number,
  nowSec: number,
  take: boolean,
  store: 'memory' | 'redis',
): Taken {
  const { allowed, buckets, count } = counted;
  if (!take) return { state: windowState(limit, buckets, nowSec, count < limit, count) };
  const state = windowState(limit, buckets, nowSec, allowed, count);
  return allowed ? { state, ticket: { key, bucket: nowSec, store } } : { state };
}

const stateOf = (t: Taken | Promise<Taken>) => (t instanceof Promise ? t.then((x) => x.state) : t.state);
const refusedState = (t: Taken) => (t.state.allowed ? null : t.state);

export function rateLimitHeaders(s: LimitState): Record<string, string> {
  const h: Record<string, string> = {
    'X-RateLimit-Limit': String(s.limit),
    'X-RateLimit-Remaining': String(s.remaining),
    'X-RateLimit-Reset': String(s.reset),
  };
  if (!s.allowed) h['Retry-After'] = String(s.retryAfter ?? 1);
  return h;
}
