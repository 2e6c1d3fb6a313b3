// IPv4/IPv6 addresses and CIDR blocks, parsed into BigInts so containment checks are exact.
// Used for NO_PROXY coverage of the cluster's service/pod ranges and for NetworkPolicy ipBlocks.

export interface Cidr {
  family: 4 | 6;
  /** Network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** Canonical text, e.g. "10.0.0.0/16". */
  text: string;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let text = s;
  // An embedded IPv4 address ("::ffff:10.0.0.1") stands for the last two groups: rewrite it as hex.
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...Array<string>(8 - total).fill('0'), ...rest];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/** Parses an IP address. */
export function parseIp(s: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = s.includes(':') ? parseIPv6(s) : undefined;
  if (v6 !== undefined) return { family: 6, value: v6 };
  return undefined;
}

function formatNetwork(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((value >> sh) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Parses "10.0.0.0/16", "fd00::/108" or a bare address (a /32 or /128). Host bits must be zero. */
export function parseCidr(s: string): { ok: true; cidr: Cidr } | { ok: false; reason: string } {
  const [addr, prefixText, extra] = s.trim().split('/');
  if (extra !== undefined) return { ok: false, reason: `"${s}" is not a CIDR block (expected e.g. 10.0.0.0/16)` };
  const ip = parseIp(addr);
  if (!ip) return { ok: false, reason: `"${s}" is not a CIDR block: "${addr}" is not an IP address` };
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    return { ok: false, reason: `"${s}" has an invalid prefix length (0–${bits} for IPv${ip.family})` };
  }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((ip.value & hostMask) !== 0n) {
    const network = ip.value & ~hostMask;
    return {
      ok: false,
      reason: `"${s}" has host bits set; the block is ${formatNetwork(ip.family, network)}/${prefix}`,
    };
  }
  return { ok: true, cidr: { family: ip.family, network: ip.value, prefix, text: `${formatNetwork(ip.family, ip.value)}/${prefix}` } };
}

/** True when `outer` contains every address of `inner`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}
