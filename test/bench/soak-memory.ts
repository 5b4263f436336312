// The soak's memory readings: RSS (from /proc) and the V8 heap in use (prom-client's
// `nodejs_heap_size_used_bytes` on the instance's own /metrics) per instance at the start and the
// end of the load, and a heap snapshot of one instance that is never restarted at both moments
// (node's --heapsnapshot-signal=SIGUSR2, written to the soak's folder), diffed by heap-diff.ts.
// A snapshot runs a full GC first, so the heap read right after it is what is live; the other
// instances are read twice, a second apart, and the lower reading kept.
import { readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectionRows, diff, growthRows } from './heap-diff';
import type { Instance } from './soak-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MemoryReading {
  rssMb: number | null;
  heapMb: number | null;
  /** The heap was read just after a full GC (the snapshot's). */
  afterGc: boolean;
}

/** `nodejs_heap_size_used_bytes` from the instance's /metrics, in MB (null when it does not answer). */
export async function heapUsedMb(i: Instance): Promise<number | null> {
  if (!i.running) return null;
  try {
    const res = await fetch(`http://127.0.0.1:${i.port}/metrics`);
    const m = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(await res.text());
    return m ? Math.round(Number(m[1]) / 1024 / 1024) : null;
  } catch {
    return null;
  }
}

/** SIGUSR2 to the instance; waits for the snapshot file (its pid in the name) to be complete and
 * the instance to answer again, and renames it `<name>.<label>.heapsnapshot`. */
export async function heapSnapshot(i: Instance, dir: string, label: string): Promise<string> {
  const pid = i.pid!;
  const mine = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && f.includes(`.${pid}.`));
  const before = new Set(mine());
  i.child!.kill('SIGUSR2');
  const deadline = Date.now() + 120_000;
  let file: string | undefined;
  let size = -1;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot from ${i.name} in ${dir}`);
    await sleep(500);
    file ??= mine().find((f) => !before.has(f));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    // Written on the instance's main thread: once it answers /metrics and the size holds, it is done.
    if (now === size && now > 0 && (await heapUsedMb(i)) !== null) break;
    size = now;
  }
  const out = join(dir, `${i.name}.${label}.heapsnapshot`);
  renameSync(join(dir, file), out);
  return out;
}

export async function readMemory(instances: Instance[], watched: Instance, dir: string, label: string) {
  const readings = new Map<string, MemoryReading>();
  // RSS before the snapshot, whose writing swells it.
  const rssMb = watched.rssMb();
  const snapshot = await heapSnapshot(watched, dir, label);
  readings.set(watched.name, { rssMb, heapMb: await heapUsedMb(watched), afterGc: true });
  for (const i of instances) {
    if (i === watched) continue;
    const first = await heapUsedMb(i);
    await sleep(1000);
    const second = await heapUsedMb(i);
    const heapMb = first === null || second === null ? (first ?? second) : Math.min(first, second);
    readings.set(i.name, { rssMb: i.rssMb(), heapMb, afterGc: false });
  }
  return { readings, snapshot };
}

export interface MemoryReport {
  start: Map<string, MemoryReading>;
  end: Map<string, MemoryReading>;
  snapshots: [string, string];
  watched: string;
}

type Table = (title: string, head: string[], rows: string[][]) => void;

export function printMemory(m: MemoryReport, instances: Instance[], printTable: Table) {
  const cell = (r: MemoryReading | undefined, k: 'rssMb' | 'heapMb') =>
    `${String(r?.[k] ?? '-')}${k === 'heapMb' && r?.afterGc ? ' (after GC)' : ''}`;
  printTable(
    'Memory (MB; heap = V8 heap used)',
    ['instance', 'RSS start', 'RSS end', 'heap start', 'heap end', 'restarts'],
    instances.map((i) => [
      i.name,
      cell(m.start.get(i.name), 'rssMb'),
      cell(m.end.get(i.name), 'rssMb'),
      cell(m.start.get(i.name), 'heapMb'),
      cell(m.end.get(i.name), 'heapMb'),
      String(i.starts - 1),
    ]),
  );
  const d = diff(m.snapshots[0], m.snapshots[1]);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  printTable(
    `Heap growth of ${m.watched} by constructor (snapshots ${mb(d.before.totalBytes)} → ${mb(d.after.totalBytes)} MB)`,
    ['constructor', 'count', 'self size', 'growth'],
    growthRows(d, 10),
  );
  printTable(
    'Maps and Sets that grew (holder.property)',
    ['collection', 'table', 'growth'],
    collectionRows(d, 10),
  );
  console.log(`heap snapshots: ${m.snapshots.join(' and ')}`);
}
