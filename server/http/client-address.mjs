// @ts-check
// Who is the client of a request? Plain Node ESM (no build step): server.mjs runs it on every request before
// Next sees the request, and the TypeScript code (server/env.ts, server/http/client-ip.ts) imports it too.
//
// The answer is the socket's peer address, or — only when that peer is a configured trusted proxy
// (HARBORMASTER_TRUSTED_PROXIES) — the right-most address of X-Forwarded-For that is not itself a trusted
// proxy. Every hop left of that one was written by someone we do not trust, so it is never believed.
import net from 'node:net';

/** The private request header server.mjs writes the client address into (a client-sent copy is dropped). */
export const CLIENT_IP_HEADER = 'x-harbormaster-client-ip';

/** Set on globalThis by server.mjs: "every request went through computeClientAddress". */
export const CLIENT_IP_HEADER_MARK = Symbol.for('harbormaster.clientIpHeader');

/** Declares that requests reaching the route handlers carry CLIENT_IP_HEADER as computed by this module. */
export function markClientIpHeaderSet() {
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[CLIENT_IP_HEADER_MARK] = true;
}

export function clientIpHeaderIsSet() {
  return /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[CLIENT_IP_HEADER_MARK] === true;
}

/**
 * A bare IP address (v4 dotted, v6 lower case; an IPv4-mapped IPv6 address as IPv4), or null when `text` is not
 * an address. Accepts what proxies and sockets write: `1.2.3.4:5678`, `[::1]:443`, `fe80::1%eth0`, spaces.
 * @param {string | null | undefined} text
 * @returns {string | null}
 */
export function normalizeAddress(text) {
  if (typeof text !== 'string') return null;
  let a = text.trim();
  if (!a || a.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  a = a.toLowerCase();
  const kind = net.isIP(a);
  if (kind === 4) return a;
  if (kind !== 6) return null;
  const mapped = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped && net.isIPv4(mapped[1])) return mapped[1];
  return a;
}

/**
 * @typedef {{ entries: string[]; list: net.BlockList }} TrustedProxies
 * The parsed HARBORMASTER_TRUSTED_PROXIES: `entries` as written (normalized), `list` for lookups.
 */

/**
 * Parses HARBORMASTER_TRUSTED_PROXIES: comma-separated IP addresses and CIDR ranges (`10.0.0.0/8`,
 * `fd00::/8`). Empty or unset: no proxy is trusted (loopback neither). Throws an Error naming the first bad
 * entry — callers turn it into a startup error.
 * @param {string | null | undefined} text
 * @returns {TrustedProxies}
 */
export function parseTrustedProxies(text) {
  const list = new net.BlockList();
  /** @type {string[]} */
  const entries = [];
  for (const raw of (text ?? '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const slash = item.indexOf('/');
    const addrText = slash >= 0 ? item.slice(0, slash) : item;
    const addr = normalizeAddress(addrText);
    if (!addr) {
      throw new Error(`"${item}" is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8; host names are not accepted)`);
    }
    if (/[\][%]/.test(addrText) || /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(addrText)) {
      throw new Error(`"${item}" is not an IP address or CIDR range (write the address without port, brackets or zone)`);
    }
    const family = net.isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (slash >= 0) {
      const prefixText = item.slice(slash + 1);
      const mapped = family === 'ipv4' && addrText.includes(':');
      const max = family === 'ipv4' && !mapped ? 32 : 128;
      if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
        throw new Error(`"${item}": the prefix length after "/" must be a whole number from 0 to ${max}`);
      }
      // An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) is written as its IPv4 range.
      const prefix = mapped ? Number(prefixText) - 96 : Number(prefixText);
      if (prefix < 0) throw new Error(`"${item}": an IPv4-mapped range needs a prefix length of at least 96`);
      list.addSubnet(addr, prefix, family);
      entries.push(`${addr}/${prefix}`);
    } else {
      list.addAddress(addr, family);
      entries.push(addr);
    }
  }
  return { entries, list };
}

/**
 * @param {string} addr a normalized address
 * @param {TrustedProxies} trusted
 */
export function isTrustedProxy(addr, trusted) {
  if (!trusted.entries.length) return false;
  return trusted.list.check(addr, net.isIPv4(addr) ? 'ipv4' : 'ipv6');
}

/**
 * The client address of one request, or null when the peer address is unknown.
 * - The peer is not a trusted proxy: the peer (X-Forwarded-For is ignored; anyone can write it).
 * - The peer is a trusted proxy: X-Forwarded-For read from the right; the first address that is not a
 *   trusted proxy is the client. When every listed hop is trusted, the left-most one; an unparsable entry stops
 *   the walk at the last trusted hop (it would have been written by an untrusted party).
 * @param {{ peer: string | null | undefined; forwardedFor?: string | string[] | null; trusted: TrustedProxies }} req
 * @returns {string | null}
 */
export function computeClientAddress({ peer, forwardedFor, trusted }) {
  let client = normalizeAddress(peer);
  if (!client || !isTrustedProxy(client, trusted)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!hops[i].trim()) continue;
    const hop = normalizeAddress(hops[i]);
    if (!hop) break;
    client = hop;
    if (!isTrustedProxy(hop, trusted)) break;
  }
  return client;
}

/**
 * server.mjs, on every request: removes any client-sent CLIENT_IP_HEADER and writes the computed address.
 * @param {import('node:http').IncomingMessage} req
 * @param {TrustedProxies} trusted
 * @returns {string | null} the address written
 */
export function setClientIpHeader(req, trusted) {
  delete req.headers[CLIENT_IP_HEADER];
  // Next reads `headers`, but keep rawHeaders consistent too.
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase() === CLIENT_IP_HEADER) raw.splice(i, 2);
  const ip = computeClientAddress({ peer: req.socket?.remoteAddress, forwardedFor: req.headers['x-forwarded-for'], trusted });
  if (ip) {
    req.headers[CLIENT_IP_HEADER] = ip;
    raw.push(CLIENT_IP_HEADER, ip);
  }
  return ip;
}
