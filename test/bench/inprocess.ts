// The validate route through the dispatcher in this process, with no socket and no HTTP parsing:
// what the limiter and the usage recorder add per request, without the ±10 % that the network
// runs carry on a 2-core machine (the load generator shares the cores). Variants are measured in
// turns and the median of each is kept, so drift in the machine hits them alike.
import { type App, buildApp } from '../../src/app';
import { testConfig } from '../../src/config';
import type { Exchange } from '../../src/rest/context';
import { seedLicense } from './seed';

async function appWith(limiter: boolean): Promise<{ app: App; key: string }> {
  const base = testConfig({ dataDir: 'memory://', logLevel: 'warn' });
  const app = await buildApp(
    { ...base, rateLimit: { ...base.rateLimit, enabled: limiter, ipPerMinute: 1_000_000_000 } },
    { jobs: false },
  );
  return { app, key: (await seedLicense(app)).licenseKey };
}

const GRAPHQL_VALIDATE =
  'mutation($input:ValidateLicenseInput!){ validateLicense(input:$input){ __typename ... on LicenseValidation { valid code } } }';

/** A validate request as the node transport presents it: headers and body already in memory. REST's
 * POST /api/v1/validate, or the same check as the GraphQL mutation the validate benchmark sends. */
function validateExchange(key: string, door: 'rest' | 'graphql' = 'rest'): () => Exchange {
  const path = door === 'rest' ? '/api/v1/validate' : '/graphql';
  const body =
    door === 'rest'
      ? JSON.stringify({ license_key: key })
      : JSON.stringify({ query: GRAPHQL_VALIDATE, variables: { input: { key } } });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'bench',
  };
  const get = (name: string) => headers[name.toLowerCase()] ?? null;
  return () => ({
    method: 'POST',
    url: `http://bench.local${path}`,
    path,
    query: '',
    remoteAddress: '127.0.0.1',
    headers: { get },
    readBody: () => Promise.resolve(body),
    readBytes: () => Promise.resolve(Buffer.from(body)),
    webRequest: () => {
      throw new Error('not used by validate');
    },
  });
}

export interface InProcessFigure {
  name: string;
  door: 'rest' | 'graphql';
  /** Median server CPU time per request over the rounds, in µs. */
  cpuUs: number;
  rounds: number[];
}

export async function inProcessOverheads(requests = 20_000, rounds = 7): Promise<InProcessFigure[]> {
  const on = await appWith(true);
  const off = await appWith(false);
  const record = on.app.deps.usage.record.bind(on.app.deps.usage);
  const variants: { name: string; app: typeof on; usage: boolean; door: 'rest' | 'graphql' }[] = [
    { name: 'all on (limiter in memory, usage on)', app: on, usage: true, door: 'rest' },
    { name: 'usage recording off', app: on, usage: false, door: 'rest' },
    { name: 'rate limiter off', app: off, usage: true, door: 'rest' },
    // The same check through the GraphQL door, for scale (no switch: the difference is the door).
    { name: 'graphql validateLicense, all on', app: on, usage: true, door: 'graphql' },
  ];
  const samples = variants.map(() => [] as number[]);
  try {
    for (let round = -1; round < rounds; round++) {
      for (const [i, v] of variants.entries()) {
        on.app.deps.usage.record = v.usage ? record : () => {};
        const next = validateExchange(v.app.key, v.door);
        const c0 = process.cpuUsage();
        for (let n = 0; n < requests; n++) {
          const reply = await v.app.app.dispatch(next());
          const text = typeof reply.body === 'string' ? reply.body : '';
          if (reply.status !== 200 || !text.includes('"valid":true'))
            throw new Error(`${v.name}: HTTP ${reply.status} ${text}`);
        }
        const c = process.cpuUsage(c0);
        if (round >= 0) samples[i]!.push((c.user + c.system) / requests); // round -1 warms up
      }
    }
  } finally {
    on.app.deps.usage.record = record;
    await on.app.stop();
    await off.app.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return variants.map((v, i) => ({
    name: v.name,
    door: v.door,
    cpuUs: Math.round(median(samples[i]!) * 100) / 100,
    rounds: samples[i]!.map((x) => Math.round(x * 100) / 100),
  }));
}
