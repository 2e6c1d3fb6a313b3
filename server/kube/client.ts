import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { KubeConfig } from '@kubernetes/client-node';
import { isKubeError, KubeError, kubeErrorFromNetwork, kubeErrorFromResponse } from './errors';
import type { MinimalKubeconfig } from '@/lib/clusters/kubeconfig';

// Access to one cluster's API server. A KubeConfig (from the stored one-context kubeconfig, or the in-cluster
// service account) supplies the TLS material and the Authorization header; requests go through one keep-alive
// agent per cluster with a timeout on every call, JSON in and out (no typed models: lean, and wire-form
// objects such as the InstanceType CRD's `x-kubernetes-int-or-string` survive as written). Every failure is
// a KubeError with a precise reason (errors.ts).

/** A bearer token asked for at every request (Entra-enabled AKS: server/azure/aks-token.ts renews it before it expires). */
export interface BearerSource {
  token(): Promise<string>;
}

/**
 * How to reach a cluster. `bearer`: the kubeconfig's user has no credential of its own and every request (and watch)
 * carries the source's current token instead.
 */
export type ClusterConnection = { mode: 'kubeconfig'; kubeconfig: MinimalKubeconfig; bearer?: BearerSource } | { mode: 'inCluster' };

/** A client-node KubeConfig for a connection (for code that wants client-node's typed APIs). */
export function kubeConfigFor(conn: ClusterConnection): KubeConfig {
  const kc = new KubeConfig();
  if (conn.mode === 'inCluster') {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new KubeError('bad_config', 'in-cluster access needs Harbormaster to run inside the cluster (KUBERNETES_SERVICE_HOST is not set)');
    }
    kc.loadFromCluster();
  } else {
    const { bearer } = conn;
    // client-node asks its authenticators per request (applyToHTTPSOptions / applyToFetchOptions, also client-node's
    // own Log and Watch): the token source's current token, without a token file or an exec plugin.
    if (bearer) {
      kc.addAuthenticator({
        isAuthProvider: () => true,
        async applyAuthentication(_user, opts) {
          const token = await bearer.token();
          opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
        },
      });
    }
    kc.loadFromString(JSON.stringify(conn.kubeconfig));
  }
  return kc;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
  /** Whole-request timeout; default 15 s. */
  timeoutMs?: number;
  /** What this call does, for error messages ("apply Deployment azureml/azureml-fe"). */
  what?: string;
}

export interface WatchHandle {
  abort(): void;
}

export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: Record<string, unknown> };

const MAX_BODY = 128 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

export class KubeClient {
  readonly server: string;
  private readonly kc: KubeConfig;
  private agent?: http.Agent;
  private agentPromise?: Promise<http.Agent>;
  private closed = false;

  constructor(conn: ClusterConnection | KubeConfig) {
    this.kc = conn instanceof KubeConfig ? conn : kubeConfigFor(conn);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeError('bad_config', 'the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** The client-node KubeConfig behind this client. */
  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  private isHttps() {
    return this.server.startsWith('https:');
  }

  private async getAgent(): Promise<http.Agent> {
    if (this.agent) return this.agent;
    this.agentPromise ??= (async () => {
      const o: https.RequestOptions = {};
      await this.kc.applyToHTTPSOptions(o);
      const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 32, maxFreeSockets: 4 };
      this.agent = this.isHttps()
        ? new https.Agent({ ...common, ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: o.rejectUnauthorized !== false, servername: o.servername })
        : new http.Agent(common);
      return this.agent;
    })();
    return this.agentPromise;
  }

  /** Headers with credentials; recomputed per call so rotated in-cluster tokens are picked up. */
  private async authHeaders(): Promise<Record<string, string>> {
    const o: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(o);
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) h[k] = String(v);
    return h;
  }

  url(path: string, query?: Query): URL {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** One API call; resolves with the parsed JSON body (undefined for an empty body). */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    if (this.closed) throw new KubeError('unknown', 'the cluster client was closed (credentials changed or cluster removed)');
    const what = opts.what ?? `${method} ${path}`;
    const [agent, auth] = await Promise.all([this.getAgent(), this.authHeaders()]);
    const url = this.url(path, opts.query);
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'harbormaster', ...auth };
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const lib = this.isHttps() ? https : http;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(isKubeError(e) ? e : kubeErrorFromNetwork(e, this.server));
      };
      const req = lib.request(url, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            req.destroy(new KubeError('server_error', `the answer to ${what} is larger than ${MAX_BODY / 1024 / 1024} MiB`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(kubeErrorFromResponse(status, text, what));
          if (!text) return resolve(undefined as T);
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new KubeError('server_error', `the API server answered ${what} with something that is not JSON: ${text.slice(0, 200)}`));
          }
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        fail(new KubeError('timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the API server ${this.server} (${what})`));
      }, timeoutMs);
      req.on('error', fail);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = unknown>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }

  /**
   * A watch stream: calls onEvent per line, onEnd once when the stream ends (err undefined when the server
   * closed it normally, e.g. after timeoutSeconds).
   */
  async watch(path: string, query: Query, onEvent: (e: WatchEvent) => void, onEnd: (err?: KubeError) => void, idleTimeoutMs = 120_000): Promise<WatchHandle> {
    const [agent, auth] = await Promise.all([this.getAgent(), this.authHeaders()]);
    const url = this.url(path, { ...query, watch: 1 });
    const lib = this.isHttps() ? https : http;
    let ended = false;
    const end = (err?: unknown) => {
      if (ended) return;
      ended = true;
      onEnd(err === undefined ? undefined : isKubeError(err) ? err : kubeErrorFromNetwork(err, this.server));
    };
    const req = lib.request(url, { method: 'GET', agent, headers: { accept: 'application/json', 'user-agent': 'harbormaster', ...auth } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => end(kubeErrorFromResponse(status, Buffer.concat(chunks).toString('utf8'), `watch ${path}`)));
        res.on('error', end);
        return;
      }
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      // readline re-emits the stream's errors (e.g. "aborted" when we stop the watch): `res` reports them.
      lines.on('error', () => undefined);
      lines.on('line', (line) => {
        if (!line) return;
        let ev: WatchEvent;
        try {
          ev = JSON.parse(line) as WatchEvent;
        } catch {
          return;
        }
        try {
          onEvent(ev);
        } catch {
          /* a consumer bug must not kill the stream */
        }
      });
      res.on('error', end);
      res.on('close', () => end());
      res.on('end', () => end());
    });
    // No data for this long (bookmarks arrive about every minute) means a dead connection.
    req.setTimeout(idleTimeoutMs, () => req.destroy(new KubeError('timeout', `watch ${path} went silent for ${idleTimeoutMs / 1000} s`)));
    req.on('error', end);
    req.end();
    return {
      abort() {
        ended = true;
        req.destroy();
      },
    };
  }

  close() {
    this.closed = true;
    this.agent?.destroy();
  }
}

/** `/api/v1` or `/apis/<group>/<version>` for an apiVersion. */
export function apiBase(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}
