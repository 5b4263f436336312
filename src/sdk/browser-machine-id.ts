// The device fingerprint in a browser, where no machine identifier can be read (and should not be):
// a random install id, made once and kept in localStorage, hashed with the salt. It is stable for one
// browser profile on one device, and it changes when the site's storage is cleared. Without
// localStorage (private modes that refuse it, workers) it lasts as long as the page.
import { BASE_SALT, hashInput, type MachineIdOptions } from './machine-id-common.js';
import { sha256Hex } from './sha256.js';
import type { WebStorageArea } from './storage.js';

const INSTALL_ID_KEY = 'traffic-orchestrator:install-id';
let pageInstallId: string | null = null;

function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function installId(): string {
  let area: WebStorageArea | undefined;
  try {
    area = (globalThis as { localStorage?: WebStorageArea }).localStorage;
  } catch {
    area = undefined; // reading localStorage itself throws where storage is blocked
  }
  try {
    const kept = area?.getItem(INSTALL_ID_KEY);
    if (kept) return kept;
  } catch {
    // blocked: fall back to the page's id
  }
  pageInstallId ??= randomHex(16);
  try {
    area?.setItem(INSTALL_ID_KEY, pageInstallId);
  } catch {
    // full or blocked: the page's id it is
  }
  return pageInstallId;
}

/** 64 lowercase hex characters; the same on every page load of this browser profile. */
export function generateMachineId(opts: MachineIdOptions = {}): string {
  return sha256Hex(hashInput([BASE_SALT, opts.salt ?? '', 'browser', installId()]));
}
