// The signed-in user's session. The token lives in memory only; the HttpOnly session cookie that
// login sets renews it (POST /api/v1/auth/refresh) on every load, and again before it expires.
// Switching "Test mode" renews the session in the other environment of the same account.
export type Environment = 'live' | 'test';

export interface Session {
  token: string;
  expiresAt: string;
  environment: Environment;
}

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** Field → message, for input errors (REST names, e.g. `email`). */
  fields: Record<string, string>;
}

/** What the auth routes answer: a session, or the API's error body. */
interface Answer {
  token?: string;
  expiresAt?: string;
  error?: string;
  code?: string;
  fields?: string[];
  issues?: { path: string; message: string }[];
}

async function post(
  path: string,
  body: unknown,
): Promise<{ ok: true; json: Answer } | { ok: false; error: ApiFailure }> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    const error = { status: 0, code: 'NETWORK', message: 'The server cannot be reached.', fields: {} };
    return { ok: false, error };
  }
  const json = (await res.json().catch(() => ({}))) as Answer;
  if (res.ok) return { ok: true, json };
  const fields: Record<string, string> = {};
  for (const f of json.fields ?? []) fields[f] = 'Required.';
  for (const i of json.issues ?? []) fields[i.path] = i.message;
  const message =
    res.status === 429
      ? 'Too many attempts. Wait a minute and try again.'
      : String(json.error ?? res.statusText);
  return { ok: false, error: { status: res.status, code: String(json.code ?? 'ERROR'), message, fields } };
}

export async function signIn(email: string, password: string, environment: Environment) {
  const r = await post('/api/v1/auth/login', { email, password, environment });
  if (!r.ok) return r;
  return {
    ok: true as const,
    session: { token: r.json.token!, expiresAt: r.json.expiresAt!, environment } as Session,
  };
}

/** Renews the session from the cookie (in `environment` when given); null without one. */
export async function renew(environment?: Environment): Promise<Session | null> {
  const r = await post('/api/v1/auth/refresh', environment ? { environment } : {});
  if (!r.ok) return null;
  const token = r.json.token!;
  return { token, expiresAt: r.json.expiresAt!, environment: environmentOf(token) };
}

export async function signOut() {
  await post('/api/v1/auth/logout', {});
}

/** The environment a session token was issued for (its `env` claim). */
function environmentOf(token: string): Environment {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      env?: string;
    };
    return claims.env === 'test' ? 'test' : 'live';
  } catch {
    return 'live';
  }
}
