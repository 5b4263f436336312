// What DNS says about a custom domain, as this server sees it: the addresses the name resolves to,
// and whether they include an address of this server's own public host (TO_PUBLIC_URL). Read when
// asked (the dashboard's Settings), never on a request path; a lookup that hangs gives up.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Deps } from '../deps';

export interface DomainDns {
  /** The addresses the host resolves to; empty when it does not resolve. */
  addresses: string[];
  /** Whether one of them is an address of TO_PUBLIC_URL's host; null when that cannot be told. */
  pointsHere: boolean | null;
  /** Why the host did not resolve (ENOTFOUND, a timeout, …), else null. */
  error: string | null;
  /** The name (or address) to point the domain at. */
  target: string;
}

const TIMEOUT_MS = 3_000;

async function resolveAll(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return [...new Set(found.map((a) => a.address))];
  } finally {
    clearTimeout(timer);
  }
}

export async function domainDns(deps: Pick<Deps, 'config'>, host: string): Promise<DomainDns> {
  const target = new URL(deps.config.publicUrl).hostname.toLowerCase();
  const [mine, theirs] = await Promise.allSettled([resolveAll(target), resolveAll(host)]);
  if (theirs.status === 'rejected') {
    const err = theirs.reason as NodeJS.ErrnoException;
    return { addresses: [], pointsHere: false, error: err.code ?? err.message, target };
  }
  const addresses = theirs.value;
  const pointsHere = mine.status === 'fulfilled' ? addresses.some((a) => mine.value.includes(a)) : null;
  return { addresses, pointsHere, error: null, target };
}
