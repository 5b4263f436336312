// Request log lines at `info`: every failed or slow request, 1 in TO_REQUEST_LOG_SAMPLE of the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
let key: string;
const lines: { path: string; status: number }[] = [];

beforeAll(async () => {
  t = await makeApp({ logLevel: 'info', requestLog: { sample: 5, slowMs: 60_000 } });
  key = (await productAndLicense(t)).license.key as string;
  t.app.deps.logger.info = ((obj: { path?: string; status?: number }, msg?: string) => {
    if (msg === 'request') lines.push({ path: obj.path!, status: obj.status! });
  }) as typeof t.app.deps.logger.info;
});
afterAll(() => t.close());

describe('request log', () => {
  it('logs 1 in `sample` of the successful requests and every failed one', async () => {
    lines.length = 0;
    for (let i = 0; i < 20; i++) {
      const r = await t.call('POST', '/api/v1/validate', { license_key: key }, null);
      expect(r.status).toBe(200);
    }
    expect(lines.filter((l) => l.status === 200)).toHaveLength(4);
    for (let i = 0; i < 3; i++) {
      const r = await t.call('POST', '/api/v1/validate', {}, null);
      expect(r.status).toBe(400);
    }
    expect(lines.filter((l) => l.status === 400)).toHaveLength(3);
  });

  it('reads its settings from the environment: 1 in 100 and 500 ms unless told', () => {
    expect(loadConfig({}).requestLog).toEqual({ sample: 100, slowMs: 500 });
    const c = loadConfig({ TO_REQUEST_LOG_SAMPLE: '1', TO_SLOW_REQUEST_MS: '50' });
    expect(c.requestLog).toEqual({ sample: 1, slowMs: 50 });
    expect(() => loadConfig({ TO_REQUEST_LOG_SAMPLE: '0' })).toThrow(/TO_REQUEST_LOG_SAMPLE/);
  });
});
