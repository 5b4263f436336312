// The SDK's browser entry (src/sdk/browser.ts) without a browser: its pieces that replace Node's.
// The whole bundle runs in Chromium in sdk-package.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as browser from '../src/sdk/browser';
import * as node from '../src/sdk/index';
import { sha256Hex } from '../src/sdk/sha256';

class FakeLocalStorage {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const g = globalThis as { localStorage?: unknown };
afterEach(() => {
  delete g.localStorage;
});

describe('the SDK in a browser', () => {
  it('hashes with its own SHA-256 exactly as node:crypto does', () => {
    for (let len = 0; len < 200; len++) {
      const b = randomBytes(len);
      expect(sha256Hex(b)).toBe(createHash('sha256').update(b).digest('hex'));
    }
    const s = 'clé ✓ 𝄞 XXXX-XXXX';
    expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'));
  });

  it('offers the same names as the Node entry', () => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('derives the device id from a random install id kept in localStorage', async () => {
    const store = new FakeLocalStorage();
    g.localStorage = store;
    const a = browser.TrafficOrchestrator.generateMachineId();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(browser.TrafficOrchestrator.generateMachineId()).toBe(a);
    const installId = store.getItem('traffic-orchestrator:install-id')!;
    expect(installId).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toContain(installId);
    expect(browser.generateMachineId({ salt: 'app' })).not.toBe(a);
    // Another page load with the same storage: the same device. A query string loads a fresh copy
    // of the module that keeps the page's memory (not vi.resetModules(), which would reload every
    // module of this worker, shared with the other test files).
    const page = (n: number) =>
      import(/* @vite-ignore */ `../src/sdk/browser-machine-id.ts?page=${n}`) as Promise<
        typeof import('../src/sdk/browser-machine-id')
      >;
    const reloaded = await page(2);
    expect(reloaded.generateMachineId()).toBe(a);
    // Another browser profile (another storage, another page) is another device.
    g.localStorage = new FakeLocalStorage();
    const elsewhere = await page(3);
    expect(elsewhere.generateMachineId()).not.toBe(a);
    // Not the Node id of this machine either.
    expect(a).not.toBe(node.generateMachineId());
  });

  it('keeps offline data in WebStorage; cacheDir and FileStorage say what to use instead', async () => {
    const store = new FakeLocalStorage();
    const ws = new browser.WebStorage(store);
    ws.set('jwks', '{"keys":[]}');
    expect(store.getItem('traffic-orchestrator:jwks')).toBe('{"keys":[]}');
    expect(ws.get('jwks')).toBe('{"keys":[]}');
    ws.delete('jwks');
    expect(ws.get('jwks')).toBeNull();
    expect(() => new browser.WebStorage()).toThrow(/no localStorage/);
    expect(() => new browser.FileStorage('/tmp/x')).toThrow(/WebStorage/);
    expect(() => new browser.TrafficOrchestrator({ baseUrl: 'http://x', cacheDir: '/tmp/x' })).toThrow(
      /cacheDir needs a file system/,
    );
    const to = new browser.TrafficOrchestrator({ baseUrl: 'http://x', storage: ws });
    expect(await to.offlineToken('XXXX-XXXX-XXXX-XXXX')).toBeNull();
  });
});
