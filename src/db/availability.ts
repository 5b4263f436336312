// A database that cannot be reached (PostgreSQL restarting, a network cut) is an outage the process
// rides out, not a bug: requests meet 503 SERVICE_UNAVAILABLE with Retry-After (never a 500),
// /api/v1/ready lists `database` under `degraded`, background jobs keep ticking without a log line
// per tick, and the first query that works again ends it. One line is logged when an outage
// starts and one when it ends, however many requests and job runs met it.
import type { Logger } from 'pino';
import { AppError } from '../lib/errors';
import type { SqlRunner } from './sql';

/** Seconds a client is told to wait (Retry-After) while the database is away. */
export const RETRY_AFTER_S = 5;

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server going away: 08xxx connection exceptions, 57P01–57P03 (admin / crash
 * shutdown, cannot connect now). */
const unavailableState = (s: string) => /^08/.test(s) || s === '57P01' || s === '57P02' || s === '57P03';

/** Messages of node-postgres and Prisma's adapter for a connection that is gone or never came. */
const GONE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|terminating connection|the database system is (starting up|shutting down|in recovery)|Can't reach database server|Server has closed the connection|Cannot use a pool after calling end/i;

interface Chain {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown[];
}

/** True when `err` says the database could not be reached, from either driver or Prisma, looking
 * through wrapped causes. A query the database refused (a constraint, a syntax error) is not one. */
export function isUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 6) return false;
  const e = err as Chain;
  // Already translated (commit() turns an unreachable database into this 503, src/db/errors.ts).
  if (err instanceof AppError && err.code === 'SERVICE_UNAVAILABLE') return true;
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (NET_CODES.has(code) || code === 'P1001' || code === 'P1017' || code === 'P2024') return true;
    if (/^[0-9A-Z]{5}$/.test(code) && unavailableState(code)) return true;
  }
  if (e.kind === 'DatabaseNotReachable' || e.kind === 'ConnectionClosed' || e.kind === 'SocketTimeout')
    return true;
  for (const m of [e.message, e.originalMessage]) if (typeof m === 'string' && GONE.test(m)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isUnavailable(x, depth + 1))) return true;
  return isUnavailable(e.cause, depth + 1) || isUnavailable(e.meta?.driverAdapterError, depth + 1);
}

export function unavailableError(): AppError {
  const err = new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
    retryAfter: RETRY_AFTER_S,
  });
  err.headers = { 'Retry-After': String(RETRY_AFTER_S) };
  return err;
}

/** The process's view of its database: up, or in an outage since some time. */
export class DbHealth {
  private downSince: number | null = null;
  private probing: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    private readonly sql: Pick<SqlRunner, 'query' | 'kind'>,
    private readonly logger: Logger,
    private readonly probeMs = 1000,
  ) {}

  get down(): boolean {
    return this.downSince !== null;
  }

  /** Notes `err`: when it is an unreachable database, starts (or continues) the outage and returns
   * true, so the caller skips its own log line; false for any other error. */
  report(err: unknown): boolean {
    if (!isUnavailable(err)) return false;
    this.failures++;
    if (this.downSince === null) {
      this.downSince = Date.now();
      const e = err as { code?: string; message?: string };
      this.logger.error(
        { code: e.code },
        `${this.sql.kind === 'postgres' ? 'PostgreSQL' : 'The database'} is unreachable (${e.code ?? e.message?.split('\n')[0] ?? 'connection lost'}): requests get 503 with Retry-After, background jobs retry quietly; checking every ${this.probeMs} ms`,
      );
      this.probing = setInterval(() => void this.probe(), this.probeMs);
      this.probing.unref();
    }
    return true;
  }

  /** One `SELECT 1`: ends the outage when it works. Returns whether the database answered. */
  async probe(): Promise<boolean> {
    try {
      await this.sql.query('SELECT 1');
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      this.report(err);
      return false;
    }
    if (this.downSince !== null) {
      this.logger.info(
        { downMs: Date.now() - this.downSince, failures: this.failures },
        `${this.sql.kind === 'postgres' ? 'PostgreSQL' : 'The database'} is reachable again after ${Date.now() - this.downSince} ms (${this.failures} failed operations meanwhile)`,
      );
      this.downSince = null;
      this.failures = 0;
      if (this.probing) clearInterval(this.probing);
      this.probing = null;
    }
    return true;
  }

  close(): void {
    if (this.probing) clearInterval(this.probing);
    this.probing = null;
  }
}
