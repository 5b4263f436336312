// Validation: the hot path. A cached or indexed lookup, the pure decision (validation.ts), an offline
// token reused per (license, machine), and nothing written in the request: usage, lastValidatedAt,
// lease renewals and validation.failed events go to the batched recorder. The one exception is
// `consume: N`: one conditional UPDATE (usage-counter.ts), autocommitted, after every other check.
import type { Deps } from '../deps';
import { normalizeLicenseKey } from '../lib/ids';
import type { KeyCaller } from '../lib/principal';
import { guardKeyLookup, inScope, leaseSeconds, offlineToken, recordKeyUsage } from './key-access';
import type { ValidateInput } from './license-keys.schemas';
import type { CacheEntry, CachedLicense } from './license-cache';
import type { OfflineToken } from './offline-token';
import { consumeUses } from './license-usage.service';
import { decideValidation, type Decision } from './validation';

const cacheInclude = {
  customer: { select: { email: true } },
  product: { select: { id: true, offlineGracePeriod: true, leaseDuration: true } },
  activations: { select: { id: true, machineId: true, leaseExpiresAt: true } },
} as const;

/** The validate path's lookup: served from the cache when fresh, otherwise one indexed read. */
async function lookup(deps: Deps, key: string): Promise<CacheEntry | null> {
  const k = normalizeLicenseKey(key);
  const hit = deps.licenseCache.get(k);
  if (hit) return hit;
  const license = await deps.prisma.license.findUnique({ where: { key: k }, include: cacheInclude });
  if (!license) return null;
  return deps.licenseCache.set(license as CachedLicense);
}

export interface ValidationResult extends Decision {
  license: CachedLicense | null;
  validatedAt: Date;
  offline: OfflineToken | null;
}

/** Offline tokens are reused for this long per (license, machine) while the cache entry lives, so
 * the hot path does not sign on every call; any change to the license drops the entry. */
const TOKEN_REUSE_MS = 60_000;

function reusedToken(deps: Deps, entry: CacheEntry, machineId: string | null, now: Date): OfflineToken {
  const slot = machineId ?? '';
  const reuse = entry.tokens.get(slot);
  if (reuse && now.getTime() - reuse.at < TOKEN_REUSE_MS) return reuse.token;
  const token = offlineToken(deps, entry.license, machineId, now);
  entry.tokens.set(slot, { token, at: now.getTime() });
  return token;
}

/** Validates a key. An unknown key is a result (`NOT_FOUND`), not an error, and counts against the
 * caller's IP in the enumeration guard. */
export function validateLicense(
  deps: Deps,
  caller: KeyCaller,
  input: ValidateInput,
): Promise<ValidationResult> {
  return guardKeyLookup(
    deps,
    caller,
    () => validate(deps, caller, input),
    (r) => r.code === 'NOT_FOUND',
  );
}

async function validate(deps: Deps, caller: KeyCaller, req: ValidateInput): Promise<ValidationResult> {
  const now = deps.now();
  const entry = await lookup(deps, req.key);
  const visible = entry && inScope(entry.license, caller.scope) ? entry : null;
  let decision = decideValidation(visible?.facts ?? null, req, now);
  let license = visible?.license ?? null;
  // The usage check comes last, after every other check passed: only a valid license consumes.
  if (visible && decision.valid && req.consume) {
    const counted = await consumeUses(deps, visible, req.consume, now);
    if (counted) license = counted;
    else decision = { valid: false, code: 'USAGE_LIMIT_EXCEEDED' };
  }
  deps.metrics.validated(decision.code);
  let offline: OfflineToken | null = null;
  if (visible && decision.valid) {
    offline = reusedToken(deps, visible, req.machineId ?? null, now);
    if (license!.type === 'floating' && req.machineId) {
      // Validation with machine_id renews a floating seat's lease: in memory now, in the database
      // with the next usage batch (the reaper allows for that delay).
      const until = new Date(now.getTime() + leaseSeconds(license!) * 1000);
      (visible.facts.machines as Map<string, Date | null>).set(req.machineId, until);
      const a = license!.activations.find((x) => x.machineId === req.machineId);
      if (a) deps.usage.renewLease(a.id, until);
    }
  }
  if (license) {
    const machine = req.machineId
      ? license.activations.find((a) => a.machineId === req.machineId)
      : undefined;
    recordKeyUsage(deps, caller, 'validate', license, {
      code: decision.code,
      success: decision.valid,
      activationId: machine?.id,
      machineId: req.machineId,
      at: now,
      consumed: decision.valid ? (req.consume ?? 0) : 0,
    });
    if (!decision.valid) {
      deps.usage.recordEvent({
        type: 'validation.failed',
        tenant: { accountId: license.accountId, environment: license.environment },
        licenseId: license.id,
        productId: license.productId,
        machineId: machine?.id ?? null,
        data: { code: decision.code, deviceId: req.machineId ?? null, domain: req.domain ?? null },
      });
    }
  }
  return { ...decision, license, validatedAt: now, offline };
}
