// A start that cannot succeed says what is wrong and how to fix it in one line, exits 1, prints no
// stack trace, and does not spend the one-time bootstrap secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, spawnBuilt } from './helpers/server-process';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'to-startup-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the server to its exit and returns what it printed. */
async function failedStart(env: Record<string, string | undefined>) {
  const s = spawnBuilt('src/dist/main.js', childEnv({ DATA_DIR: tmp(), ...env }));
  const code = await s.exited;
  const errLines = s.stderr().trim().split('\n');
  return { code, errLines, stdout: s.stdout(), stderr: s.stderr() };
}

function expectOneLine(r: Awaited<ReturnType<typeof failedStart>>, what: RegExp) {
  expect(r.code).toBe(1);
  expect(r.errLines, r.stderr).toHaveLength(1);
  expect(r.errLines[0]).toMatch(/^traffic-orchestrator: /);
  expect(r.errLines[0]).toMatch(what);
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack frame anywhere
  expect(r.stdout).not.toContain('API key'); // the one-time secrets were not printed
}

describe('start-up errors', { timeout: 60_000 }, () => {
  it('PORT=abc: names the variable and what it must be', async () => {
    const r = await failedStart({ PORT: 'abc' });
    expectOneLine(r, /Invalid configuration: PORT: must be a whole number from 0 to 65535\. Fix /);
  });

  it('several bad settings: all of them, on one line, values not echoed', async () => {
    const r = await failedStart({
      LOG_LEVEL: 'loud',
      TO_RATE_LIMIT_IP_PER_MIN: 'many',
      TO_SECRET_KEY: 'short',
    });
    expectOneLine(r, /LOG_LEVEL: .*; .*TO_SECRET_KEY: .*/);
    expect(r.errLines[0]).toContain('TO_RATE_LIMIT_IP_PER_MIN: must be a number');
    expect(r.errLines[0]).not.toContain('short');
  });

  it('a port already in use: says which and how to fix it, before any secret is printed', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const r = await failedStart({ PORT: String(port) });
      expectOneLine(
        r,
        new RegExp(
          `Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)\\. Stop the other process or set PORT to a free port$`,
        ),
      );
    } finally {
      blocker.close();
    }
  });

  it('an unreachable PostgreSQL: says which setting to check', async () => {
    const r = await failedStart({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' });
    expectOneLine(r, /Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\)\. Check DATABASE_URL/);
  });
});
