// Prometheus metrics, one registry per app instance. prom-client keeps the registry, the exposition
// format and the process metrics; the per-request series are our own small classes (Series below),
// which prom-client formats like its own. Its Counter and Histogram hash their label object on every
// call (2 to 3 µs a request for the three a validate touched, about 4 % of its CPU in the profile);
// here a request adds to a series found by one string key, and labels become objects once per series.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

interface Value {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}

/** A metric the registry can format: what prom-client's own metrics give `Registry#metrics()`. */
abstract class Series<L extends string, S> {
  protected readonly series = new Map<string, { labels: Record<L, string>; state: S }>();
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  protected abstract fresh(): S;
  protected abstract values(labels: Record<L, string>, state: S): Value[];

  /** The series for `key` (the label values joined), made from `labels()` the first time. */
  protected at(key: string, labels: () => Record<L, string>): S {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: labels(), state: this.fresh() }));
    return s.state;
  }

  get() {
    const values: Value[] = [];
    for (const { labels, state } of this.series.values()) values.push(...this.values(labels, state));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset() {
    this.series.clear();
  }
}

export class LabelledCounter<L extends string> extends Series<L, { n: number }> {
  protected fresh() {
    return { n: 0 };
  }
  protected values(labels: Record<L, string>, state: { n: number }): Value[] {
    return [{ labels, value: state.n }];
  }
  /** Adds `by` to the series with these labels; `key` is any string unique to them. */
  add(key: string, labels: () => Record<L, string>, by = 1) {
    this.at(key, labels).n += by;
  }
}

interface Buckets {
  /** Per bucket, not cumulative; the last is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class LabelledHistogram<L extends string> extends Series<L, Buckets> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, 'histogram', registry);
  }
  protected fresh(): Buckets {
    return { counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
  }
  protected values(labels: Record<L, string>, s: Buckets): Value[] {
    const out: Value[] = [];
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += s.counts[i]!;
      out.push({ labels: { le }, sharedLabels: labels, value: acc, metricName: `${this.name}_bucket` });
    });
    out.push(
      { labels: { le: '+Inf' }, sharedLabels: labels, value: s.count, metricName: `${this.name}_bucket` },
      { labels: {}, sharedLabels: labels, value: s.sum, metricName: `${this.name}_sum` },
      { labels: {}, sharedLabels: labels, value: s.count, metricName: `${this.name}_count` },
    );
    return out;
  }
  observe(key: string, labels: () => Record<L, string>, value: number) {
    const s = this.at(key, labels);
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new LabelledCounter<'method' | 'route' | 'status'>(
    'to_http_requests_total',
    'HTTP requests by route, method and status',
    'counter',
    this.registry,
  );
  private readonly latency = new LabelledHistogram<'method' | 'route' | 'status'>(
    'to_http_request_duration_seconds',
    'HTTP request latency by route, method and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    this.registry,
  );
  private readonly validations = new LabelledCounter<'code'>(
    'to_validations_total',
    'License validations by result code',
    'counter',
    this.registry,
  );
  private readonly rateLimited = new LabelledCounter<'limiter'>(
    'to_rate_limit_rejections_total',
    'Requests refused by a rate limit, by limiter',
    'counter',
    this.registry,
  );
  private readonly slowConsumers = new LabelledCounter<never>(
    'to_ws_slow_consumer_closes_total',
    'graphql-ws sockets closed (1013) because the client did not read its frames (TO_WS_MAX_BUFFERED_BYTES)',
    'counter',
    this.registry,
  );
  private readonly overflows = new LabelledCounter<never>(
    'to_subscription_overflows_total',
    'Subscriptions ended (SUBSCRIBER_TOO_SLOW) because more than TO_SUBSCRIPTION_MAX_QUEUED events waited for their client',
    'counter',
    this.registry,
  );

  constructor(
    opts: { queueDepth?: () => Promise<number>; eventStreams?: () => number; defaults?: boolean } = {},
  ) {
    if (opts.defaults !== false) collectDefaultMetrics({ register: this.registry });
    // Shown from the start at 0, so a rate over it has a first sample before the first close.
    this.slowConsumers.add('', () => ({}), 0);
    this.overflows.add('', () => ({}), 0);
    if (opts.eventStreams)
      this.gauge(
        'to_event_streams',
        'Live event streams (GraphQL subscriptions over WebSocket or SSE) on this instance',
        opts.eventStreams,
      );
    if (opts.queueDepth)
      this.gauge('to_webhook_queue_depth', 'Webhook deliveries waiting to be sent', opts.queueDepth);
  }

  /** A gauge read when /metrics is scraped. */
  private gauge(name: string, help: string, read: () => number | Promise<number>) {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** One HTTP request: its count and its latency. */
  observe(method: string, route: string, status: number, seconds: number) {
    const key = `${method} ${status} ${route}`;
    const labels = () => ({ method, route, status: String(status) });
    this.requests.add(key, labels);
    this.latency.observe(key, labels, seconds);
  }

  /** One validation, by its result code. */
  validated(code: string) {
    this.validations.add(code, () => ({ code }));
  }

  /** One request refused by a rate limit. */
  refused(limiter: string) {
    this.rateLimited.add(limiter, () => ({ limiter }));
  }

  /** One graphql-ws socket closed for not reading its frames. */
  slowConsumerClosed() {
    this.slowConsumers.add('', () => ({}));
  }

  /** One subscription ended for having more than TO_SUBSCRIPTION_MAX_QUEUED events waiting. */
  subscriptionOverflowed() {
    this.overflows.add('', () => ({}));
  }
}
