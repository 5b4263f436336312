// Builds the server to JavaScript: src/main.ts and src/cli.ts, bundled by esbuild into src/dist/
// (git-ignored), so `npm start` and `npm run cli` run plain node instead of compiling TypeScript
// through tsx at every start. Run by postinstall (`npm run server:build`) and by the test that
// starts the built server.
//
// - Packages in node_modules stay external: node resolves them as usual, so PGlite finds its wasm and
//   data files and Prisma's client its query compiler. Our own code, the generated Prisma client
//   included, is bundled.
// - The output sits one folder below src/, at the same depth as the source files it replaces, so
//   paths computed from import.meta.dirname (prisma/migrations, src/dashboard/dist) still resolve.
// - It builds beside dist and then swaps the new build in, so a server starting meanwhile reads the
//   old build or the new one, never half of one.
import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(src, 'dist');
const next = join(src, `dist.next-${process.pid}`);
const old = join(src, `dist.old-${process.pid}`);

try {
  await build({
    entryPoints: { main: join(src, 'main.ts'), cli: join(src, 'cli.ts') },
    outdir: next,
    bundle: true,
    splitting: true, // lazy import()s become their own chunks, loaded when first needed
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked', // node --enable-source-maps src/dist/main.js maps stacks back to src/
    chunkNames: 'chunk-[hash]', // beside main.js: the same depth, see above
    outExtension: { '.js': '.js' },
    logLevel: 'warning',
    // main.js and cli.js are ES modules; package.json has "type": "module".
  });
  try {
    renameSync(dist, old);
  } catch {
    // first build
  }
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(next, { recursive: true, force: true });
  console.error(`server build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
