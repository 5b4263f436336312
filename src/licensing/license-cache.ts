// Validate-path cache: license key → everything the decision needs, so a repeated validation does
// not go to the database. Every write through the services invalidates its entry on this instance
// (so a suspend or revoke is seen by the very next validation); other instances see it within the
// TTL (TO_LICENSE_CACHE_TTL_MS).
import type { Activation, License, Product } from '../../prisma/generated/client/client';
import { TtlCache } from '../lib/ttl-cache';
import type { LicenseFacts } from './validation';

export type CachedLicense = License & {
  customer: { email: string } | null;
  product: Pick<Product, 'id' | 'offlineGracePeriod' | 'leaseDuration'>;
  activations: Pick<Activation, 'id' | 'machineId' | 'leaseExpiresAt'>[];
};

export interface CacheEntry {
  license: CachedLicense;
  facts: LicenseFacts;
  /** Offline tokens issued from this entry, by machine id ('' for none). */
  tokens: Map<string, { token: { token: string; graceUntil: string }; at: number }>;
}

export function toFacts(l: CachedLicense): LicenseFacts {
  return {
    status: l.status,
    type: l.type,
    productId: l.productId,
    expiresAt: l.expiresAt,
    allowedDomains: l.allowedDomains,
    machines: new Map(l.activations.map((a) => [a.machineId, a.leaseExpiresAt])),
  };
}

export interface CacheInvalidation {
  licenseIds?: string[];
  all?: boolean;
}

export class LicenseCache {
  private readonly byKey: TtlCache<string, CacheEntry>;
  private readonly keyById = new Map<string, string>();
  /** Tells the other instances (set by the composition root to publish over pub/sub). */
  broadcast: (msg: CacheInvalidation) => void = () => {};

  constructor(ttlMs: number, max = 50_000) {
    this.byKey = new TtlCache(ttlMs, max);
  }

  /** Applies an invalidation that another instance broadcast. */
  applyRemote(msg: CacheInvalidation): void {
    if (msg.all) this.clearLocal();
    for (const id of msg.licenseIds ?? []) this.invalidateLocal(id);
  }

  get(key: string): CacheEntry | undefined {
    return this.byKey.get(key);
  }

  set(license: CachedLicense): CacheEntry {
    const entry: CacheEntry = { license, facts: toFacts(license), tokens: new Map() };
    this.byKey.set(license.key, entry);
    if (this.keyById.size > 100_000) this.keyById.clear();
    this.keyById.set(license.id, license.key);
    return entry;
  }

  invalidate(licenseId: string): void {
    this.invalidateLocal(licenseId);
    this.broadcast({ licenseIds: [licenseId] });
  }

  clear(): void {
    this.clearLocal();
    this.broadcast({ all: true });
  }

  private invalidateLocal(licenseId: string): void {
    const key = this.keyById.get(licenseId);
    if (key) this.byKey.delete(key);
    this.keyById.delete(licenseId);
  }

  private clearLocal(): void {
    this.byKey.clear();
    this.keyById.clear();
  }
}
