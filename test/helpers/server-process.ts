// Spawns the real server or CLI, as built (src/dist/main.js, src/dist/cli.js), as a child process, for tests of what an
// operator sees: exit codes, the lines printed, and a server reached over real HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout (or stderr) matches `re`; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The environment of a child: the test's, minus the database and Redis unless given. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete e.DATABASE_URL;
  delete e.REDIS_URL;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}

/** The build `npm start` and `npm run cli` run (src/dist, made by `npm run server:build`), with plain
 * node: what an operator starts. The suite's global setup rebuilds it when a source is newer. */
export function spawnBuilt(
  entry: 'src/dist/main.js' | 'src/dist/cli.js',
  env: NodeJS.ProcessEnv,
  args: string[] = [],
) {
  return spawnNode([entry, ...args], env);
}

function spawnNode(nodeArgs: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, ms = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${re}\nstdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        const check = () => {
          const m = re.exec(out) ?? re.exec(err);
          if (m || done) {
            clearTimeout(timer);
            waiters.delete(check);
            if (m) resolve(m);
            else reject(new Error(`exited before ${re}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** The port a started server logged. */
export const listeningPort = (s: Spawned) => s.waitFor(/"port":(\d+)/).then((m) => Number(m[1]));
