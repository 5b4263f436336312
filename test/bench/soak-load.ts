// The soak's load: a fixed number of concurrent workers, each looping over a weighted mix of
// validate, activate, deactivate, floating heartbeats and license updates through the proxy.
// Every answer is counted by phase, operation and status, with its latency and the backend that
// answered, so the checks can tell what the faults explain.
import { Agent, request } from 'node:http';

export type Op = 'validate' | 'activate' | 'deactivate' | 'heartbeat' | 'update';
export const OPS: Op[] = ['validate', 'activate', 'deactivate', 'heartbeat', 'update'];
/** The key routes: each answer below 500 (other than 429) is one usage row. */
export const KEY_OPS = new Set<Op>(['validate', 'activate', 'deactivate', 'heartbeat']);

export interface SoakLicense {
  id: string;
  key: string;
  floating: boolean;
  maxActivations: number;
}

export interface PhaseStats {
  name: string;
  startedAt: number;
  endedAt: number;
  latencies: number[];
  /** `${op} ${status}` → count; status 0 is a transport error (no answer). */
  byStatus: Map<string, number>;
}

const WEIGHTS: [Op, number][] = [
  ['validate', 60],
  ['activate', 12],
  ['deactivate', 10],
  ['heartbeat', 12],
  ['update', 6],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);
/** Devices per license: more than any seat limit, so activations meet the limit. */
const DEVICES = 5;

function pickOp(): Op {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const [op, w] of WEIGHTS) if ((r -= w) < 0) return op;
  return 'validate';
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export class SoakLoad {
  readonly phases: PhaseStats[] = [];
  private phase!: PhaseStats;
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** Usage-row answers per backend, per second (for what a kill -9 may lose). */
  readonly usageAnswers = new Map<string, Map<number, number>>();
  /** Usage-row answers in total, by kind. */
  readonly usageByKind = new Map<string, number>();
  /** Requests sent to a key route that got no answer (the server may still have counted them). */
  unanswered = 0;
  private floating: SoakLicense[];

  constructor(
    private readonly proxyUrl: string,
    private readonly apiKey: string,
    private readonly licenses: SoakLicense[],
    private readonly concurrency: number,
  ) {
    this.floating = licenses.filter((l) => l.floating);
    this.newPhase('warm-up');
  }

  /** Closes the current phase and opens the next one. */
  newPhase(name: string): void {
    const now = Date.now();
    if (this.phase) this.phase.endedAt = now;
    this.phase = { name, startedAt: now, endedAt: now, latencies: [], byStatus: new Map() };
    this.phases.push(this.phase);
  }

  start(): void {
    this.running = true;
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.phase.endedAt = Date.now();
    this.agent.destroy();
  }

  private async work(): Promise<void> {
    while (this.running) {
      const op = pickOp();
      const lic = op === 'heartbeat' ? pick(this.floating) : pick(this.licenses);
      const device = `dev-${Math.floor(Math.random() * DEVICES)}`;
      let path = '/api/v1/validate';
      let method = 'POST';
      let body: unknown = { license_key: lic.key };
      let auth = false;
      if (op === 'validate' && lic.floating && Math.random() < 0.5)
        body = { license_key: lic.key, machine_id: device };
      if (op === 'activate') {
        path = '/api/v1/activate';
        body = { license_key: lic.key, machine_id: device, platform: 'soak' };
      } else if (op === 'deactivate' || op === 'heartbeat') {
        path = `/api/v1/${op}`;
        body = { license_key: lic.key, machine_id: device };
      } else if (op === 'update') {
        path = `/api/v1/licenses/${lic.id}`;
        method = 'PATCH';
        body = { metadata: { soak: Date.now() } };
        auth = true;
      }
      const t0 = performance.now();
      const { status, backend } = await this.send(method, path, body, auth);
      // Counted in the phase it was answered in: a request sent just before a kill -9 and cut by it
      // is the kill's (it was once counted in the phase before, as an unexplained 502).
      const phase = this.phase;
      phase.latencies.push(performance.now() - t0);
      const k = `${op} ${status}`;
      phase.byStatus.set(k, (phase.byStatus.get(k) ?? 0) + 1);
      if (KEY_OPS.has(op)) {
        if (status === 0 || status >= 500) this.unanswered++;
        else if (status < 500 && status !== 429 && status !== 400) {
          this.usageByKind.set(op, (this.usageByKind.get(op) ?? 0) + 1);
          const sec = Math.floor(Date.now() / 1000);
          const m = this.usageAnswers.get(backend) ?? new Map<number, number>();
          m.set(sec, (m.get(sec) ?? 0) + 1);
          this.usageAnswers.set(backend, m);
        }
      }
      // Without the proxy there is nothing to hammer: back off instead of spinning.
      if (status === 0) await new Promise((r) => setTimeout(r, 50));
    }
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    auth: boolean,
  ): Promise<{ status: number; backend: string }> {
    const data = JSON.stringify(body);
    const url = new URL(path, this.proxyUrl);
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
            'user-agent': 'to-soak',
            ...(auth ? { authorization: `Bearer ${this.apiKey}` } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, backend: String(res.headers['x-soak-backend'] ?? '') }),
          );
          res.on('error', () => resolve({ status: 0, backend: '' }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, backend: '' }));
      req.end(data);
    });
  }

  /** Usage-row answers from `backend` in the seconds [from, to]. */
  answeredBetween(backend: string, fromMs: number, toMs: number): number {
    const m = this.usageAnswers.get(backend);
    if (!m) return 0;
    let n = 0;
    for (let s = Math.floor(fromMs / 1000); s <= Math.floor(toMs / 1000); s++) n += m.get(s) ?? 0;
    return n;
  }
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
