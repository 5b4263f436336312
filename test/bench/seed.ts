// The data every app benchmark needs. No side effects on import: the server child imports it, and
// must keep its own signal handling (./lib.ts installs the load generator's).
import type { App } from '../../src/app';

/** A product and a perpetual license, created through the REST API with the app's bootstrap live key. */
export async function seedLicense(
  app: App,
): Promise<{ apiKey: string; licenseKey: string; licenseId: string }> {
  if (!app.bootstrap) throw new Error('expected a bootstrapped account on a fresh database');
  const apiKey = app.bootstrap.liveKey;
  const call = async (path: string, body: unknown) => {
    const res = await app.fetch(
      new Request(`http://bench.local${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      }),
    );
    const json = (await res.json()) as any;
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { product } = await call('/api/v1/products', { name: 'Bench Product' });
  const { license } = await call('/api/v1/licenses', { product_id: product.id, type: 'perpetual' });
  return { apiKey, licenseKey: license.key, licenseId: license.id };
}

/** One REST call over HTTP with an API key; a non-2xx answer throws with its body. */
export async function api(base: string, apiKey: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
