// Vitest global setup: the builds the suite runs must match the sources.
// - src/sdk/dist: the tests that run the built SDK (the workspace package under plain node, the
//   packed tarball);
// - src/dist: the server and CLI that the process tests start with plain node, as `npm start` and
//   `npm run cli` do (test/helpers/server-process.ts).
// Postinstall builds both; this rebuilds one, through the same npm script, when a source it reads
// is newer than its build (an edit since the install).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const src = join(root, 'src');
const sdk = join(src, 'sdk');

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
};

/** The newest change among the files under `dir` that match `keep`, skipping `skip`ped folders. */
function newest(dir: string, keep: RegExp, skip: Set<string>): number {
  let max = -Infinity;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) max = Math.max(max, newest(file, keep, skip));
    } else if (keep.test(e.name)) max = Math.max(max, mtime(file));
  }
  return max;
}

function rebuild(script: string, built: number, sources: number) {
  if (built >= sources) return;
  execFileSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' });
}

export default function setup() {
  // The server bundles src/ (not the dashboard's app, the SDK or the Python SDK) and the Prisma client.
  const serverSources = Math.max(
    newest(src, /\.(ts|json)$/, new Set(['dist', 'node_modules', 'app', 'sdk', 'python'])),
    newest(join(root, 'prisma/generated'), /\.(js|ts|mjs|json)$/, new Set()),
  );
  rebuild(
    'server:build',
    Math.min(mtime(join(src, 'dist/main.js')), mtime(join(src, 'dist/cli.js'))),
    serverSources,
  );
  rebuild(
    'sdk:build',
    Math.min(mtime(join(sdk, 'dist/esm/index.js')), mtime(join(sdk, 'dist/cjs/index.js'))),
    newest(sdk, /\.(ts|json|mjs)$/, new Set(['dist', 'node_modules'])),
  );
}
