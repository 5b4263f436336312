// Import-cycle check: `npm run lint:cycles` (tsx src/tools/import-cycles.ts).
//
// Reads every .ts file under src/ (not the generated src/sdk/gql, nor the SDK's build output in
// src/sdk/dist), resolves its relative imports and
// reports cycles twice: between files, and between folders, where a node is a top-level folder of src/
// (src/licensing, src/http, …; subfolders count as their top folder) or a file directly in src/
// (src/deps.ts, src/app.ts, …). Imports leaving src/ (../../prisma/generated/…) and packages are not
// edges. Prints each cycle as `a → b → a` (the shortest one through every import that closes a loop,
// see findCycles) and exits 1 if there is one; else prints "no import cycles (N files, M folders)".
// `npx madge --circular --extensions ts --ts-config tsconfig.json src` gives a second opinion on the
// file level (its config is the "madge" key of package.json).
//
// Type-only imports are edges too: a type cycle still ties two rooms together, and it turns into a
// runtime cycle the day someone drops the `type`. The one exception is a type-only import of
// src/deps.ts: the Deps interface is the single seam every service takes, so every folder may see it
// while deps.ts itself imports the services it wires.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Graph = Map<string, Set<string>>;

function listFiles(dir: string, skip: (dir: string) => boolean): string[] {
  if (skip(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listFiles(p, skip);
    return e.isFile() && /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier in a file, with whether the import carries only types. */
function importsOf(file: string): { spec: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const bindings = c?.namedBindings;
      // `import type …`, or `import { type A, type B }` with no default or namespace import beside them.
      const typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            !!bindings &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((el) => el.isTypeOnly)));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (!!clause &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((el) => el.isTypeOnly));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      // A lazy import() still ties the two modules together; it is counted like a static one.
      found.push({ spec: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ spec: node.argument.literal.text, typeOnly: true }); // `typeof import('./x')`
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The .ts/.tsx file a relative specifier names (`./x`, `./x.js`, `./x/index`), or undefined. */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts'), base].find(
    (p) => /\.tsx?$/.test(p) && isFile(p),
  );
}

/** Strongly connected components with more than one node (Tarjan): the tangles. */
function tangles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}

/** Shortest path from `from` to `to` using only nodes of `within` (BFS), or undefined. */
function shortestPath(graph: Graph, from: string, to: string, within: Set<string>): string[] | undefined {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    if (v === to) {
      const path = [v];
      for (let p = prev.get(v); p; p = prev.get(p)) path.unshift(p);
      return path;
    }
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (within.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return undefined;
}

/**
 * The cycles to report: for every edge that closes a loop, the shortest cycle through it, rotated to
 * start at its smallest node and deduplicated. Listing every elementary cycle instead explodes on a
 * tangled graph (the folder graph had 1,382 when this was written); this list is bounded by the number of
 * edges, and cutting every edge it shows removes every cycle.
 */
function findCycles(graph: Graph): { cycles: string[][]; tangles: string[][] } {
  const groups = tangles(graph);
  const seen = new Map<string, string[]>();
  for (const group of groups) {
    const within = new Set(group);
    for (const u of group) {
      for (const v of graph.get(u) ?? []) {
        if (!within.has(v)) continue;
        const back = shortestPath(graph, v, u, within)!;
        const loop = [u, ...back]; // u → v → … → u
        const ring = loop.slice(0, -1);
        const k = ring.indexOf([...ring].sort()[0]!);
        const rotated = [...ring.slice(k), ...ring.slice(0, k)];
        seen.set(rotated.join(' '), [...rotated, rotated[0]!]);
      }
    }
  }
  const cycles = [...seen.values()].sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
  return { cycles, tangles: groups };
}

export interface Analysis {
  files: number;
  folders: number;
  /** Paths are shown relative to the folder above src/, with `/`. */
  fileCycles: Found;
  folderCycles: Found;
  /** `a b` (a folder edge) → the first file import that makes it. */
  witness: Map<string, string>;
  unresolved: string[];
}
type Found = ReturnType<typeof findCycles>;

/** Builds both graphs for the src/ folder `src` and finds their cycles. */
export function analyse(src: string): Analysis {
  const root = dirname(src);
  const show = (file: string) => relative(root, file).split(sep).join('/');
  /** src/licensing/x.ts → src/licensing; src/app.ts → src/app.ts. */
  const folderOf = (file: string) => `src/${relative(src, file).split(sep)[0]}`;
  const deps = join(src, 'deps.ts');
  // src/sdk/gql: `npm run codegen`; src/sdk/dist (and dist.next-…, while a build runs): npm run sdk:build
  const sdk = join(src, 'sdk');
  const generated = (dir: string) =>
    dir === join(sdk, 'gql') || (dirname(dir) === sdk && /^dist/.test(basename(dir)));
  const files = listFiles(src, generated).sort();
  const fileGraph: Graph = new Map(files.map((f) => [show(f), new Set<string>()]));
  const folderGraph: Graph = new Map(files.map((f) => [folderOf(f), new Set<string>()]));
  const witness = new Map<string, string>();
  const unresolved: string[] = [];

  for (const file of files) {
    for (const { spec, typeOnly } of importsOf(file)) {
      if (!spec.startsWith('.')) continue; // a package or node: built-in
      const target = resolveRelative(file, spec);
      if (!target) {
        if (resolve(dirname(file), spec).startsWith(src + sep)) unresolved.push(`${show(file)}: '${spec}'`);
        continue;
      }
      if (!fileGraph.has(show(target))) continue; // outside src/ (prisma/generated) or generated code
      if (typeOnly && target === deps) continue; // the Deps seam, see the header
      fileGraph.get(show(file))!.add(show(target));
      const [a, b] = [folderOf(file), folderOf(target)];
      if (a !== b) {
        folderGraph.get(a)!.add(b);
        if (!witness.has(`${a} ${b}`)) witness.set(`${a} ${b}`, `${show(file)} imports ${show(target)}`);
      }
    }
  }
  return {
    files: files.length,
    folders: folderGraph.size,
    fileCycles: findCycles(fileGraph),
    folderCycles: findCycles(folderGraph),
    witness,
    unresolved,
  };
}

/** The report `npm run lint:cycles` prints, and its exit code. */
export function render(a: Analysis): { text: string; exitCode: number } {
  const lines = a.unresolved.map((u) => `warning: cannot resolve ${u}`);
  if (a.fileCycles.cycles.length === 0 && a.folderCycles.cycles.length === 0) {
    lines.push(`no import cycles (${a.files} files, ${a.folders} folders)`);
    return { text: lines.join('\n'), exitCode: 0 };
  }
  for (const [level, found] of [
    ['file', a.fileCycles],
    ['folder', a.folderCycles],
  ] as const) {
    lines.push(`${level}-level import cycles: ${found.cycles.length}`);
    for (const t of found.tangles) lines.push(`  tangled (each reaches every other): ${t.join(', ')}`);
    for (const c of found.cycles) {
      lines.push(`  ${c.join(' → ')}`);
      if (level === 'folder') {
        for (let i = 0; i + 1 < c.length; i++) lines.push(`      ${a.witness.get(`${c[i]} ${c[i + 1]}`)}`);
      }
    }
  }
  lines.push(`(${a.files} files, ${a.folders} folders; type-only imports count, except of src/deps.ts)`);
  return { text: lines.join('\n'), exitCode: 1 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { text, exitCode } = render(analyse(resolve(dirname(fileURLToPath(import.meta.url)), '..')));
  console.log(text);
  process.exit(exitCode);
}
