import 'server-only';
import { AppError, type ErrorCode } from '../errors';

// Why a call to a cluster failed, precisely: the network layer (DNS, refused, timeout), TLS (unknown CA, host
// name, expiry, client certificate refused), or the API server's answer (401, 403, a Status with a message).
// Ops admins act on the reason ("add the CA", "renew the token"), so the reason is a stable code and the
// message says what to do.

export type KubeErrorReason =
  | 'tls_unknown_ca'
  | 'tls_hostname_mismatch'
  | 'tls_expired'
  | 'tls_client_certificate'
  | 'tls_error'
  | 'dns'
  | 'connection_refused'
  | 'connection_reset'
  | 'host_unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'too_many_requests'
  | 'server_error'
  | 'bad_config'
  | 'unknown';

/** Reasons that mean "we could not talk to the API server at all". */
export const UNREACHABLE_REASONS: ReadonlySet<KubeErrorReason> = new Set([
  'tls_unknown_ca',
  'tls_hostname_mismatch',
  'tls_expired',
  'tls_error',
  'dns',
  'connection_refused',
  'connection_reset',
  'host_unreachable',
  'timeout',
  'server_error',
  'bad_config',
]);

/** Reasons that mean "we reached it, but it does not accept who we are". */
export const AUTH_REASONS: ReadonlySet<KubeErrorReason> = new Set(['unauthorized', 'tls_client_certificate']);

/** The API server's `Status` object (metav1.Status), as far as we use it. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

// Several server bundles may each load this module while cluster clients are shared through globalThis: a
// KubeError from another copy of the class is recognised by its brand.
const KUBE_ERROR_BRAND = Symbol.for('harbormaster.KubeError');

export class KubeError extends Error {
  static [Symbol.hasInstance](x: unknown): boolean {
    if (this !== KubeError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[KUBE_ERROR_BRAND] === true;
  }
  readonly reason: KubeErrorReason;
  /** HTTP status of the API server's answer, when there was one. */
  readonly httpStatus?: number;
  /** The API server's Status body, when it sent one. */
  readonly kubeStatus?: KubeStatus;
  /** Node's error code for network/TLS errors (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, …). */
  readonly sysCode?: string;
  constructor(reason: KubeErrorReason, message: string, opts: { httpStatus?: number; kubeStatus?: KubeStatus; sysCode?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    Object.defineProperty(this, KUBE_ERROR_BRAND, { value: true });
    this.name = 'KubeError';
    this.reason = reason;
    this.httpStatus = opts.httpStatus;
    this.kubeStatus = opts.kubeStatus;
    this.sysCode = opts.sysCode;
  }
  get unreachable(): boolean {
    return UNREACHABLE_REASONS.has(this.reason);
  }
}

/**
 * Recognised by shape, not `instanceof`: Next.js may load this module in several bundles while cluster caches
 * (and their clients) live on globalThis, so a KubeError can come from another copy of the class.
 */
export const isKubeError = (e: unknown): e is KubeError =>
  e instanceof KubeError || (e instanceof Error && e.name === 'KubeError' && typeof (e as { reason?: unknown }).reason === 'string');

const TLS_UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * Maps a Node network/TLS error (from https.request) to a reason and a message that says what to check.
 * `server` is the API server URL, named in the message.
 */
export function kubeErrorFromNetwork(err: unknown, server: string): KubeError {
  if (isKubeError(err)) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string; host?: string };
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  const at = `the API server ${server}`;
  const mk = (reason: KubeErrorReason, message: string) => new KubeError(reason, message, { sysCode: code || undefined, cause: err });
  if (TLS_UNKNOWN_CA.has(code)) {
    return mk('tls_unknown_ca', `TLS: ${at} presented a certificate signed by an authority the kubeconfig does not trust (${code}): check certificate-authority-data`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return mk('tls_hostname_mismatch', `TLS: the certificate of ${at} does not name that host (${msg}): use the address in the certificate or set tls-server-name`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return mk('tls_expired', `TLS: the certificate of ${at} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'}`);
  }
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED)/.test(code) || /alert (bad certificate|certificate required|unknown ca)/i.test(msg)) {
    return mk('tls_client_certificate', `TLS: ${at} refused the client certificate of the kubeconfig (${code || msg}): the certificate is not signed by the cluster's client CA, or has expired`);
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code === 'EPROTO' || /SSL|TLS/.test(msg)) {
    return mk('tls_error', `TLS: the handshake with ${at} failed (${code || msg})`);
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return mk('dns', `DNS: the host of ${at} cannot be resolved (${code}): check the server address in the kubeconfig and this server's DNS`);
    case 'ECONNREFUSED':
      return mk('connection_refused', `connection refused by ${at}: nothing listens on that address and port (is the cluster running? is the port right?)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return mk('connection_reset', `the connection to ${at} was reset (${code}): a firewall or proxy may be in the way`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return mk('host_unreachable', `${at} is unreachable from this server (${code}): check routing, VPN or firewall`);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return mk('timeout', `timed out connecting to ${at}: a firewall may drop the traffic, or the address is wrong`);
    default:
      return mk('unknown', `cannot reach ${at}: ${msg}`);
  }
}

/** Maps an HTTP answer of the API server (not 2xx) to a reason with its Status message. */
export function kubeErrorFromResponse(httpStatus: number, body: string, what: string): KubeError {
  let status: KubeStatus | undefined;
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    if (parsed && typeof parsed === 'object') status = parsed;
  } catch {
    /* not JSON */
  }
  const apiMessage = status?.message ?? (body.trim().slice(0, 300) || `HTTP ${httpStatus}`);
  const mk = (reason: KubeErrorReason, message: string) => new KubeError(reason, message, { httpStatus, kubeStatus: status });
  switch (httpStatus) {
    case 401:
      return mk('unauthorized', `401 Unauthorized: the API server does not accept the kubeconfig's credentials (token expired or revoked, or a client certificate it does not trust) — ${what}`);
    case 403:
      return mk('forbidden', `403 Forbidden: ${apiMessage}`);
    case 404:
      return mk('not_found', `not found: ${apiMessage}`);
    case 409:
      return mk('conflict', `conflict: ${apiMessage}`);
    case 400:
    case 422:
      return mk('invalid', `the API server refused ${what}: ${apiMessage}`);
    case 429:
      return mk('too_many_requests', `the API server is throttling requests (429): ${apiMessage}`);
    default:
      if (httpStatus >= 500) return mk('server_error', `the API server answered ${httpStatus} to ${what}: ${apiMessage}`);
      return mk('unknown', `the API server answered ${httpStatus} to ${what}: ${apiMessage}`);
  }
}

/** Short words for a reason (status strip, badges). */
export const REASON_LABELS: Record<KubeErrorReason, string> = {
  tls_unknown_ca: 'TLS: unknown certificate authority',
  tls_hostname_mismatch: 'TLS: host name mismatch',
  tls_expired: 'TLS: certificate expired',
  tls_client_certificate: 'client certificate refused',
  tls_error: 'TLS handshake failed',
  dns: 'DNS lookup failed',
  connection_refused: 'connection refused',
  connection_reset: 'connection reset',
  host_unreachable: 'host unreachable',
  timeout: 'timeout',
  unauthorized: '401 Unauthorized',
  forbidden: '403 Forbidden',
  not_found: 'not found',
  conflict: 'conflict',
  invalid: 'invalid',
  too_many_requests: 'throttled (429)',
  server_error: 'API server error',
  bad_config: 'invalid kubeconfig',
  unknown: 'unreachable',
};

/**
 * An AppError for a failed cluster call. `reason` stays on the error (and ends the message in brackets) so
 * callers and people see the precise cause.
 */
export class ClusterAccessError extends AppError {
  readonly reason: KubeErrorReason;
  constructor(code: ErrorCode, message: string, reason: KubeErrorReason, cause?: unknown) {
    super(code, message, { cause });
    this.reason = reason;
  }
}

/** Turns anything thrown by a cluster call into an AppError naming the cluster and the reason. */
export function clusterAppError(e: unknown, cluster: string, code: ErrorCode = 'upstream_unavailable'): AppError {
  if (e instanceof AppError) return e;
  if (isKubeError(e)) {
    const c: ErrorCode =
      e.reason === 'forbidden' || e.reason === 'invalid' || e.reason === 'bad_config' ? 'bad_request' : e.reason === 'conflict' ? 'conflict' : e.reason === 'not_found' ? 'not_found' : code;
    return new ClusterAccessError(c, `cluster ${cluster}: ${e.message} [${e.reason}]`, e.reason, e);
  }
  return new ClusterAccessError(code, `cluster ${cluster}: ${(e as Error)?.message ?? String(e)} [unknown]`, 'unknown', e);
}
