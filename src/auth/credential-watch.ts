// Live connections (graphql-ws sockets, subscription streams over WebSocket and SSE) authenticate
// once, when they open; this keeps that authentication true for as long as they live. Each one
// registers the credential it was opened with (API key id, or sign-in session id). When credentials
// change anywhere (the `credentials` pub/sub message that commit() sends on this instance and, over
// Redis, to the others; a CLI `keys:revoke` sends it too), or every `TO_CREDENTIAL_RECHECK_MS` in
// case a message was missed, every watched credential is read again from the database, in two
// queries, and the connections whose credential is gone (revoked key, logged-out or expired session,
// deleted user, suspended account) are told to close.
//
// While a re-check is under way, `alive()` makes a stream hold its next event until the answer is
// known: an event committed after a revoke is never sent to a connection of the revoked credential.
import type { Logger } from 'pino';
import type { Db } from '../db/client';
import type { Principal } from '../lib/principal';

export interface Watched {
  /** `true` while the credential holds; during a re-check, whether it still held afterwards. */
  alive(): boolean | Promise<boolean>;
  /** The connection ended: stop watching it. */
  stop(): void;
}

interface Entry {
  principal: Principal;
  onGone: () => void;
  gone: boolean;
}

const NOT_WATCHED: Watched = { alive: () => true, stop: () => {} };

/** What identifies a principal's credential, or null for one no request can revoke (the server). */
function credentialOf(p: Principal): string | null {
  if (p.kind === 'api_key' && p.apiKeyId) return `k:${p.apiKeyId}`;
  if (p.kind === 'user' && p.sessionId) return `s:${p.sessionId}`;
  return null;
}

/** One query per 5,000 ids (PostgreSQL takes at most 65,535 bind parameters). */
async function inChunks<T>(ids: string[], query: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 5000) out.push(...(await query(ids.slice(i, i + 5000))));
  return out;
}

export class CredentialWatch {
  private readonly byCredential = new Map<string, Set<Entry>>();
  private current: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Counts re-checks asked for: a connection that authenticated before one started re-checks. */
  private epoch = 0;

  constructor(
    private readonly prisma: Db,
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly now: () => Date,
  ) {}

  /** How many connections are watched. */
  get size(): number {
    let n = 0;
    for (const set of this.byCredential.values()) n += set.size;
    return n;
  }

  /** Marks the moment before an authentication; pass it to watch() so that a change made while the
   * credential was being checked is not missed. */
  mark(): number {
    return this.epoch;
  }

  /** Watches `principal`'s credential; `onGone` runs (once) when it no longer holds. */
  watch(principal: Principal, onGone: () => void, since?: number): Watched {
    const credential = credentialOf(principal);
    if (!credential) return NOT_WATCHED;
    const entry: Entry = { principal, onGone, gone: false };
    let set = this.byCredential.get(credential);
    if (!set) this.byCredential.set(credential, (set = new Set()));
    set.add(entry);
    if (since !== undefined && since !== this.epoch) void this.recheck();
    return {
      alive: () => {
        if (entry.gone) return false;
        const pending = this.queued ?? this.current;
        return pending ? pending.then(() => !entry.gone) : true;
      },
      stop: () => {
        set.delete(entry);
        if (set.size === 0 && this.byCredential.get(credential) === set) this.byCredential.delete(credential);
      },
    };
  }

  /** Reads every watched credential again and closes the connections of those that are gone. Calls
   * during a re-check are folded into one more, which starts when it ends (it sees their change). */
  recheck(): Promise<void> {
    this.epoch++;
    if (this.queued) return this.queued;
    if (!this.current) return (this.current = this.run());
    this.queued = this.current.then(() => {
      this.queued = null;
      return (this.current = this.run());
    });
    return this.queued;
  }

  private async run(): Promise<void> {
    try {
      const gone = await this.goneCredentials();
      for (const credential of gone) {
        const set = this.byCredential.get(credential);
        this.byCredential.delete(credential);
        for (const entry of set ?? []) {
          entry.gone = true;
          try {
            entry.onGone();
          } catch {
            // one connection's failure to close must not keep the others open
          }
        }
      }
    } catch (err) {
      // The database is away: connections stay as they are until a re-check succeeds.
      this.logger.warn({ err }, 'credential re-check failed; will retry');
    } finally {
      this.current = null;
    }
  }

  private async goneCredentials(): Promise<string[]> {
    const keyIds: string[] = [];
    const sessionIds: string[] = [];
    for (const credential of this.byCredential.keys()) {
      (credential.startsWith('k:') ? keyIds : sessionIds).push(credential.slice(2));
    }
    if (keyIds.length + sessionIds.length === 0) return [];
    const [keys, sessions] = await Promise.all([
      inChunks(keyIds, (ids) =>
        this.prisma.apiKey.findMany({
          where: { id: { in: ids }, revokedAt: null, account: { status: 'active' } },
          select: { id: true },
        }),
      ),
      inChunks(sessionIds, (ids) =>
        this.prisma.session.findMany({
          where: {
            id: { in: ids },
            revokedAt: null,
            expiresAt: { gt: this.now() },
            user: { account: { status: 'active' } },
          },
          select: { id: true, user: { select: { id: true, accountId: true } } },
        }),
      ),
    ]);
    const validKeys = new Set(keys.map((k) => k.id));
    const validSessions = new Map(sessions.map((x) => [x.id, x.user]));
    // Only what was read is judged: a connection that registered meanwhile waits for the next one.
    const gone = keyIds.filter((id) => !validKeys.has(id)).map((id) => `k:${id}`);
    for (const id of sessionIds) {
      const user = validSessions.get(id);
      // A session stays its user's, in that user's account (as authenticateSession checks).
      const entries = this.byCredential.get(`s:${id}`) ?? [];
      const mismatch = [...entries].some(
        (e) => e.principal.userId !== user?.id || e.principal.accountId !== user?.accountId,
      );
      if (!user || mismatch) gone.push(`s:${id}`);
    }
    return gone;
  }
}
