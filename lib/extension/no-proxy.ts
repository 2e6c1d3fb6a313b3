// Outbound proxy settings for ML workloads: proxy URL syntax and NO_PROXY coverage.
// Azure ML's network requirements list what the proxy skip-range must hold; a missing 127.0.0.1 makes jobs die
// with "137 … training-identity-sidecar" long after submission, so we refuse such settings up front and name
// exactly which entries are missing and why.
import type { ProxySettings } from '@/lib/domain';
import { cidrContains, parseCidr, parseIp, type Cidr } from './cidr';
import { dnsSubdomainProblem } from './k8s-names';

export interface NoProxyRequirement {
  /** What to add to NO_PROXY. */
  entry: string;
  /** Why it has to be there. */
  why: string;
}

export interface ClusterNetwork {
  serviceCidrs?: string[];
  podCidrs?: string[];
}

export interface NoProxyCheck {
  ok: boolean;
  missing: NoProxyRequirement[];
  /** Entries as parsed (trimmed, empty ones dropped). */
  entries: string[];
  warnings: string[];
  /** One sentence listing every missing entry with its reason; undefined when ok. */
  message?: string;
}

const REQUIRED: NoProxyRequirement[] = [
  {
    entry: '127.0.0.1',
    why: 'containers of a job talk to their sidecars over loopback; without it Azure ML jobs fail with exit code 137 in training-identity-sidecar',
  },
  { entry: 'localhost', why: 'the same loopback traffic when addressed by name' },
  { entry: '.svc', why: 'in-cluster Services addressed as <service>.<namespace>.svc (inference router, model servers, ranks of a distributed job)' },
  { entry: '.svc.cluster.local', why: 'fully qualified in-cluster Service names (<service>.<namespace>.svc.cluster.local)' },
  { entry: 'kubernetes.default.svc', why: 'the Kubernetes API server as seen from pods' },
];

function splitEntries(noProxy: string): string[] {
  return noProxy
    .split(/[,\s]+/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
}

/** Domain entries match by suffix in curl, Go and Python alike, with or without a leading dot or "*.": normalise. */
function normaliseDomain(entry: string): string {
  return entry.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
}

/** An entry as a CIDR when it is an address or a block, else undefined (a domain). */
function entryCidr(entry: string): Cidr | undefined {
  if (!/^[0-9a-fA-F:.]+(\/\d+)?$/.test(entry) || (!entry.includes('.') && !entry.includes(':'))) return undefined;
  const r = parseCidr(entry);
  if (r.ok) return r.cidr;
  // "10.0.0.1/16" (host bits set) is still meant as a block by users; clients mask it. Use the address only.
  const ip = parseIp(entry.split('/')[0]);
  if (!ip) return undefined;
  return { family: ip.family, network: ip.value, prefix: ip.family === 4 ? 32 : 128, text: entry };
}

/**
 * Checks that NO_PROXY lets in-cluster and loopback traffic bypass the proxy. `network` adds the cluster's
 * service and pod CIDRs when known (they are reached by IP, so only a covering CIDR entry helps).
 */
export function checkNoProxy(noProxy: string | undefined, network: ClusterNetwork = {}): NoProxyCheck {
  const entries = splitEntries(noProxy ?? '');
  const warnings: string[] = [];
  if (entries.includes('*')) {
    warnings.push('NO_PROXY contains "*": no request goes through the proxy, so the proxy settings have no effect');
    return { ok: true, missing: [], entries, warnings };
  }
  const domains = new Set(entries.filter((e) => !entryCidr(e)).map(normaliseDomain));
  const cidrs = entries.map(entryCidr).filter((c): c is Cidr => c !== undefined);

  const missing: NoProxyRequirement[] = [];
  for (const req of REQUIRED) {
    const asIp = entryCidr(req.entry);
    const covered = asIp ? cidrs.some((c) => cidrContains(c, asIp)) : domains.has(normaliseDomain(req.entry));
    if (!covered) missing.push(req);
  }
  const ranges: { cidr: string; why: string }[] = [
    ...(network.serviceCidrs ?? []).map((cidr) => ({
      cidr,
      why: 'the cluster\'s service CIDR: ClusterIP Services, including the API server, are reached by IP',
    })),
    ...(network.podCidrs ?? []).map((cidr) => ({
      cidr,
      why: 'the cluster\'s pod CIDR: ranks of a distributed job reach each other by pod IP',
    })),
  ];
  for (const { cidr, why } of ranges) {
    const parsed = parseCidr(cidr);
    if (!parsed.ok) {
      warnings.push(`cannot check coverage of ${cidr}: ${parsed.reason}`);
      continue;
    }
    if (!cidrs.some((c) => cidrContains(c, parsed.cidr))) missing.push({ entry: parsed.cidr.text, why });
  }
  if (missing.length === 0) return { ok: true, missing, entries, warnings };
  const list = missing.map((m) => `${m.entry} (${m.why})`).join('; ');
  return {
    ok: false,
    missing,
    entries,
    warnings,
    message: `NO_PROXY is missing ${missing.map((m) => m.entry).join(', ')}. Add: ${list}.`,
  };
}

/**
 * Whether a proxy URL carries a user name or password ("http://user:pass@proxy:3128", with or without the
 * scheme). Settings are stored in clear, shown to auditors, audited and written into every workload's pod
 * spec, so such URLs are refused, and the error never repeats the value.
 */
export function proxyUrlHasCredentials(value: string): boolean {
  return /^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#]*@/.test(value);
}

export const PROXY_CREDENTIALS_ERROR =
  'must not contain a user name or password: they would be stored and shown in clear and copied into every workload\'s pod spec. Use a proxy that admits the cluster by address, or an authenticating proxy inside the cluster';

/** Checks a proxy URL as HTTP clients accept it in HTTP_PROXY/HTTPS_PROXY: an error, a warning, or neither. */
export function proxyUrlProblem(value: string): { error?: string; warning?: string } {
  // First, so no message below echoes a password.
  if (proxyUrlHasCredentials(value)) return { error: PROXY_CREDENTIALS_ERROR };
  if (value.trim() !== value || value === '') return { error: 'must be a URL such as http://proxy.example.com:3128, without spaces' };
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    return { error: `"${value}" has no scheme: write http://${value}` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `"${value}" is not a valid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `"${url.protocol}//" proxies are not supported: use an http:// or https:// proxy` };
  }
  if (!url.hostname) return { error: `"${value}" has no host` };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { error: `"${value}" must not have a path, query or fragment: a proxy is addressed by scheme, host and port only` };
  }
  if (url.username || url.password) return { error: PROXY_CREDENTIALS_ERROR };
  return {};
}

export interface ProxyIssue {
  /** Field path relative to the proxy settings, e.g. "noProxy". */
  path: string;
  message: string;
}

/** Validates a whole ProxySettings object; errors carry the field they belong to. */
export function validateProxySettings(
  proxy: ProxySettings,
  network: ClusterNetwork = {},
): { errors: ProxyIssue[]; warnings: string[] } {
  const errors: ProxyIssue[] = [];
  const warnings: string[] = [];
  for (const field of ['httpProxy', 'httpsProxy'] as const) {
    const v = proxy[field];
    if (v === undefined) continue;
    const p = proxyUrlProblem(v);
    if (p.error) errors.push({ path: field, message: p.error });
    if (p.warning) warnings.push(`${field}: ${p.warning}`);
  }
  const anyProxy = proxy.httpProxy !== undefined || proxy.httpsProxy !== undefined;
  if (!anyProxy && proxy.noProxy !== undefined) {
    warnings.push('noProxy has no effect without httpProxy or httpsProxy');
  }
  if (anyProxy) {
    const check = checkNoProxy(proxy.noProxy, network);
    if (!check.ok) errors.push({ path: 'noProxy', message: check.message! });
    warnings.push(...check.warnings);
  }
  if (proxy.caBundleConfigMap !== undefined) {
    const p = dnsSubdomainProblem(proxy.caBundleConfigMap);
    if (p) errors.push({ path: 'caBundleConfigMap', message: `ConfigMap name ${p}` });
  }
  return { errors, warnings };
}

/** The NO_PROXY entries Harbormaster proposes when a proxy is first configured. */
export function suggestedNoProxy(network: ClusterNetwork = {}): string {
  return [...REQUIRED.map((r) => r.entry), ...(network.serviceCidrs ?? []), ...(network.podCidrs ?? [])].join(',');
}
