// The SDK's HTTP: one JSON request with a timeout, and answers turned into results or typed errors.
import { NetworkError, TrafficOrchestratorError } from './errors.js';
import { isObject } from './offline.js';

export interface Answer {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

export interface Endpoint {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  apiKey: string | undefined;
}

export async function send(
  to: Endpoint,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  opts: { auth?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (to.apiKey && opts.auth !== false) headers.authorization = `Bearer ${to.apiKey}`;
  let res: Response;
  let text: string;
  // Called unbound: browsers refuse `fetch` called as a method of anything but the window
  // ("Illegal invocation"), which `to.fetch(…)` would be.
  const fetchFn = to.fetch;
  try {
    res = await fetchFn(`${to.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(to.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const timedOut = isObject(err) && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new NetworkError(
      timedOut
        ? `No answer from ${to.baseUrl} within ${to.timeoutMs} ms`
        : `Cannot reach ${to.baseUrl}: ${err instanceof Error ? err.message : String(err)}`,
      timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      err,
    );
  }
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a proxy's error page, say); keep the text
  }
  return { status: res.status, body: parsed, requestId: res.headers.get('x-request-id') ?? undefined };
}

/** The body of a 2xx JSON answer, or the typed error for anything else. */
export function success(a: Answer): Record<string, unknown> {
  if (a.status >= 200 && a.status < 300) {
    if (isObject(a.body)) return a.body;
    throw new TrafficOrchestratorError('The server answered with something that is not JSON', {
      status: a.status,
      code: 'BAD_RESPONSE',
      requestId: a.requestId,
      body: a.body,
    });
  }
  throw failure(a);
}

export function failure(a: Answer): TrafficOrchestratorError {
  const b = isObject(a.body) ? a.body : {};
  const code = typeof b.code === 'string' ? b.code : `HTTP_${a.status}`;
  const message =
    typeof b.error === 'string'
      ? b.error
      : typeof b.message === 'string'
        ? b.message
        : `HTTP ${a.status} from the license server`;
  return new TrafficOrchestratorError(message, {
    status: a.status,
    code,
    help: typeof b.help === 'string' ? b.help : undefined,
    requestId: a.requestId,
    body: a.body,
  });
}
