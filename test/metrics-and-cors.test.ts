import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ corsOrigins: ['https://dash.vendor.test'] });
});
afterAll(() => t.close());

describe('/metrics', () => {
  it('exposes request counts and latencies by route and status, validation outcomes and queue depth', async () => {
    const { license } = await productAndLicense(t);
    await t.call('POST', '/api/v1/validate', { key: license.key }, null);
    await t.call('POST', '/api/v1/validate', { key: 'NOPE-NOPE-NOPE-NOPE' }, null);
    const res = await t.app.fetch(new Request('http://x/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /to_http_requests_total\{method="POST",route="\/api\/v1\/validate",status="200"\} 1/,
    );
    expect(text).toMatch(
      /to_http_requests_total\{method="POST",route="\/api\/v1\/validate",status="404"\} 1/,
    );
    expect(text).toMatch(
      /to_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/v1\/validate"/,
    );
    // A whole histogram series: cumulative buckets ending in +Inf, which equals _count, and _sum.
    const series = 'method="POST",route="/api/v1/validate",status="200"';
    const esc = series.replace(/[/]/g, '\\/');
    expect(text).toMatch(new RegExp(`to_http_request_duration_seconds_bucket\\{le="\\+Inf",${esc}\\} 1\n`));
    expect(text).toMatch(new RegExp(`to_http_request_duration_seconds_count\\{${esc}\\} 1\n`));
    expect(text).toMatch(new RegExp(`to_http_request_duration_seconds_sum\\{${esc}\\} 0\\.\\d+`));
    expect(text).toMatch(/# TYPE to_http_request_duration_seconds histogram/);
    expect(text).toMatch(/# TYPE to_http_requests_total counter/);
    expect(text).toMatch(/to_validations_total\{code="VALID"\} 1/);
    expect(text).toMatch(/to_validations_total\{code="NOT_FOUND"\} 1/);
    expect(text).toMatch(/to_webhook_queue_depth \d+/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
  });
});

describe('CORS', () => {
  it('answers preflight for a configured origin only', async () => {
    const pre = (origin: string) =>
      t.app.fetch(
        new Request('http://x/api/v1/licenses', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        }),
      );
    const ok = await pre('https://dash.vendor.test');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dash.vendor.test');
    const other = await pre('https://evil.test');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
