// What the Node and browser device fingerprints share: the options and the salt.

export interface MachineIdOptions {
  /** Namespaces the id: two apps with different salts get unrelated ids on the same machine. */
  salt?: string;
}

export const BASE_SALT = 'traffic-orchestrator/machine-id/v1';

/** Length-prefixed, so that moving characters between fields cannot give the same input. */
export const hashInput = (parts: string[]) =>
  parts.map((p) => `${new TextEncoder().encode(p).length}:${p};`).join('');
