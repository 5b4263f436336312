// Ed25519 keys for offline tokens. Created on first start, private half sealed at rest, public
// halves served as a JWKS. Rotation makes a new key active and keeps the old public key in the
// JWKS until every token it could have signed has expired.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Prisma, SigningKey } from '../../prisma/generated/client/client';
import type { Db } from '../db/client';
import type { AuditSource } from '../audit/audit.service';
import { commit } from '../db/commit';
import type { SqlRunner } from '../db/sql';
import type { Deps } from '../deps';
import { newId } from '../lib/ids';
import type { SecretBox } from '../lib/secret-box';

export interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

const LOCK_ID = 727_274_003;

function newKeyRow(box: SecretBox) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kid = newId('kid');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return {
    id: kid,
    algorithm: 'EdDSA',
    publicJwk: {
      kty: jwk.kty,
      crv: jwk.crv,
      x: jwk.x,
      kid,
      alg: 'EdDSA',
      use: 'sig',
    } as Prisma.InputJsonValue,
    privateKeyEncrypted: box.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string),
    active: true,
  };
}

export class SigningKeys {
  private active: ActiveKey | null = null;
  private jwks: { keys: Jwk[] } = { keys: [] };
  private loadedAt = 0;

  constructor(
    private readonly prisma: Db,
    private readonly sql: SqlRunner,
    private readonly box: SecretBox,
    /** How often another instance's rotation is picked up. */
    private readonly refreshMs = 60_000,
  ) {}

  /** Ensures one active key exists (once across instances) and loads the key set. */
  async init(): Promise<void> {
    await this.sql.withAdvisoryLock(LOCK_ID, async () => {
      const count = await this.prisma.signingKey.count({ where: { active: true } });
      if (count === 0) await this.prisma.signingKey.create({ data: newKeyRow(this.box) });
    });
    await this.reload();
  }

  async reload(now = new Date()): Promise<void> {
    const rows = await this.prisma.signingKey.findMany({
      where: { OR: [{ active: true }, { keepUntil: { gt: now } }] },
      orderBy: { createdAt: 'desc' },
    });
    const active = rows.find((r) => r.active);
    if (!active) throw new Error('no active signing key');
    this.active = { kid: active.id, privateKey: createPrivateKey(this.box.open(active.privateKeyEncrypted)) };
    this.jwks = { keys: rows.map((r) => r.publicJwk as unknown as Jwk) };
    this.loadedAt = Date.now();
  }

  private maybeRefresh() {
    if (Date.now() - this.loadedAt > this.refreshMs) {
      this.loadedAt = Date.now();
      void this.reload().catch(() => {});
    }
  }

  current(): ActiveKey {
    this.maybeRefresh();
    if (!this.active) throw new Error('signing keys not initialised');
    return this.active;
  }

  publicJwks(): { keys: Jwk[] } {
    this.maybeRefresh();
    return this.jwks;
  }

  /** Makes a new key active, inside `tx` (rotateSigningKey does it through commit and reloads). The
   * old one stays published until `keepUntil`: now plus the longest offline grace period configured
   * anywhere, since no token it signed can outlive that. */
  async rotate(tx: Prisma.TransactionClient, now = new Date()): Promise<{ kid: string; retired: string[] }> {
    const [p, l] = await Promise.all([
      tx.product.aggregate({ _max: { offlineGracePeriod: true } }),
      tx.license.aggregate({ _max: { offlineGracePeriod: true } }),
    ]);
    const maxGrace = Math.max(p._max.offlineGracePeriod ?? 604_800, l._max.offlineGracePeriod ?? 0, 604_800);
    const keepUntil = new Date(now.getTime() + maxGrace * 1000);
    const row = newKeyRow(this.box);
    const retired: SigningKey[] = await tx.signingKey.findMany({ where: { active: true } });
    await tx.signingKey.updateMany({
      where: { active: true },
      data: { active: false, retiredAt: now, keepUntil },
    });
    await tx.signingKey.create({ data: row });
    return { kid: row.id, retired: retired.map((r) => r.id) };
  }
}

/** Rotates the offline-token signing key. Cached validations hold tokens signed with the old key,
 * so every cached license is dropped, here and on the other instances. */
export async function rotateSigningKey(
  deps: Deps,
  source?: AuditSource,
): Promise<{ kid: string; retired: string[] }> {
  const now = deps.now();
  const r = await commit(deps, async (tx, staged) => {
    staged.invalidateAllLicenses();
    const rotated = await deps.signingKeys.rotate(tx, now);
    // A deployment-wide key: the entry goes in the log of whoever rotated it (the operator).
    if (source) {
      staged.audit(source, 'signing_key.rotated', {
        id: rotated.kid,
        changes: { active: [rotated.retired, rotated.kid] },
      });
    }
    return rotated;
  });
  await deps.signingKeys.reload(now);
  return r;
}
