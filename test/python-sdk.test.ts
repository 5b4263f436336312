// The Python SDK (src/python) as people get it: installed with pip from its pyproject.toml, offline,
// with Debian's setuptools (`--no-build-isolation --no-index`), into a virtualenv that sees Debian's
// requests, PyJWT and cryptography (never into the system's site-packages), then its pytest suite run
// against a live server started here, on PGlite or on PostgreSQL like every other test.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMachineId } from '../src/sdk/index';
import type { TestApp } from './helpers/app';
import { repoRoot, started } from './helpers/sdk';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const MODULES = 'import requests, jwt, cryptography, pytest, setuptools';

/** Why the Python suite cannot run here, or null when it can. */
async function missing(): Promise<string | null> {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent`;
  try {
    await run(PYTHON, ['-c', MODULES]);
    return null;
  } catch {
    return `${PYTHON} lacks one of requests, jwt, cryptography, pytest, setuptools (apt-get install python3-requests python3-jwt python3-cryptography python3-pytest python3-setuptools)`;
  }
}

let t: TestApp | undefined;
let baseUrl: string;
let tmp: string;
let why: string | null;

beforeAll(async () => {
  why = await missing();
  if (why) return;
  tmp = mkdtempSync(join(os.tmpdir(), 'to-python-sdk-'));
  ({ t, baseUrl } = await started());
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the Python SDK', () => {
  it('installs offline with pip into a virtualenv, and its pytest suite passes against the server', async (ctx) => {
    if (why) {
      console.warn(`skipping the Python SDK suite: ${why}`);
      ctx.skip();
    }
    // A copy, so that the build (build/, *.egg-info) never lands in the source tree.
    const source = join(tmp, 'python');
    cpSync(join(repoRoot, 'src/python'), source, {
      recursive: true,
      filter: (p) => !/(__pycache__|\.egg-info|\/build)$/.test(p),
    });
    const venv = join(tmp, 'venv');
    await run(PYTHON, ['-m', 'venv', '--system-site-packages', '--without-pip', venv]);
    const python = join(venv, 'bin/python');
    // pip comes from the system's site-packages and installs into the venv. --no-index: nothing from
    // PyPI; the dependencies must already be there (Debian's packages), which pip checks.
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    const install = await run(
      python,
      ['-m', 'pip', 'install', '--no-build-isolation', '--no-index', source],
      {
        cwd: tmp,
        env,
      },
    );
    expect(install.stdout).toContain('Successfully installed traffic-orchestrator-0.1.0');
    const where = await run(python, ['-c', 'import traffic_orchestrator as t; print(t.__file__)'], {
      cwd: tmp,
    });
    expect(where.stdout.trim().startsWith(join(venv, 'lib'))).toBe(true);

    // -P: the current folder is not on sys.path, so the tests import the installed package.
    const ids = [generateMachineId(), generateMachineId({ salt: 'my-app' })].join(',');
    const result = await run(
      python,
      ['-P', '-m', 'pytest', '-p', 'no:cacheprovider', '-q', join(source, 'tests')],
      {
        cwd: tmp,
        env: {
          ...env,
          TO_BASE_URL: baseUrl,
          TO_API_KEY: t!.liveKey,
          TO_EXPECTED_MACHINE_IDS: ids,
          TO_EXPECT_INSTALLED: '1',
        },
      },
    ).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`pytest failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}\n${err.message}`);
    });
    const summary = result.stdout.trim().split('\n').pop()!;
    console.log(`pytest: ${summary}`);
    expect(summary).toMatch(/^\d+ passed in [\d.]+s$/);
    expect(Number(summary.split(' ')[0])).toBeGreaterThanOrEqual(18);
  }, 300_000);
});
