// PostgreSQL for tests that need one of their own: a fresh database on the server that DATABASE_URL
// names (or the local default), skipped when none answers, and a TCP proxy in front of it that the
// test cuts (every socket destroyed, new ones refused) and restores, standing in for a restart.
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket, connect } from 'node:net';
import pg from 'pg';

export const PG_BASE = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Whether a PostgreSQL server answers at PG_BASE (tests skip when none does). */
export async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_BASE, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export interface PgDatabase {
  url: string;
  name: string;
  /** A URL to the same database through another host:port (a proxy). */
  via(port: number): string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createPgDatabase(prefix = 'to_test'): Promise<PgDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_BASE);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    url,
    name,
    via(port) {
      const v = new URL(url);
      v.hostname = '127.0.0.1';
      v.port = String(port);
      return v.toString();
    },
    async query<T>(sql: string, params?: unknown[]) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: PG_BASE });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A TCP proxy on 127.0.0.1 to PostgreSQL that the test cuts and restores. */
export class PgProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(targetUrl = PG_BASE): Promise<PgProxy> {
    const u = new URL(targetUrl);
    const p = new PgProxy({ host: u.hostname, port: Number(u.port || 5432) });
    await p.up();
    return p;
  }

  /** Accepts connections again, on the same port. */
  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Destroys every open connection and refuses new ones (ECONNREFUSED) until up(). */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  get open(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    return this.cut();
  }
}
