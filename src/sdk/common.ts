// What both entries of the package export beside their own TrafficOrchestrator (index.ts for Node,
// browser.ts for browsers and bundles aimed at them), so that the two offer the same names.
export {
  TrafficOrchestratorBase,
  type HeartbeatHandle,
  type StartHeartbeatOptions,
  type Timers,
  type TrafficOrchestratorOptions,
} from './client.js';
export {
  NetworkError,
  OfflineTokenError,
  TrafficOrchestratorError,
  type ApiErrorCode,
  type ClientErrorCode,
  type ErrorCode,
  type OfflineTokenErrorCode,
} from './errors.js';
export type { MachineIdOptions } from './machine-id-common.js';
export { hasEntitlement, licenseKeyFingerprint, type VerifyOfflineOptions } from './offline.js';
export { MemoryStorage, type SdkStorage, WebStorage, type WebStorageArea } from './storage.js';
export type * from './types.js';
