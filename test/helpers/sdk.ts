// Shared by the SDK suites: a listening test server, and small async helpers.
import type { Timers } from '../../src/sdk/index';
import { makeApp } from './app';

export const repoRoot = new URL('../..', import.meta.url).pathname;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function started(overrides = {}) {
  const t = await makeApp(overrides);
  const port = await t.app.listen(0, '127.0.0.1');
  return { t, baseUrl: `http://127.0.0.1:${port}` };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** Timers that count what is pending, so a test can assert that nothing is left behind. */
export function countingTimers() {
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const requested: number[] = [];
  const timers: Timers = {
    setTimeout(fn, ms) {
      requested.push(ms);
      const h = setTimeout(() => {
        pending.delete(h);
        fn();
      }, ms);
      pending.add(h);
      return h;
    },
    clearTimeout(h) {
      clearTimeout(h as ReturnType<typeof setTimeout>);
      pending.delete(h as ReturnType<typeof setTimeout>);
    },
  };
  return { timers, pending, requested };
}

export async function until(cond: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}
