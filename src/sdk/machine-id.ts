// A stable, privacy-respecting device fingerprint (Node): SHA-256 over a fixed salt and the
// machine's identifiers. The raw identifiers never leave this function; only the hash is returned.
// The Python SDK (src/python, traffic_orchestrator/machine_id.py) computes the same inputs and the
// same hash, so both give one id on one machine: change them together, or not at all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform } from 'node:os';
import { BASE_SALT, hashInput, type MachineIdOptions } from './machine-id-common.js';

export type { MachineIdOptions };

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
    hostname(),
    platform(),
    arch(),
    cpus()[0]?.model.trim() ?? '',
  ];
  return createHash('sha256').update(hashInput(parts)).digest('hex');
}
