// Builds the package with tsc alone: ES modules in dist/esm and CommonJS in dist/cjs, each with its
// type declarations. Run by the repository's postinstall (`npm run sdk:build`), by the test suite's
// global setup when a source is newer than the build (test/helpers/sdk-build.ts), and by `prepack`,
// so `npm pack` never packs a stale build. It builds beside dist and then swaps the new build in,
// so a process reading dist meanwhile sees the old build or the new one, never half of one.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dist = join(here, 'dist');
const next = join(here, `dist.next-${process.pid}`);
const old = join(here, `dist.old-${process.pid}`);

try {
  for (const [project, out] of [
    ['tsconfig.esm.json', 'esm'],
    ['tsconfig.cjs.json', 'cjs'],
  ]) {
    try {
      execFileSync(process.execPath, [tsc, '-p', join(here, project), '--outDir', join(next, out)], {
        stdio: 'inherit',
      });
    } catch {
      throw new Error(`@traffic-orchestrator/client: tsc -p ${project} failed (errors above)`);
    }
  }
  // The package is "type": "module"; this marks the CommonJS half as what it is.
  writeFileSync(join(next, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  try {
    renameSync(dist, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  renameSync(next, dist);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
