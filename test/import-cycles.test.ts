// The import-cycle check (src/tools/import-cycles.ts) on small src/ trees written to a temp folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyse, render } from '../src/tools/import-cycles';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Writes `files` (path under src/ → source) and returns the src/ folder. */
function tree(files: Record<string, string>): string {
  const src = join(mkdtempSync(join(tmpdir(), 'cycles-')), 'src');
  dirs.push(dirname(src));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, path)), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  return src;
}

describe('import cycles', () => {
  it('reports none for a layered tree, and skips packages, prisma/generated and src/sdk/gql', () => {
    const src = tree({
      'app.ts': "import { edge } from './http/edge';\nimport 'pino';\nexport const app = edge;",
      'http/edge.ts': "import { svc } from '../licensing/svc.js';\nexport const edge = svc;",
      'licensing/svc.ts':
        "import type { Row } from '../../prisma/generated/client';\nimport { id } from '../lib';\nexport const svc = id;",
      'lib/index.ts': 'export const id = 1;',
      'sdk/gql/graphql.ts': "import { app } from '../../app';\nexport const x = app;",
    });
    const { text, exitCode } = render(analyse(src));
    expect(text).toBe('no import cycles (4 files, 4 folders)');
    expect(exitCode).toBe(0);
  });

  it('counts type-only imports as edges, at file and at folder level', () => {
    const src = tree({
      'licensing/a.ts': "import { b } from './b';\nexport const a = b;",
      'licensing/b.ts':
        "import type { A } from './types';\nimport { type C } from '../http/c';\nexport const b = 1;",
      'licensing/types.ts': "import { type B, b } from './b';\nexport type A = B | typeof b;",
      'http/c.ts': "export type { A as C } from '../licensing/types';",
    });
    const a = analyse(src);
    expect(a.fileCycles.cycles).toEqual([
      ['src/licensing/b.ts', 'src/licensing/types.ts', 'src/licensing/b.ts'],
      ['src/http/c.ts', 'src/licensing/types.ts', 'src/licensing/b.ts', 'src/http/c.ts'],
    ]);
    // b → http/c (`import { type C }`), c → types (`export type`), types → b (mixed, a value edge).
    expect(a.folderCycles.cycles).toEqual([['src/http', 'src/licensing', 'src/http']]);
    const { text, exitCode } = render(a);
    expect(exitCode).toBe(1);
    expect(text).toContain('  src/licensing/b.ts → src/licensing/types.ts → src/licensing/b.ts');
    expect(text).toContain('  src/http → src/licensing → src/http');
    expect(text).toContain('      src/http/c.ts imports src/licensing/types.ts');
  });

  it('lets every folder take the Deps type from src/deps.ts, but not a value', () => {
    const files = {
      'deps.ts': "import { Cache } from './licensing/cache';\nexport interface Deps { cache: Cache }",
      'licensing/cache.ts': 'export class Cache {}',
      'licensing/svc.ts': "import type { Deps } from '../deps';\nexport const svc = (d: Deps) => d.cache;",
    };
    expect(render(analyse(tree(files))).exitCode).toBe(0);
    const withValue = {
      ...files,
      'licensing/svc.ts': "import { type Deps, x } from '../deps';\nexport { x };",
    };
    expect(analyse(tree(withValue)).folderCycles.cycles).toEqual([
      ['src/deps.ts', 'src/licensing', 'src/deps.ts'],
    ]);
  });

  it('lists the shortest cycle through each closing edge, not every path of a tangle', () => {
    const src = tree({
      'a/x.ts': "import '../b/x';\nimport '../c/x';",
      'b/x.ts': "import '../a/x';\nimport '../c/x';",
      'c/x.ts': "import '../a/x';\nimport '../b/x';",
    });
    const { folderCycles } = analyse(src);
    expect(folderCycles.tangles).toEqual([['src/a', 'src/b', 'src/c']]);
    expect(folderCycles.cycles).toEqual([
      ['src/a', 'src/b', 'src/a'],
      ['src/a', 'src/c', 'src/a'],
      ['src/b', 'src/c', 'src/b'],
    ]);
  });
});
