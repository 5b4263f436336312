// @traffic-orchestrator/client for Node (and Electron's main process, and server-side bundles):
// `import { TrafficOrchestrator } from '@traffic-orchestrator/client'`. Browsers get browser.ts,
// through the package's `browser` export condition. Node built-ins and `jose` only; nothing from the
// server.
import { TrafficOrchestratorBase, type TrafficOrchestratorOptions } from './client.js';
import { FileStorage } from './file-storage.js';
import { generateMachineId, type MachineIdOptions } from './machine-id.js';
import { MemoryStorage, type SdkStorage } from './storage.js';

export * from './common.js';
export { FileStorage, generateMachineId };

export class TrafficOrchestrator extends TrafficOrchestratorBase {
  /** A stable, privacy-respecting device id: SHA-256 over this machine's identifiers (64 hex chars). */
  static generateMachineId(opts?: MachineIdOptions): string {
    return generateMachineId(opts);
  }

  /** Files in `cacheDir` when given, else memory. */
  protected override defaultStorage(opts: TrafficOrchestratorOptions): SdkStorage {
    return opts.cacheDir !== undefined ? new FileStorage(opts.cacheDir) : new MemoryStorage();
  }
}
