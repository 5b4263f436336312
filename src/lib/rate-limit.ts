// Rate limits (rate-limiter-flexible): per API key by the account's plan, per client IP on public
// calls, and much tighter per-key failure counters (unknown license keys per IP, failed logins).
// In memory on one instance; with REDIS_URL in Redis with an in-memory insurance limiter, so the
// count is shared across instances and survives a Redis outage.
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
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
  redisUrl?: string;
  prefix: string;
  ipPerMinute: number;
  failedLookupsPerMinute: number;
  /** Called for every refusal, with the limiter's name (the metric). */
  onRefused?: (limiter: string) => void;
}

export interface LimitState {
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  reset: number;
  /** Seconds to wait, when rejected. */
  retryAfter?: number;
  allowed: boolean;
}

const WINDOW = 60;

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

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly redis: Redis | null;

  constructor(private readonly opts: RateLimitOptions) {
    this.redis =
      opts.enabled && opts.redisUrl
        ? new Redis(opts.redisUrl, { enableOfflineQueue: false, lazyConnect: true })
        : null;
    this.redis?.on('error', () => {}); // the insurance limiter takes over while Redis is away
    this.redis?.connect().catch(() => {});
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** The 429 for a refused request; every refusal goes through here, so it is counted once. */
  refuse(s: LimitState, limiter: 'plan' | 'ip' | 'lookup' | 'login'): RateLimitedError {
    this.opts.onRefused?.(limiter);
    return new RateLimitedError(s, limiter);
  }

  get backend(): 'memory' | 'redis' {
    return this.redis ? 'redis' : 'memory';
  }

  private limiter(name: string, points: number): RateLimiterAbstract {
    const id = `${name}:${points}`;
    let l = this.limiters.get(id);
    if (!l) {
      const keyPrefix = `${this.opts.prefix}:${id}`;
      const memory = new RateLimiterMemory({ points, duration: WINDOW, keyPrefix });
      l = this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            points,
            duration: WINDOW,
            keyPrefix,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(id, l);
    }
    return l;
  }

  private async consume(l: RateLimiterAbstract, key: string, points: number): Promise<LimitState> {
    const now = Date.now();
    try {
      const r = await l.consume(key, 1);
      return state(points, r, now, true);
    } catch (err) {
      if (err instanceof RateLimiterRes) return state(points, err, now, false);
      throw err;
    }
  }

  forPlan(plan: Plan, subject: string): Promise<LimitState> {
    const points = PLAN_LIMITS[plan];
    return this.consume(this.limiter(`plan`, points), subject, points);
  }

  forIp(ip: string): Promise<LimitState> {
    return this.consume(this.limiter('ip', this.opts.ipPerMinute), ip, this.opts.ipPerMinute);
  }

  /** A failure counter (unknown-key lookups, bad logins): is `key` over `points` already? Doesn't count. */
  async blocked(name: string, points: number, key: string): Promise<LimitState | null> {
    if (!this.opts.enabled) return null;
    const r = await this.limiter(name, points).get(key);
    if (r && r.remainingPoints <= 0) return state(points, r, Date.now(), false);
    return null;
  }

  /** Counts one failure for `key`. */
  async fail(name: string, points: number, key: string): Promise<void> {
    if (!this.opts.enabled) return;
    await this.consume(this.limiter(name, points), key, points);
  }

  /** Failed lookups of unknown license keys, per IP. */
  lookupsBlocked(ip: string) {
    return this.blocked('miss', this.opts.failedLookupsPerMinute, ip);
  }

  failedLookup(ip: string) {
    return this.fail('miss', this.opts.failedLookupsPerMinute, ip);
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

function state(limit: number, r: RateLimiterRes, now: number, allowed: boolean): LimitState {
  const reset = Math.ceil((now + r.msBeforeNext) / 1000);
  return {
    limit,
    remaining: Math.max(0, r.remainingPoints),
    reset,
    allowed,
    ...(allowed ? {} : { retryAfter: Math.max(1, Math.ceil(r.msBeforeNext / 1000)) }),
  };
}

export function rateLimitHeaders(s: LimitState): Record<string, string> {
  const h: Record<string, string> = {
    'X-RateLimit-Limit': String(s.limit),
    'X-RateLimit-Remaining': String(s.remaining),
    'X-RateLimit-Reset': String(s.reset),
  };
  if (!s.allowed) h['Retry-After'] = String(s.retryAfter ?? 1);
  return h;
}
