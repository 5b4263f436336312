// @traffic-orchestrator/client in browsers (and in bundles for them: Vite, webpack, Next.js client
// components, Electron renderers), chosen by the package's `browser` export condition. The same
// names as the Node entry (index.ts); what needs Node is replaced: the device id comes from a random
// install id kept in localStorage, and FileStorage refuses to be built (use WebStorage).
import { TrafficOrchestratorBase } from './client.js';
import { generateMachineId } from './browser-machine-id.js';
import type { MachineIdOptions } from './machine-id-common.js';
import type { SdkStorage } from './storage.js';

export * from './common.js';
export { generateMachineId };

export class TrafficOrchestrator extends TrafficOrchestratorBase {
  /** A stable device id for this browser profile (64 hex chars); see browser-machine-id.ts. */
  static generateMachineId(opts?: MachineIdOptions): string {
    return generateMachineId(opts);
  }
}

/** Node only: in a browser, constructing it throws (pass `storage: new WebStorage()` instead). */
export class FileStorage implements SdkStorage {
  constructor(readonly dir: string) {
    throw new TypeError('FileStorage needs a file system; in a browser use WebStorage');
  }
  get(): null {
    return null;
  }
  set(): void {}
  delete(): void {}
}
