// Node's storage for the client: one file per entry, so a later process can verify offline.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SdkStorage } from './storage.js';

/** One file per entry in `dir` (created on first write, files readable by the owner only). */
export class FileStorage implements SdkStorage {
  constructor(readonly dir: string) {}

  private path(name: string) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`invalid storage name: ${name}`);
    return join(this.dir, `${name}.json`);
  }

  async get(name: string) {
    try {
      return await readFile(this.path(name), 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return null;
      throw err;
    }
  }

  async set(name: string, value: string) {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.path(name);
    // Write then rename, so a reader never sees half a file.
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, value, { mode: 0o600 });
    await rename(tmp, target);
  }

  async delete(name: string) {
    await rm(this.path(name), { force: true });
  }
}
