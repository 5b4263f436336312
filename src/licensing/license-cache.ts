// Validate-path cache: license key → everything the decision needs, so a repeated validation does
// not go to the database. Every write through the services invalidates its entry on this instance
// (so a suspend or revoke is seen by the very next validation) and, over pub/sub, on the others;
// TO_LICENSE_CACHE_TTL_MS bounds how stale an entry can be if a message is lost.
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
    entitlements: new Set(l.entitlementCodes.map((c) => c.toLowerCase())),
    machines: new Map(l.activations.map((a) => [a.machineId, a.leaseExpiresAt])),
  };
}

/** The cache of this instance. Writes invalidate it through the after-commit step
 * (src/db/commit.ts), which also tells the other instances over pub/sub. */
export class LicenseCache {
  private readonly byKey: TtlCache<string, CacheEntry>;
  private readonly keyById = new Map<string, string>();
  /** Licenses whose refused consume already recorded license.usage.limit_reached here. */
  private readonly refusals: TtlCache<string, true>;

  constructor(ttlMs: number, max = 50_000) {
    this.byKey = new TtlCache(ttlMs, max);
    this.refusals = new TtlCache(Math.max(ttlMs, 60_000), 10_000);
  }

  /** True the first time a consume of this license is refused (until a write to it, or a minute):
   * a client retrying against its limit records license.usage.limit_reached once, not per call. */
  firstRefusal(licenseId: string): boolean {
    if (this.refusals.get(licenseId)) return false;
    this.refusals.set(licenseId, true);
    return true;
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

  invalidate(licenseIds: Iterable<string>): void {
    for (const id of licenseIds) {
      const key = this.keyById.get(id);
      if (key) this.byKey.delete(key);
      this.keyById.delete(id);
      this.refusals.delete(id);
    }
  }

  clear(): void {
    this.byKey.clear();
    this.keyById.clear();
    this.refusals.clear();
  }
}
