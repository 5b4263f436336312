// SSRF guard for webhook URLs. A URL must be http(s), and every address its host resolves to must
// be a public unicast address. The check runs when an endpoint is created or updated, and again at
// send time inside the connection's own DNS lookup (guardedLookup), so a name that is re-pointed
// at a private address between the check and the connect (DNS rebinding) is still refused.
// TO_WEBHOOK_ALLOW_PRIVATE=true lifts the address rules (not the scheme rule) for development.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { AppError } from '../lib/errors';

/** Refused ranges: [first address, prefix length, reason]. */
const V4_BLOCKED: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_BLOCKED: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

function parseV4(ip: string): number[] | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

/** 16 bytes of an IPv6 address (a zone id is ignored), or null. */
function parseV6(ip: string): number[] | null {
  let s = ip.split('%')[0]!.toLowerCase();
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inPrefix(bytes: number[], base: number[], bits: number): boolean {
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

const V4_TABLE = V4_BLOCKED.map(([ip, bits, why]) => [parseV4(ip)!, bits, why] as const);
const V6_TABLE = V6_BLOCKED.map(([ip, bits, why]) => [parseV6(ip)!, bits, why] as const);

function v4Reason(b: number[]): string | null {
  for (const [base, bits, why] of V4_TABLE) if (inPrefix(b, base, bits)) return why;
  return null;
}

const LOCAL_NAT64 = parseV6('64:ff9b:1::')!;
const NAT64 = parseV6('64:ff9b::')!;

/** Every IPv4 address an IPv6 address carries by a translation or tunnelling scheme, so that it
 * is judged by them: a NAT64 gateway or a relay would deliver to that IPv4 address. */
function embeddedV4(b: number[]): number[][] {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const at = (...i: number[]) => i.map((k) => b[k]!);
  const out: number[][] = [];
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated, SIIT).
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) out.push(at(12, 13, 14, 15));
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) out.push(at(12, 13, 14, 15));
  // ::a.b.c.d (IPv4-compatible, deprecated), except :: and ::1 themselves.
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && b[15] === 1)) out.push(at(12, 13, 14, 15));
  // 64:ff9b::/96 (NAT64 well-known prefix).
  if (inPrefix(b, NAT64, 96)) out.push(at(12, 13, 14, 15));
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215), with any RFC 6052 prefix length inside it (byte 8
  // is the reserved "u" octet that the /48, /56 and /64 layouts skip).
  if (inPrefix(b, LOCAL_NAT64, 48)) {
    out.push(at(12, 13, 14, 15), at(9, 10, 11, 12), at(7, 9, 10, 11), at(6, 7, 9, 10));
  }
  // 2002:a.b.c.d::/48 (6to4).
  if (b[0] === 0x20 && b[1] === 0x02) out.push(at(2, 3, 4, 5));
  // 2001:0::/32 (Teredo): the server's address, and the client's, stored inverted.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    out.push(
      at(4, 5, 6, 7),
      at(12, 13, 14, 15).map((x) => x ^ 0xff),
    );
  }
  return out;
}

/** Why an address may not be called (`loopback`, `private`, …), or null for a public address.
 * IPv6 forms that embed an IPv4 address (mapped, translated, compatible, NAT64, 6to4, Teredo) are
 * judged by it, however they are spelled (the address is parsed to bytes first). */
export function blockedReason(ip: string): string | null {
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return v4Reason(parseV4(ip)!);
  if (family !== 6) return 'not an IP address';
  const b = parseV6(ip);
  if (!b) return 'not an IP address';
  // Where a scheme allows several layouts, the zero padding of the wrong ones reads as 0.0.0.0/8:
  // name the reason of a layout that says more.
  const reasons = embeddedV4(b).map(v4Reason);
  const why = reasons.find((r) => r && r !== 'unspecified');
  if (why) return why;
  // Local-use NAT64 only ever leads into someone's own network.
  if (inPrefix(b, LOCAL_NAT64, 48)) return 'reserved';
  if (reasons.includes('unspecified')) return 'unspecified';
  for (const [base, bits, why] of V6_TABLE) if (inPrefix(b, base, bits)) return why;
  return null;
}

const refused = (msg: string) => new AppError('URL_NOT_ALLOWED', msg);

/** Parses a webhook URL and applies the scheme rule. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('Webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw refused(`Webhook URL must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (!url.hostname) throw refused('Webhook URL has no host');
  return url;
}

/** The URL's host as a bare IP literal (brackets removed), or null when it is a name. */
export function ipLiteral(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );
}

/** Throws 400 URL_NOT_ALLOWED unless the URL is http(s) and (unless allowPrivate) every address
 * its host resolves to is public. Used when an endpoint is created or its URL changes. */
export async function assertWebhookUrlAllowed(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (allowPrivate) return url;
  const literal = ipLiteral(url);
  if (literal) {
    const why = blockedReason(literal);
    if (why) throw refused(`Webhook URL points to a ${why} address (${literal})`);
    return url;
  }
  let addrs: LookupAddress[];
  try {
    addrs = await lookupAll(url.hostname);
  } catch {
    throw refused(`Webhook URL host ${url.hostname} could not be resolved`);
  }
  for (const a of addrs) {
    const why = blockedReason(a.address);
    if (why) throw refused(`Webhook URL host ${url.hostname} resolves to a ${why} address (${a.address})`);
  }
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for net/tls.connect (undici's `connect` option): resolves every address, refuses the
 * connection if any is blocked, and hands the checked addresses to the socket, so what was
 * checked is what is connected to. */
export function guardedLookup(hostname: string, options: Partial<LookupAllOptions>, cb: LookupCallback) {
  lookupAll(hostname).then(
    (addrs) => {
      for (const a of addrs) {
        const why = blockedReason(a.address);
        if (why) {
          const err: NodeJS.ErrnoException = new Error(
            `URL_NOT_ALLOWED: ${hostname} resolves to a ${why} address (${a.address})`,
          );
          err.code = 'URL_NOT_ALLOWED';
          return cb(err, []);
        }
      }
      const family = options.family === 4 || options.family === 6 ? options.family : 0;
      const usable = family ? addrs.filter((a) => a.family === family) : addrs;
      if (usable.length === 0) {
        const err: NodeJS.ErrnoException = new Error(`ENOTFOUND ${hostname}`);
        err.code = 'ENOTFOUND';
        return cb(err, []);
      }
      if (options.all) cb(null, usable);
      else cb(null, usable[0]!.address, usable[0]!.family);
    },
    (err: NodeJS.ErrnoException) => cb(err, []),
  );
}
