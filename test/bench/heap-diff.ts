// Growth between two V8 heap snapshots (.heapsnapshot, as `--heapsnapshot-signal` writes them) of
// one process: self size and count per constructor (objects by constructor name, closures by
// function name, the rest by node type, as DevTools' summary groups them), and the Maps and Sets
// whose backing table grew, named by what holds them (node ids persist across snapshots of one
// process, so a Map is the same Map in both).
//   npx tsx test/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [top=10]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Group {
  key: string;
  count: number;
  bytes: number;
}
export interface Collection {
  id: number;
  kind: string;
  holder: string;
  tableBytes: number;
}
export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  groups: Map<string, Group>;
  collections: Map<number, Collection>;
}

/** Reads a snapshot into per-constructor totals and its Maps and Sets (with their table sizes). */
export function summarise(file: string): HeapSummary {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeTypes = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const N = nf.length;
  const E = ef.length;
  const [fType, fName, fId, fSize, fEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) =>
    nf.indexOf(f),
  ) as [number, number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const groups = new Map<string, Group>();
  const collections = new Map<number, Collection>();
  const nodes = s.nodes;
  const strings = s.strings;
  let totalBytes = 0;
  const count = nodes.length / N;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * N + fEdges]! * E;
    firstEdge[i + 1] = e;
  }
  const edgeName = (k: number) => {
    const t = edgeTypes[s.edges[k + eType]!];
    const v = s.edges[k + eName]!;
    return t === 'element' || t === 'hidden' ? `[${v}]` : strings[v]!;
  };
  for (let i = 0; i < count; i++) {
    const type = nodeTypes[nodes[i * N + fType]!]!;
    const name = strings[nodes[i * N + fName]!]!;
    const size = nodes[i * N + fSize]!;
    totalBytes += size;
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `${name || '(anonymous)'}()`
          : `(${type})`;
    const g = groups.get(key) ?? { key, count: 0, bytes: 0 };
    g.count++;
    g.bytes += size;
    groups.set(key, g);
    if (type === 'object' && (name === 'Map' || name === 'Set')) {
      let tableBytes = 0;
      for (let k = firstEdge[i]!; k < firstEdge[i + 1]!; k += E) {
        if (edgeName(k) === 'table') tableBytes = nodes[s.edges[k + eTo]! + fSize]!;
      }
      collections.set(nodes[i * N + fId]!, { id: nodes[i * N + fId]!, kind: name, holder: '', tableBytes });
    }
  }
  // Who holds each Map/Set: the first named property edge to it ("ApiKeyCache.byHash").
  for (let i = 0; i < count; i++) {
    const holderName = strings[nodes[i * N + fName]!]!;
    const holderType = nodeTypes[nodes[i * N + fType]!]!;
    for (let k = firstEdge[i]!; k < firstEdge[i + 1]!; k += E) {
      const t = edgeTypes[s.edges[k + eType]!];
      if (t !== 'property' && t !== 'context' && t !== 'internal') continue;
      const to = s.edges[k + eTo]! / N;
      const c = collections.get(nodes[to * N + fId]!);
      if (!c || c.holder) continue;
      const where = holderType === 'closure' ? `${holderName || '(anonymous)'}()` : holderName;
      c.holder = `${where}.${edgeName(k)}`;
    }
  }
  return { totalBytes, nodes: count, groups, collections };
}

export interface HeapDiff {
  before: HeapSummary;
  after: HeapSummary;
  /** Constructors by self-size growth, largest first. */
  growth: { key: string; count: [number, number]; bytes: [number, number] }[];
  /** Maps/Sets alive in both snapshots whose table grew, largest first; and those new in `after`. */
  collections: { holder: string; kind: string; tableBytes: [number, number] }[];
}

export function diff(beforeFile: string, afterFile: string): HeapDiff {
  const before = summarise(beforeFile);
  const after = summarise(afterFile);
  const growth = [...after.groups.values()]
    .map((g) => {
      const b = before.groups.get(g.key);
      return {
        key: g.key,
        count: [b?.count ?? 0, g.count] as [number, number],
        bytes: [b?.bytes ?? 0, g.bytes] as [number, number],
      };
    })
    .sort((x, y) => y.bytes[1] - y.bytes[0] - (x.bytes[1] - x.bytes[0]));
  const collections = [...after.collections.values()]
    .map((c) => ({
      holder: c.holder || '(unnamed)',
      kind: c.kind,
      tableBytes: [before.collections.get(c.id)?.tableBytes ?? 0, c.tableBytes] as [number, number],
    }))
    .filter((c) => c.tableBytes[1] > c.tableBytes[0])
    .sort((x, y) => y.tableBytes[1] - y.tableBytes[0] - (x.tableBytes[1] - x.tableBytes[0]));
  return { before, after, growth, collections };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const signedKb = (n: number) => `${n >= 0 ? '+' : ''}${(n / 1024).toFixed(0)} KB`;

/** Rows for a table: constructor, count before → after, self size before → after, growth. */
export function growthRows(d: HeapDiff, top = 10): string[][] {
  return d.growth
    .slice(0, top)
    .map((g) => [
      g.key.slice(0, 60),
      `${g.count[0]} → ${g.count[1]}`,
      `${kb(g.bytes[0])} → ${kb(g.bytes[1])}`,
      signedKb(g.bytes[1] - g.bytes[0]),
    ]);
}

export function collectionRows(d: HeapDiff, top = 10): string[][] {
  return d.collections
    .slice(0, top)
    .map((c) => [
      `${c.kind} ${c.holder}`.slice(0, 70),
      `${kb(c.tableBytes[0])} → ${kb(c.tableBytes[1])}`,
      signedKb(c.tableBytes[1] - c.tableBytes[0]),
    ]);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [a, b, top] = process.argv.slice(2);
  if (!a || !b) {
    console.error('usage: tsx test/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [top]');
    process.exit(2);
  }
  const d = diff(a, b);
  const n = Number(top ?? 10);
  console.log(
    `heap ${kb(d.before.totalBytes)} (${d.before.nodes} nodes) → ${kb(d.after.totalBytes)} (${d.after.nodes} nodes)`,
  );
  console.log('\nconstructor | count | self size | growth');
  for (const r of growthRows(d, n)) console.log(r.join(' | '));
  console.log('\nMap/Set (holder.property) | table | growth');
  for (const r of collectionRows(d, n)) console.log(r.join(' | '));
}
