// The Traffic Orchestrator client: the public license routes, offline verification of the signed
// tokens against a cached JWKS, and a heartbeat loop for floating seats. Platform-neutral: the Node
// and browser entries (index.ts, browser.ts) each add their device fingerprint and default storage.
// It depends on `jose` only, never on the server's code.
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import { TrafficOrchestratorError } from './errors.js';
import { heartbeatLoop, type HeartbeatHandle, type StartHeartbeatOptions, type Timers } from './heartbeat.js';
import {
  hasEntitlement,
  isJwks,
  isObject,
  isOfflineToken,
  normalizeKey,
  type VerifyOfflineOptions,
  verifyOfflineToken,
} from './offline.js';
import { sha256Hex } from './sha256.js';
import { MemoryStorage, type SdkStorage } from './storage.js';
import { failure, send, success } from './transport.js';

export type { HeartbeatHandle, StartHeartbeatOptions, Timers };
import type {
  ActivateInput,
  ActivateResult,
  DeactivateInput,
  DeactivateResult,
  HeartbeatInput,
  HeartbeatResult,
  JsonWebKeySet,
  OfflineClaims,
  OfflineToken,
  ValidateInput,
  ValidateResult,
} from './types.js';

const JWKS_PATH = '/api/v1/.well-known/jwks.json';
const JWKS_STORAGE_NAME = 'jwks';
/** Validation codes after which the cached offline token of the license is dropped. */
const LICENSE_GONE = new Set<string>(['NOT_FOUND', 'REVOKED', 'SUSPENDED', 'EXPIRED']);

export interface TrafficOrchestratorOptions {
  /** The server's root URL, e.g. `https://licenses.example.com` (a trailing `/api/v1` is accepted). */
  baseUrl: string;
  /** Optional `to_live_…`/`to_test_…` key: restricts the public routes to that account and environment. */
  apiKey?: string;
  /** Default product for `validate` and `verifyOffline`. */
  productId?: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout; a request that takes longer fails with a NetworkError (`TIMEOUT`). */
  timeoutMs?: number;
  /** Node: keeps the JWKS and offline tokens in files here, so a later process can verify offline.
   * (In a browser pass `storage: new WebStorage()` instead.) */
  cacheDir?: string;
  /** Custom storage for the JWKS and offline tokens (takes precedence over `cacheDir`). */
  storage?: SdkStorage;
  /** The time used for offline verification and lease arithmetic. Tests inject one. */
  clock?: () => Date;
  /** Timer functions for `startHeartbeat` (tests inject counting ones). */
  timers?: Timers;
  /** Called when writing to the cache fails; the online call itself still succeeds. */
  onCacheError?: (err: unknown) => void;
}

const tokenStorageName = (licenseKey: string) => `token-${sha256Hex(normalizeKey(licenseKey)).slice(0, 32)}`;

/**
 * The client without a platform: what the Node and browser builds of `TrafficOrchestrator` share.
 * Use `TrafficOrchestrator` (it adds `generateMachineId()` and the default storage).
 */
export class TrafficOrchestratorBase {
  private readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly productId: string | undefined;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly timeoutMs: number;
  private readonly storage: SdkStorage;
  private readonly clock: () => Date;
  private readonly timers: Timers;
  private readonly onCacheError: (err: unknown) => void;

  private jwks: JsonWebKeySet | null = null;
  private keySet: ReturnType<typeof createLocalJWKSet> | null = null;
  private jwksInFlight: Promise<JsonWebKeySet> | null = null;
  private readonly tokens = new Map<string, OfflineToken>();
  private last: OfflineToken | null = null;

  constructor(opts: TrafficOrchestratorOptions) {
    if (!opts?.baseUrl) throw new TypeError('TrafficOrchestrator: baseUrl is required');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    this.apiKey = opts.apiKey;
    this.productId = opts.productId;
    const f = opts.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('TrafficOrchestrator: no fetch available; pass `fetch`');
    this.fetchImpl = f;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.storage = opts.storage ?? this.defaultStorage(opts);
    this.clock = opts.clock ?? (() => new Date());
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.onCacheError = opts.onCacheError ?? (() => {});
  }

  /** The storage used without `storage`: memory, or what the platform offers for `cacheDir`. */
  protected defaultStorage(opts: TrafficOrchestratorOptions): SdkStorage {
    if (opts.cacheDir !== undefined) {
      throw new TypeError('TrafficOrchestrator: cacheDir needs a file system; pass `storage` instead');
    }
    return new MemoryStorage();
  }

  // ---- online calls ------------------------------------------------------------------------------

  /**
   * Validates a license key. A completed validation is a result, also when it failed: `valid:false`
   * with its `code` (NOT_FOUND, DOMAIN_MISMATCH, SUSPENDED, …) is returned, not thrown.
   */
  async validate(input: ValidateInput): Promise<ValidateResult> {
    const productId = input.productId ?? this.productId;
    const a = await this.send('POST', '/api/v1/validate', {
      license_key: input.licenseKey,
      ...(productId !== undefined ? { product_id: productId } : {}),
      ...(input.machineId !== undefined ? { machine_id: input.machineId } : {}),
      ...(input.domain !== undefined ? { domain: input.domain } : {}),
      ...(input.consume !== undefined ? { consume: input.consume } : {}),
      ...(input.entitlements !== undefined ? { entitlements: input.entitlements } : {}),
    });
    const completed =
      (a.status === 200 || a.status === 403 || a.status === 404) &&
      isObject(a.body) &&
      typeof a.body.valid === 'boolean';
    if (!completed) throw failure(a);
    const result = a.body as unknown as ValidateResult;
    if (result.valid && isOfflineToken(result.offline)) await this.keep(input.licenseKey, result.offline);
    // The server says the license itself is no longer good: stop offering its token for offline use.
    else if (LICENSE_GONE.has(result.code)) await this.forget(input.licenseKey);
    return result;
  }

  /** Activates this device (idempotent per machineId). No seat left: ACTIVATION_LIMIT_REACHED. */
  async activate(input: ActivateInput): Promise<ActivateResult> {
    const a = await this.send('POST', '/api/v1/activate', {
      license_key: input.licenseKey,
      machine_id: input.machineId,
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.platform !== undefined ? { platform: input.platform } : {}),
    });
    const body = success(a);
    const result = { ...body, created: a.status === 201 } as unknown as ActivateResult;
    if (isOfflineToken(result.offline)) await this.keep(input.licenseKey, result.offline);
    return result;
  }

  /** Frees this device's seat. Unknown device: NOT_FOUND. */
  async deactivate(input: DeactivateInput): Promise<DeactivateResult> {
    const a = await this.send('POST', '/api/v1/deactivate', {
      license_key: input.licenseKey,
      machine_id: input.machineId,
    });
    const result = success(a) as unknown as DeactivateResult;
    await this.forget(input.licenseKey, input.machineId);
    return result;
  }

  /** Renews a floating seat's lease and refreshes the offline token. LEASE_EXPIRED / NOT_ACTIVATED when the seat is gone. */
  async heartbeat(input: HeartbeatInput): Promise<HeartbeatResult> {
    const a = await this.send('POST', '/api/v1/heartbeat', {
      license_key: input.licenseKey,
      machine_id: input.machineId,
    });
    const result = success(a) as unknown as HeartbeatResult;
    if (isOfflineToken(result.offline)) await this.keep(input.licenseKey, result.offline);
    return result;
  }

  /** Fetches the server's JWKS now and caches it (memory and storage). */
  async refreshJwks(): Promise<JsonWebKeySet> {
    if (this.jwksInFlight) return this.jwksInFlight;
    const p = (async () => {
      const a = await this.send('GET', JWKS_PATH, undefined, { auth: false });
      const body = success(a);
      if (!isJwks(body)) {
        throw new TrafficOrchestratorError('The server answered with something that is not a JWKS', {
          status: a.status,
          code: 'BAD_RESPONSE',
          requestId: a.requestId,
          body,
        });
      }
      this.setJwks(body);
      await this.store(JWKS_STORAGE_NAME, JSON.stringify(body));
      return body;
    })();
    this.jwksInFlight = p;
    try {
      return await p;
    } finally {
      this.jwksInFlight = null;
    }
  }

  // ---- offline -----------------------------------------------------------------------------------

  /** The last offline token this client received (in this process), for any license. */
  get lastOfflineToken(): OfflineToken | null {
    return this.last;
  }

  /** The cached offline token for a license key (memory, then storage), or null. */
  async offlineToken(licenseKey: string): Promise<OfflineToken | null> {
    const name = tokenStorageName(licenseKey);
    const cached = this.tokens.get(name);
    if (cached) return cached;
    const raw = await this.storage.get(name);
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isOfflineToken(parsed)) return null;
      this.tokens.set(name, parsed);
      return parsed;
    } catch {
      return null;
    }
  }

  /**
   * Verifies an offline token against the cached JWKS, without any network call. Accepted until its
   * `exp` (= graceUntil) by `clock`; refused (OfflineTokenError) after it, or when the signature, the
   * key id, the product or the other named claims do not match. Returns the claims.
   */
  async verifyOffline(token: string | OfflineToken, opts: VerifyOfflineOptions = {}): Promise<OfflineClaims> {
    return verifyOfflineToken(token, await this.localKeySet(), this.clock(), {
      ...opts,
      productId: opts.productId ?? this.productId,
    });
  }

  /**
   * Verifies an offline token (as {@link verifyOffline} does, throwing OfflineTokenError when it
   * is refused) and says whether the license it was issued for has the entitlement `code` (any
   * case), from the token's signed `ent` claim, without any network call.
   */
  async hasEntitlement(
    token: string | OfflineToken,
    code: string,
    opts: VerifyOfflineOptions = {},
  ): Promise<boolean> {
    return hasEntitlement(await this.verifyOffline(token, opts), code);
  }

  // ---- heartbeat loop ----------------------------------------------------------------------------

  /** Sends heartbeats until stopped. See {@link StartHeartbeatOptions} for the interval and errors. */
  startHeartbeat(opts: StartHeartbeatOptions): HeartbeatHandle {
    return heartbeatLoop((input) => this.heartbeat(input), this.timers, opts);
  }

  // ---- internals ---------------------------------------------------------------------------------

  private send(method: 'GET' | 'POST', path: string, body?: unknown, opts: { auth?: boolean } = {}) {
    return send(
      { baseUrl: this.baseUrl, fetch: this.fetchImpl, timeoutMs: this.timeoutMs, apiKey: this.apiKey },
      method,
      path,
      body,
      opts,
    );
  }

  /** Caches a fresh offline token and makes sure the JWKS that verifies it is cached too. */
  private async keep(licenseKey: string, offline: OfflineToken) {
    const name = tokenStorageName(licenseKey);
    this.tokens.set(name, offline);
    this.last = offline;
    await this.store(name, JSON.stringify(offline));
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(offline.token).kid;
    } catch {
      return; // verifyOffline will say what is wrong with it
    }
    const jwks = await this.loadJwks();
    if (jwks && (kid === undefined || jwks.keys.some((k) => k.kid === kid))) return;
    try {
      await this.refreshJwks(); // first token, or the server rotated its key
    } catch (err) {
      this.onCacheError(err); // the online call succeeded; the next one tries again
    }
  }

  /** Drops the cached token of a license (only if it was issued to `machineId`, when given). */
  private async forget(licenseKey: string, machineId?: string) {
    const name = tokenStorageName(licenseKey);
    const had = await this.offlineToken(licenseKey);
    if (!had) return;
    if (machineId !== undefined) {
      let mid: unknown;
      try {
        mid = decodeJwt(had.token).mid;
      } catch {
        mid = undefined;
      }
      if (mid !== undefined && mid !== null && mid !== machineId) return;
    }
    this.tokens.delete(name);
    if (had && this.last === had) this.last = null;
    try {
      await this.storage.delete(name);
    } catch (err) {
      this.onCacheError(err);
    }
  }

  private async store(name: string, value: string) {
    try {
      await this.storage.set(name, value);
    } catch (err) {
      this.onCacheError(err);
    }
  }

  private setJwks(jwks: JsonWebKeySet) {
    this.jwks = jwks;
    this.keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  }

  private async loadJwks(): Promise<JsonWebKeySet | null> {
    if (this.jwks) return this.jwks;
    let raw: string | null;
    try {
      raw = await this.storage.get(JWKS_STORAGE_NAME);
    } catch (err) {
      this.onCacheError(err);
      return null;
    }
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isJwks(parsed)) return null;
      this.setJwks(parsed);
      return parsed;
    } catch {
      return null;
    }
  }

  private async localKeySet() {
    await this.loadJwks();
    return this.keySet;
  }
}
