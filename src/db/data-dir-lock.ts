// PGlite is one process: two processes on one DATA_DIR each keep their own copy of the database and
// the last one to write its files wins, silently losing the other's writes. So whoever opens the
// folder (the server, the CLI) first takes `DATA_DIR/to.lock`, created with O_EXCL and holding its
// pid. A lock whose pid is dead (a kill -9, a crash) is stale and taken over.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup-error';

export const LOCK_FILE = 'to.lock';

/** A lock file written less than this long ago with no pid yet is being written, not stale. */
const FRESH_MS = 5_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** The pid holding the lock, or null when the lock is stale. */
function holder(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null; // gone meanwhile
  }
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    const young = Date.now() - statSync(file, { throwIfNoEntry: false })!.mtimeMs < FRESH_MS;
    return young ? -1 : null;
  }
  if (pid === process.pid) return pid; // another database handle in this very process
  return alive(pid) ? pid : null;
}

/** The pid of another live process holding `dir`'s lock, or null (free, stale, or ours). */
export function lockHolder(dir: string): number | null {
  const pid = holder(path.join(dir, LOCK_FILE));
  return pid === process.pid ? null : pid;
}

/** Takes the lock on `dir`, or throws a StartupError naming the process that holds it. Returns the
 * release function (also run on process exit, so a clean stop never leaves a lock behind). */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = holder(file);
      if (pid !== null || attempt >= 3) {
        throw new StartupError(
          `DATA_DIR ${dir} is in use by another Traffic Orchestrator process${pid && pid > 0 ? ` (pid ${pid})` : ''}: the embedded database has one writer`,
          "Stop that process first (or make the change through the running server's API); to run several processes, use PostgreSQL (DATABASE_URL)",
        );
      }
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        // someone else removed it first; try again
      }
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}
