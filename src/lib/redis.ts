// Redis is a dependency the server survives. Every Redis connection of an instance (pub/sub,
// rate limits) comes from one RedisLink, which keeps reconnecting forever with a capped backoff and
// says so once: one warning line when Redis becomes unreachable (at start or later), one info line
// when it is back. Meanwhile the callers fall back (local pub/sub, in-memory limits), and /ready
// reports `degraded: ["redis"]`.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Reconnect delays: 100 ms, 200 ms, … capped at 2 s, forever. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2_000);

export class RedisLink {
  private readonly clients: Redis[] = [];
  private down = false;
  private readonly backListeners = new Set<() => void>();

  constructor(
    readonly url: string,
    private readonly logger?: Pick<Logger, 'warn' | 'info'>,
  ) {}

  /** The URL without its password, for logs. */
  get safeUrl(): string {
    try {
      const u = new URL(this.url);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return 'redis';
    }
  }

  /** A new connection. Commands fail fast while Redis is away (no offline queue, 1 s timeout) unless
   * `opts` says otherwise; callers catch and fall back. */
  client(opts: RedisOptions = {}): Redis {
    const c = new Redis(this.url, {
      retryStrategy,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      ...opts,
    });
    c.on('error', (err: Error & { code?: string }) => this.failed(err));
    c.on('ready', () => this.recovered());
    c.on('close', () => {
      if (!this.closing) this.failed(null);
    });
    this.clients.push(c);
    return c;
  }

  private closing = false;

  /** Some connection is not ready (connecting, reconnecting or closed). */
  get degraded(): boolean {
    return this.clients.some((c) => c.status !== 'ready');
  }

  /** Runs `fn` every time Redis comes back after an outage (to resubscribe, or drop what may have
   * been missed meanwhile). */
  onBack(fn: () => void): () => void {
    this.backListeners.add(fn);
    return () => this.backListeners.delete(fn);
  }

  private failed(err: (Error & { code?: string }) | null) {
    if (this.down || this.closing) return;
    this.down = true;
    const why = err ? (err.code ?? err.message) : 'connection closed';
    this.logger?.warn(
      { redis: this.safeUrl, reason: why },
      `Redis at ${this.safeUrl} is unreachable (${why}); retrying every 2 s. Meanwhile rate limits are kept in memory and pub/sub is local to this instance`,
    );
  }

  private recovered() {
    if (!this.down || this.degraded) return;
    this.down = false;
    this.logger?.info({ redis: this.safeUrl }, `Redis at ${this.safeUrl} is reachable again`);
    for (const fn of this.backListeners) {
      try {
        fn();
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.clients.map((c) =>
        c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : Promise.resolve(c.disconnect()),
      ),
    );
  }
}
