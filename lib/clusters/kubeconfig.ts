// Pasted or uploaded kubeconfigs. Pure: the register form lists the contexts with it, the server validates
// with it. Harbormaster keeps only the chosen context (its cluster and user), so other contexts' credentials
// are never stored. Credentials must be embedded: a kubeconfig that points at files (client-certificate,
// tokenFile …) would read files of the Harbormaster server, and one with an `exec` or `auth-provider` user would
// run a program on it — both are refused, with what to use instead.
import { parseYaml, YamlLimitError } from '../yaml-limits';

function safeAtob(b64: string): string {
  try {
    return atob(b64.replace(/\s+/g, ''));
  } catch {
    return '';
  }
}

export interface KubeconfigContextInfo {
  name: string;
  cluster: string;
  user: string;
  server: string;
  namespace?: string;
  /** How the user authenticates: what the API server will see. */
  auth: 'clientCertificate' | 'token' | 'basic' | 'exec' | 'authProvider' | 'files' | 'none';
  /** Why this context cannot be used, if it cannot. */
  problems: string[];
  /** Usable, but worth knowing (insecure-skip-tls-verify …). */
  warnings: string[];
}

export interface ParsedKubeconfig {
  contexts: KubeconfigContextInfo[];
  currentContext?: string;
}

export type KubeconfigResult = { ok: true; value: ParsedKubeconfig } | { ok: false; message: string };

/** The one-context kubeconfig Harbormaster stores (encrypted) and builds its client from. */
export interface MinimalKubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: [{ name: string; cluster: Record<string, unknown> }];
  users: [{ name: string; user: Record<string, unknown> }];
  contexts: [{ name: string; context: { cluster: string; user: string; namespace?: string } }];
  'current-context': string;
}

type Named<T> = { name?: unknown } & T;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Parses a kubeconfig (YAML or JSON) and describes each context; never throws. */
export function parseKubeconfig(text: string): KubeconfigResult {
  if (typeof text !== 'string' || !text.trim()) return { ok: false, message: 'the kubeconfig is empty' };
  if (text.length > 1_000_000) return { ok: false, message: 'the kubeconfig is larger than 1 MB' };
  let doc: unknown;
  try {
    doc = parseYaml(text, 'kubeconfig');
  } catch (e) {
    if (e instanceof YamlLimitError) return { ok: false, message: e.message };
    return { ok: false, message: `the kubeconfig is not valid YAML: ${(e as Error).message.split('\n')[0]}` };
  }
  if (!isObj(doc)) return { ok: false, message: 'the kubeconfig must be a YAML mapping with clusters, users and contexts' };
  if (doc.kind !== undefined && doc.kind !== 'Config') return { ok: false, message: `this is a ${String(doc.kind)}, not a kubeconfig (kind: Config)` };
  const list = (key: string) => (Array.isArray(doc[key]) ? (doc[key] as unknown[]).filter(isObj) : []) as Named<Record<string, unknown>>[];
  const clusters = list('clusters');
  const users = list('users');
  const contexts = list('contexts');
  if (contexts.length === 0) return { ok: false, message: 'the kubeconfig has no contexts' };
  const infos: KubeconfigContextInfo[] = [];
  for (const c of contexts) {
    const name = typeof c.name === 'string' ? c.name : '';
    const ctx = isObj(c.context) ? c.context : {};
    const clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : '';
    const userName = typeof ctx.user === 'string' ? ctx.user : '';
    const cluster = clusters.find((x) => x.name === clusterName);
    const user = users.find((x) => x.name === userName);
    const problems: string[] = [];
    const warnings: string[] = [];
    const cl = isObj(cluster?.cluster) ? cluster.cluster : undefined;
    const us = isObj(user?.user) ? user.user : undefined;
    if (!name) problems.push('the context has no name');
    if (!cl) problems.push(`cluster "${clusterName}" is not defined in the kubeconfig`);
    if (!us && userName) problems.push(`user "${userName}" is not defined in the kubeconfig`);
    const server = typeof cl?.server === 'string' ? cl.server : '';
    if (cl) {
      if (!server) problems.push('the cluster has no server URL');
      else if (!/^https?:\/\//.test(server)) problems.push(`the server "${server}" must be an https:// URL`);
      else if (server.startsWith('http:') && cl['insecure-skip-tls-verify'] !== true) problems.push(`the server "${server}" is plain HTTP: credentials would travel unencrypted; use https://`);
      if (typeof cl['certificate-authority'] === 'string') problems.push('certificate-authority points at a file: embed it as certificate-authority-data (base64 PEM)');
      if (cl['insecure-skip-tls-verify'] === true) warnings.push('insecure-skip-tls-verify is set: the API server\'s identity is not checked');
      if (cl['proxy-url'] !== undefined) problems.push('proxy-url is not supported: Harbormaster must reach the API server directly');
      if (cl['certificate-authority-data'] !== undefined && typeof cl['certificate-authority-data'] === 'string') {
        const pem = safeAtob(cl['certificate-authority-data']);
        if (!pem.includes('-----BEGIN CERTIFICATE-----')) problems.push('certificate-authority-data is not a base64-encoded PEM certificate');
      }
    }
    let auth: KubeconfigContextInfo['auth'] = 'none';
    if (us) {
      if (us.exec !== undefined) {
        auth = 'exec';
        problems.push('the user authenticates with an exec plugin, which would run a program on the Harbormaster server: use a token (e.g. a ServiceAccount token) or an embedded client certificate');
      } else if (us['auth-provider'] !== undefined) {
        auth = 'authProvider';
        problems.push('auth-provider users are not supported: use a token or an embedded client certificate');
      } else if (typeof us['client-certificate'] === 'string' || typeof us['client-key'] === 'string' || typeof us.tokenFile === 'string') {
        auth = 'files';
        problems.push('the user refers to files (client-certificate, client-key or tokenFile) on this machine: embed them as client-certificate-data, client-key-data or token');
      } else if (typeof us['client-certificate-data'] === 'string' || typeof us['client-key-data'] === 'string') {
        auth = 'clientCertificate';
        if (typeof us['client-certificate-data'] !== 'string' || typeof us['client-key-data'] !== 'string') problems.push('a client certificate needs both client-certificate-data and client-key-data');
      } else if (typeof us.token === 'string' && us.token) {
        auth = 'token';
      } else if (typeof us.username === 'string') {
        auth = 'basic';
        warnings.push('basic authentication (username/password) is disabled on current Kubernetes versions');
      }
      for (const k of ['as', 'as-groups', 'as-uid', 'as-user-extra']) {
        if (us[k] !== undefined) problems.push(`impersonation (${k}) is not supported`);
      }
    }
    if (auth === 'none' && !problems.length) problems.push('the user has no credentials (token or client certificate)');
    infos.push({ name, cluster: clusterName, user: userName, server, namespace: typeof ctx.namespace === 'string' ? ctx.namespace : undefined, auth, problems, warnings });
  }
  const current = typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined;
  return { ok: true, value: { contexts: infos, currentContext: current } };
}

/**
 * The chosen context (default: current-context, or the only one) reduced to a one-context kubeconfig, or why
 * it cannot be used.
 */
export function reduceKubeconfig(
  text: string,
  contextName?: string,
): { ok: true; config: MinimalKubeconfig; context: KubeconfigContextInfo } | { ok: false; message: string; field: 'kubeconfig' | 'context' } {
  const parsed = parseKubeconfig(text);
  if (!parsed.ok) return { ok: false, message: parsed.message, field: 'kubeconfig' };
  const { contexts, currentContext } = parsed.value;
  let chosen: KubeconfigContextInfo | undefined;
  if (contextName) {
    chosen = contexts.find((c) => c.name === contextName);
    if (!chosen) return { ok: false, field: 'context', message: `context "${contextName}" is not in the kubeconfig (it has ${contexts.map((c) => c.name).join(', ')})` };
  } else if (contexts.length === 1) {
    chosen = contexts[0];
  } else {
    chosen = contexts.find((c) => c.name === currentContext);
    if (!chosen) return { ok: false, field: 'context', message: `the kubeconfig has ${contexts.length} contexts and no current-context: choose one of ${contexts.map((c) => c.name).join(', ')}` };
  }
  if (chosen.problems.length) return { ok: false, field: 'kubeconfig', message: `context "${chosen.name}": ${chosen.problems.join('; ')}` };
  const doc = parseYaml(text, 'kubeconfig') as Record<string, unknown>; // read (and capped) once already above
  const find = (key: string, name: string) => ((doc[key] as Named<Record<string, unknown>>[]) ?? []).find((x) => isObj(x) && x.name === name);
  const cluster = find('clusters', chosen.cluster)!.cluster as Record<string, unknown>;
  const user = (find('users', chosen.user)?.user as Record<string, unknown>) ?? {};
  const keepCluster = ['server', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name'];
  const keepUser = ['client-certificate-data', 'client-key-data', 'token', 'username', 'password'];
  const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const config: MinimalKubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: chosen.cluster, cluster: pick(cluster, keepCluster) }],
    users: [{ name: chosen.user || 'user', user: pick(user, keepUser) }],
    contexts: [{ name: chosen.name, context: { cluster: chosen.cluster, user: chosen.user || 'user', ...(chosen.namespace ? { namespace: chosen.namespace } : {}) } }],
    'current-context': chosen.name,
  };
  return { ok: true, config, context: chosen };
}
