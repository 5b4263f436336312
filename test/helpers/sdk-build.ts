// Vitest global setup: the tests that run the built SDK (the workspace package under plain node, the
// packed tarball) need src/sdk/dist to match the sources. Postinstall builds it; this rebuilds it,
// through the same npm script, when a source is newer than the build (an edit since the install).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const sdk = new URL('../../src/sdk/', import.meta.url).pathname;

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
};

/** The newest change among the files the build reads. */
function newestSource(): number {
  const inputs = [
    ...readdirSync(sdk)
      .filter((f) => /\.(ts|json|mjs)$/.test(f))
      .map((f) => join(sdk, f)),
    ...readdirSync(join(sdk, 'gql')).map((f) => join(sdk, 'gql', f)),
  ];
  return Math.max(...inputs.map(mtime));
}

export default function setup() {
  const built = Math.min(mtime(join(sdk, 'dist/esm/index.js')), mtime(join(sdk, 'dist/cjs/index.js')));
  if (built >= newestSource()) return;
  execFileSync('npm', ['run', '-s', 'sdk:build'], { cwd: join(sdk, '../..'), stdio: 'inherit' });
}
