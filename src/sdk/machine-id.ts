// A stable, privacy-respecting device fingerprint: SHA-256 over a fixed salt and the machine's
// identifiers. The raw identifiers never leave this function; only the hash is returned.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineIdOptions {
  /** Namespaces the id: two apps with different salts get unrelated ids on the same machine. */
  salt?: string;
}

const BASE_SALT = 'traffic-orchestrator/machine-id/v1';
const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

function osMachineId(): string {
  for (const file of MACHINE_ID_FILES) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id) return id;
    } catch {
      // not on this system; try the next one
    }
  }
  return '';
}

/** 64 lowercase hex characters; the same across runs and processes on one machine. */
export function generateMachineId(opts: MachineIdOptions = {}): string {
  const parts = [
    BASE_SALT,
    opts.salt ?? '',
    osMachineId(),
    os.hostname(),
    os.platform(),
    os.arch(),
    os.cpus()[0]?.model.trim() ?? '',
  ];
  const h = createHash('sha256');
  // Length-prefixed, so that moving characters between fields cannot give the same input.
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:${p};`);
  return h.digest('hex');
}
