// Where the client keeps what it needs offline: the JWKS and the last offline token per license.
// Values are JSON strings. Keys are short ASCII names; license keys never appear in them.
// FileStorage (Node only) is in file-storage.ts.

export interface SdkStorage {
  get(name: string): Promise<string | null> | string | null;
  set(name: string, value: string): Promise<void> | void;
  delete(name: string): Promise<void> | void;
}

/** Keeps everything in this process only (the default without `cacheDir`). */
export class MemoryStorage implements SdkStorage {
  private readonly map = new Map<string, string>();
  get(name: string) {
    return this.map.get(name) ?? null;
  }
  set(name: string, value: string) {
    this.map.set(name, value);
  }
  delete(name: string) {
    this.map.delete(name);
  }
}

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) that WebStorage uses. */
export interface WebStorageArea {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Browser storage: `localStorage` by default, under a prefix, so offline tokens outlive the page. */
export class WebStorage implements SdkStorage {
  private readonly area: WebStorageArea;

  constructor(
    area?: WebStorageArea,
    readonly prefix = 'traffic-orchestrator:',
  ) {
    const found = area ?? (globalThis as { localStorage?: WebStorageArea }).localStorage;
    if (!found) throw new TypeError('WebStorage: no localStorage here; pass a storage area');
    this.area = found;
  }
  get(name: string) {
    return this.area.getItem(this.prefix + name);
  }
  set(name: string, value: string) {
    this.area.setItem(this.prefix + name, value);
  }
  delete(name: string) {
    this.area.removeItem(this.prefix + name);
  }
}
