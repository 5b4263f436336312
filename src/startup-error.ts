// A reason the server (or the CLI) cannot start that the operator can fix: what is wrong and how to
// fix it, printed as one line with no stack trace, then exit 1.
export class StartupError extends Error {
  constructor(
    what: string,
    readonly fix: string,
  ) {
    super(`${what}. ${fix}`);
    this.name = 'StartupError';
  }
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);

/** The one line to print for a failed start: a StartupError as it is, a database that cannot be
 * reached with the setting to check, anything else by its message (the stack only at debug level). */
export function startupMessage(err: unknown, ctx: { databaseUrl?: string } = {}): string {
  if (err instanceof StartupError) return err.message;
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] } | undefined;
  const code = e?.code ?? e?.errors?.[0]?.code;
  if (ctx.databaseUrl && code && NET_CODES.has(code)) {
    const u = new URL(ctx.databaseUrl);
    return `Cannot reach PostgreSQL at ${u.hostname}:${u.port || 5432} (${code}). Check DATABASE_URL and that the database server is running`;
  }
  const msg = (e?.message ?? String(err)).split('\n').join(' ').trim();
  return `Start-up failed: ${msg || 'unknown error'}${code ? ` (${code})` : ''}. Set LOG_LEVEL=debug to see where`;
}
