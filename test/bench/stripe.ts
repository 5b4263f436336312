// The Stripe receiver benchmark: signed Stripe events per second through
// POST /api/v1/integrations/stripe/:accountId/webhook of the real app (own process, PGlite on disk;
// PostgreSQL too when DATABASE_URL is set), next to a bare node:http server (own process) answering
// the same signed bodies in the same run. Three kinds: a checkout that makes a license (and queues
// its key email), an invoice.paid that renews one, and a replay of an event already applied.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { type BenchOptions, freshPgDatabase, machineFacts, startServer, tempDir } from './lib';
import { type Figure, positiveInt, printTable } from './webhooks';

const SECRET = 'whsec_benchmark0123456789';
const CONCURRENCY = 10;

const sign = (body: string) => {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
};

let seq = 0;
const event = (type: string, object: Record<string, unknown>, id = `evt_bench_${++seq}`) =>
  JSON.stringify({
    id,
    object: 'event',
    created: Math.floor(Date.now() / 1000),
    livemode: true,
    type,
    data: { object },
  });

const checkout = (i: number) =>
  event('checkout.session.completed', {
    id: `cs_bench_${i}_${seq}`,
    object: 'checkout.session',
    payment_status: 'paid',
    customer: `cus_bench_${i}`,
    customer_details: { email: `buyer${i}@example.com` },
    subscription: `sub_bench_${i}_${seq}`,
    metadata: {},
  });

const invoicePaid = (sub: string, i: number) =>
  event('invoice.paid', {
    id: `in_bench_${i}`,
    object: 'invoice',
    parent: { subscription_details: { subscription: sub } },
    lines: { data: [{ period: { end: Math.floor(Date.now() / 1000) + 30 * 86400 + i } }] },
  });

/** POSTs each body (signed when sent) to `url`, `CONCURRENCY` at a time. */
async function post(
  name: string,
  url: string,
  bodies: string[],
  expect: (status: number, body: string) => boolean,
): Promise<Figure> {
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const { origin, pathname } = new URL(url);
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await agent.request({
        origin,
        path: pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': sign(body) },
        body,
      });
      const text = await res.body.text();
      if (!expect(res.statusCode, text)) errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return {
    name,
    perSec: bodies.length / seconds,
    count: bodies.length,
    seconds,
    concurrency: CONCURRENCY,
    errors,
  };
}

async function api(base: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function receiverRows(
  label: string,
  env: Record<string, string>,
  count: number,
  opts: BenchOptions,
): Promise<Figure[]> {
  const server = await startServer('app', opts, env);
  try {
    const key = String(server.info.apiKey);
    const product = await api(server.url, key, 'POST', '/api/v1/products', { name: 'Bench Stripe' });
    const conf = await api(server.url, key, 'PUT', '/api/v1/integrations/stripe', {
      webhook_secret: SECRET,
      default_product_id: product.product.id,
    });
    const url = String(conf.stripe.webhookUrl).replace(/^https?:\/\/[^/]+/, server.url);
    const ok = (status: number, body: string) => status === 200 && body === '{"received":true}';
    await post(
      'warm-up',
      url,
      Array.from({ length: 100 }, (_, i) => checkout(-i - 1)),
      ok,
    );
    const checkouts = Array.from({ length: count }, (_, i) => checkout(i));
    const rows = [await post(`receiver (${label}): checkout → new license`, url, checkouts, ok)];
    const subs = checkouts.map(
      (b) => (JSON.parse(b) as { data: { object: { subscription: string } } }).data.object.subscription,
    );
    rows.push(await post(`receiver (${label}): invoice.paid → renew`, url, subs.map(invoicePaid), ok));
    const dup = (status: number, body: string) => status === 200 && body.includes('"duplicate":true');
    rows.push(await post(`receiver (${label}): replayed event`, url, checkouts, dup));
    return rows;
  } finally {
    await server.stop();
  }
}

export async function stripeBench(opts: BenchOptions): Promise<void> {
  const count = positiveInt('BENCH_STRIPE_N', 1000);
  const facts = machineFacts();
  console.log('stripe receiver benchmark');
  console.log(
    `  machine: node ${facts.node}, ${facts.platform}, ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.memGiB} GiB, load average ${facts.loadAvg1m} at start`,
  );
  console.log(
    `  ${count} events of each kind (BENCH_STRIPE_N), ${CONCURRENCY} in flight, each signed as Stripe signs it`,
  );
  console.log('');
  const rows: Figure[] = [];
  const baseline = await startServer('baseline', opts);
  try {
    rows.push(
      await post(
        'bare node:http, same bodies',
        `${baseline.url}/`,
        Array.from({ length: count }, (_, i) => checkout(i)),
        (s) => s === 200,
      ),
    );
  } finally {
    await baseline.stop();
  }
  const dir = tempDir('to-bench-stripe-');
  try {
    console.log('- receiver (pglite on disk) …');
    rows.push(...(await receiverRows('pglite', { BENCH_DATA_DIR: dir.path }, count, opts)));
  } finally {
    await dir.remove();
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const db = await freshPgDatabase(databaseUrl);
    try {
      console.log('- receiver (postgres) …');
      rows.push(...(await receiverRows('postgres', { BENCH_DATABASE_URL: db.url }, count, opts)));
    } finally {
      await db.drop();
    }
  } else console.log('- receiver (postgres): skipped, DATABASE_URL not set');
  console.log('');
  printTable(rows);
  const base = rows[0]!.perSec;
  console.log('');
  for (const r of rows.slice(1))
    console.log(`  ${r.name}: ${(r.perSec / base).toFixed(3)}× the bare node:http server`);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'stripe',
      ...facts,
      events: count,
      results: rows.map((r) => ({ ...r, perSec: Math.round(r.perSec) })),
    }),
  );
}
