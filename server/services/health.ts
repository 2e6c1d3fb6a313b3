import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import { HEALTH_CHECK_CODES, type CheckStatus, type HealthCheckCode, type HealthCheckDto } from '@/lib/clusters/schemas';
import { checkNoProxy } from '@/lib/extension/no-proxy';
import { checkRouterPlacement } from '@/lib/extension/placement';
import { amlWorkloadTolerations, computeFit, type FitNode, type FitPod } from '@/lib/instance-types/fit';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import { withDefaultInstanceType } from '@/lib/instance-types/schema';
import { parseQuantity } from '@/lib/quantity';
import type { DbOrTx } from '../db';
import { computeTargets } from '../db/schema';
import { AUTH_REASONS, isKubeError, REASON_LABELS, UNREACHABLE_REASONS, type KubeErrorReason } from '../kube/errors';
import type { LeanEvent, LeanInstanceType, LeanNode, LeanPod, LeanWorkload } from '../kube/cache';
import { describePermission, missingPermissions, type ClusterProbe } from '../kube/probe';
import { ClusterFacts, podCidrs, supportedWindowText, type ExtensionDetection, type VersionInfo } from '../kube/cluster-facts';
import { extensionComponents, EXTENSION_NAMESPACE } from '../kube/manifests/extension';
import { GPU_NODE_LABELS } from '../kube/manifests/extension-gpu';
import { INSTANCE_TYPE_CRD_NAME } from '../kube/manifests/instance-type-crd';
import type { KubeClient } from '../kube/client';
import { EXPIRY_WARNING_DAYS, validateTls } from '../kube/tls';
import { extensionRow, lastProbe, liveCache, type ClusterRow, type ExtensionRow } from './clusters';
import { buildBundle, detectFromWorkloads, effectiveStatus, readSslSecret, storedTls, usesTls, type TlsInfo } from './extension';

// Troubleshooting (the per-cluster health page): every check, passing ones too, each with a stable code, a
// plain explanation and the fix. The checks themselves are a pure function of a snapshot (unit-tested); the
// snapshot comes from the live cache and, on demand, a few quick reads of cluster facts (cluster-facts.ts).

export type ClusterStatus = 'Healthy' | 'Degraded' | 'Unreachable' | 'Unknown';

export type Reachability = { ok: true; version?: VersionInfo; latencyMs?: number } | { ok: false; reason: KubeErrorReason; message: string };

export interface HealthInput {
  now: Date;
  reachability: Reachability | undefined;
  probe?: ClusterProbe;
  /** Undefined: the cache could not be read. */
  nodes?: LeanNode[];
  pods?: LeanPod[];
  workloads?: LeanWorkload[];
  instanceTypes?: LeanInstanceType[];
  /** Warning events in the extension and compute namespaces. */
  events?: LeanEvent[];
  crdInstalled?: boolean;
  extension: {
    flavor: ExtensionDetection['flavor'];
    status: 'notInstalled' | 'installing' | 'installed' | 'failed';
    settings?: ExtensionSettings;
  };
  tls?: { info: TlsInfo | null; error?: string };
  network?: { serviceCidrs: string[]; podCidrs: string[] };
  computeNamespaces: string[];
}

const FIX: Record<HealthCheckCode, string> = {
  api_unreachable: 'Check that the cluster runs and that this server can reach the API server address (firewall, VPN, DNS). For TLS errors update the kubeconfig\'s certificate-authority-data. Then edit the credentials or run the checks again.',
  auth_failed: 'Give Harbormaster credentials that the API server accepts and that hold the listed permissions (for example a ServiceAccount bound to cluster-admin, or a role with these rules), then edit the credentials.',
  version_unsupported: `Upgrade the cluster to a supported Kubernetes version (${supportedWindowText()}).`,
  crd_missing: `Install (or re-run the install of) the ML extension: it creates CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME}.`,
  component_not_ready: 'Look at the pod named in the detail: ImagePullBackOff → check the image name, the registry and the pull secret; CrashLoopBackOff → read its logs; Unschedulable → free or add nodes that match the extension\'s nodeSelector.',
  instancetype_no_node: 'Label nodes to match the instance type\'s nodeSelector (kubectl label node <node> key=value), or edit the instance type. Remember the extension\'s nodeSelector applies too.',
  instancetype_too_big: 'Lower the instance type\'s requests below the allocatable of at least one matching node, or add bigger nodes.',
  node_not_ready: 'Check the kubelet and the network of the listed nodes (kubectl describe node <node>); replace or drain nodes that stay NotReady.',
  gpu_capacity_missing: 'Install a GPU device plugin: set installNvidiaDevicePlugin=true in the extension settings, or install NVIDIA\'s gpu-operator. Check the NVIDIA driver on the node.',
  router_ha_nodes: 'Add or label nodes so that enough match the extension\'s nodeSelector, untaint them, or set inferenceRouterHA=false (1 router replica).',
  tls_expiring: 'Upload a renewed certificate chain and key on the Network & TLS tab (or update the sslSecret): the router reloads without dropping the endpoint.',
  tls_invalid: 'Upload a certificate chain (leaf → intermediate → root) with its unencrypted key whose SAN covers sslCname, or fix the sslSecret.',
  no_proxy_incomplete: 'Add the missing entries to NO_PROXY in the extension\'s proxy settings, then re-run the install so workloads get the new value.',
  warning_events: 'Read the events below; they name the object and what the kubelet or controller saw.',
};

const TITLES: Record<HealthCheckCode, string> = {
  api_unreachable: 'API server reachable',
  auth_failed: 'Credentials and permissions',
  version_unsupported: 'Kubernetes version supported',
  crd_missing: 'InstanceType CRD installed',
  component_not_ready: 'Extension components ready',
  instancetype_no_node: 'Instance types match nodes',
  instancetype_too_big: 'Instance types fit on a node',
  node_not_ready: 'Nodes Ready',
  gpu_capacity_missing: 'GPU nodes advertise GPUs',
  router_ha_nodes: 'Enough nodes for the inference router',
  tls_expiring: 'TLS certificate not expiring',
  tls_invalid: 'TLS certificate valid',
  no_proxy_incomplete: 'NO_PROXY complete',
  warning_events: 'No recent warning events',
};

/** Titles when a check does not pass: they name the problem, so lists of failing checks read right. */
const PROBLEM_TITLES: Record<HealthCheckCode, string> = {
  api_unreachable: 'API server unreachable',
  auth_failed: 'Credentials or permissions insufficient',
  version_unsupported: 'Kubernetes version outside the supported window',
  crd_missing: 'InstanceType CRD missing',
  component_not_ready: 'Extension components not ready',
  instancetype_no_node: 'Instance types that match no node',
  instancetype_too_big: 'Instance types larger than every node',
  node_not_ready: 'Nodes not Ready',
  gpu_capacity_missing: 'GPU nodes without GPU capacity',
  router_ha_nodes: 'Too few nodes for the HA inference router',
  tls_expiring: 'TLS certificate expiring soon',
  tls_invalid: 'TLS certificate invalid',
  no_proxy_incomplete: 'NO_PROXY incomplete',
  warning_events: 'Recent warning events',
};

/** Events newer than this count for warning_events. */
export const WARNING_EVENT_WINDOW_MS = 60 * 60_000;
const DAY = 86_400_000;

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
function listText(items: string[], max = 5) {
  return items.length > max ? `${items.slice(0, max).join('; ')}; and ${items.length - max} more` : items.join('; ');
}
function q(v: unknown): number {
  if (v === undefined || v === null || v === '') return 0;
  const r = parseQuantity(v);
  return r.ok ? r.value : 0;
}

/** Runs every check on a snapshot. Pure. */
export function runHealthChecks(input: HealthInput): HealthCheckDto[] {
  const out = new Map<HealthCheckCode, HealthCheckDto>();
  const put = (code: HealthCheckCode, status: CheckStatus, detail: string, extra: { items?: string[]; skipped?: boolean } = {}) =>
    out.set(code, { code, status, title: status === 'ok' ? TITLES[code] : PROBLEM_TITLES[code], detail, fix: status === 'ok' ? '' : FIX[code], ...(extra.items?.length ? { items: extra.items } : {}), ...(extra.skipped ? { skipped: true } : {}) });
  const r = input.reachability;
  const unreachable = !r ? undefined : !r.ok && UNREACHABLE_REASONS.has(r.reason) ? r : undefined;
  const authFailed = r && !r.ok && (AUTH_REASONS.has(r.reason) || r.reason === 'forbidden') ? r : undefined;
  const skip = (code: HealthCheckCode, why: string) => put(code, 'warning', `Not checked: ${why}.`, { skipped: true });
  const down = unreachable ? 'the API server is unreachable' : authFailed ? 'the cluster refuses the credentials' : !r ? 'the cluster was never checked' : '';

  // api_unreachable
  if (!r) put('api_unreachable', 'warning', 'Not checked yet: run the checks.', { skipped: true });
  else if (unreachable) put('api_unreachable', 'error', `${REASON_LABELS[unreachable.reason]}: ${unreachable.message}`);
  else if (r.ok) put('api_unreachable', 'ok', `The API server answers${r.version ? ` (Kubernetes ${r.version.gitVersion})` : ''}${r.latencyMs !== undefined ? ` in ${r.latencyMs} ms` : ''}.`);
  else put('api_unreachable', 'ok', 'The API server answers (it refuses the credentials: see below).');

  // auth_failed
  if (authFailed) put('auth_failed', 'error', `${REASON_LABELS[authFailed.reason]}: ${authFailed.message}`);
  else if (unreachable || !r) skip('auth_failed', down);
  else {
    const missing = input.probe ? missingPermissions(input.probe) : undefined;
    const identity = input.probe?.identity?.username;
    if (!missing) put('auth_failed', 'warning', 'Permissions were not checked yet: run the checks.', { skipped: true });
    else if (missing.read.length) {
      put('auth_failed', 'error', `${identity ? `${identity} lacks` : 'The credentials lack'} permissions Harbormaster needs to read the cluster: ${missing.read.map(describePermission).join(', ')}.`, { items: missing.read.map(describePermission) });
    } else if (missing.install.length || missing.workloads.length) {
      const all = [...missing.install, ...missing.workloads];
      put('auth_failed', 'warning', `${identity ? `${identity} may` : 'The credentials may'} read the cluster but not: ${all.map((p) => `${describePermission(p)} (${p.purpose})`).join(', ')}.`, { items: all.map(describePermission) });
    } else put('auth_failed', 'ok', `${identity ? `${identity} holds` : 'The credentials hold'} every permission Harbormaster needs.`);
  }

  // version_unsupported
  const version = (r?.ok ? r.version : undefined) ?? input.probe?.version;
  if (!version) skip('version_unsupported', down || 'the version is not known yet');
  else if (version.supported) put('version_unsupported', 'ok', `Kubernetes ${version.gitVersion} is within the supported window ${supportedWindowText()}.`);
  else {
    const newer = version.major === 1 && version.minor > 37;
    put('version_unsupported', 'warning', `Kubernetes ${version.gitVersion} is outside the supported window ${supportedWindowText()} (the three newest minor versions)${newer ? ': it is newer than Harbormaster was tested with' : ''}.`);
  }

  const live = !unreachable && !authFailed && input.nodes !== undefined;
  const ext = input.extension;
  const installedOrAzure = ext.flavor === 'azureml' || ext.status === 'installed' || ext.status === 'failed' || ext.status === 'installing';

  // crd_missing
  if (!live && input.crdInstalled === undefined) skip('crd_missing', down || 'the cluster state is not available');
  else if (input.crdInstalled) put('crd_missing', 'ok', `CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME} is installed.`);
  else if (installedOrAzure) put('crd_missing', 'error', `CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME} is missing although the ${ext.flavor === 'azureml' ? 'Azure ML' : 'ML'} extension is installed: instance types cannot be read or created, and workloads that name one fail.`);
  else put('crd_missing', 'warning', `CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME} is not installed because no ML extension is: the cluster cannot run ML work yet.`);

  // component_not_ready
  if (!live || input.workloads === undefined) skip('component_not_ready', down || 'the cluster state is not available');
  else {
    const expected: Array<{ kind: string; name: string; replicas?: number }> = [];
    if (ext.flavor === 'azureml') for (const w of input.workloads) expected.push({ kind: w.kind, name: w.name });
    else if (ext.settings && ext.status !== 'notInstalled') {
      try {
        for (const c of extensionComponents(buildBundle({ settings: ext.settings, tls: { certPem: '', keyPem: '' } }))) expected.push(c);
      } catch {
        /* settings without TLS material: the router component is still known by name below */
      }
    }
    if (!expected.length) put('component_not_ready', 'ok', ext.status === 'notInstalled' && ext.flavor !== 'azureml' ? 'No extension is installed: no components to check.' : 'The extension runs no Deployments or DaemonSets with these settings.');
    else {
      const problems: string[] = [];
      const items: string[] = [];
      for (const e of expected) {
        const w = input.workloads.find((x) => x.kind === e.kind && x.name === e.name);
        if (!w) {
          problems.push(`${e.kind} ${EXTENSION_NAMESPACE}/${e.name} is missing`);
          items.push(`${e.kind}/${e.name}`);
          continue;
        }
        if (w.ready >= w.desired && w.desired >= 0 && w.observedGeneration >= w.generation) continue;
        const pods = (input.pods ?? []).filter((p) => p.namespace === w.namespace && Object.entries(w.selector).length > 0 && Object.entries(w.selector).every(([k, v]) => p.labels[k] === v) && p.problem);
        const why = pods.slice(0, 3).map((p) => `pod ${p.name}: ${p.problem!.reason}: ${p.problem!.message}`);
        problems.push(`${w.kind} ${w.namespace}/${w.name}: ${w.ready} of ${w.desired} ready${w.failing ? ` (${w.failing})` : ''}${why.length ? ` — ${why.join('; ')}` : ''}`);
        items.push(`${w.kind}/${w.name}`, ...pods.slice(0, 3).map((p) => `Pod/${p.name}`));
      }
      if (problems.length) put('component_not_ready', ext.status === 'installing' ? 'warning' : 'error', `${ext.status === 'installing' ? 'Install in progress. ' : ''}${listText(problems)}.`, { items });
      else put('component_not_ready', 'ok', `${plural(expected.length, 'component')} ready: ${expected.map((e) => e.name).join(', ')}.`);
    }
  }

  // instancetype_no_node / instancetype_too_big
  if (!live) {
    skip('instancetype_no_node', down || 'the cluster state is not available');
    skip('instancetype_too_big', down || 'the cluster state is not available');
  } else {
    const nodes: FitNode[] = input.nodes!.map((n) => ({ name: n.name, labels: n.labels, taints: n.taints, unschedulable: n.unschedulable, ready: n.ready, allocatable: n.allocatable }));
    const pods: FitPod[] = (input.pods ?? []).map((p) => ({ name: p.name, namespace: p.namespace, nodeName: p.nodeName, phase: p.phase, requests: p.requests }));
    const types = withDefaultInstanceType(input.crdInstalled ? (input.instanceTypes ?? []) : []);
    const noNode: string[] = [];
    const tooBig: string[] = [];
    for (const it of types) {
      const fit = computeFit({ instanceType: it, nodes, pods, extensionNodeSelector: ext.settings?.nodeSelector, tolerations: amlWorkloadTolerations() });
      const none = fit.warnings.find((w) => w.code === 'no_matching_node' || w.code === 'selector_conflict');
      if (none) noNode.push(`${it.name}: ${none.message}`);
      const big = fit.warnings.find((w) => w.code === 'exceeds_node_size');
      if (big) tooBig.push(`${it.name}: ${big.message}`);
    }
    if (noNode.length) put('instancetype_no_node', 'error', `${plural(noNode.length, 'instance type matches', 'instance types match')} no node — ${listText(noNode)}`, { items: noNode.map((x) => x.split(':')[0]) });
    else put('instancetype_no_node', 'ok', `Every instance type (${types.map((t) => t.name).join(', ')}) matches at least one node.`);
    if (tooBig.length) put('instancetype_too_big', 'error', `${plural(tooBig.length, 'instance type exceeds', 'instance types exceed')} every matching node — ${listText(tooBig)}`, { items: tooBig.map((x) => x.split(':')[0]) });
    else put('instancetype_too_big', 'ok', 'Every instance type fits on at least one node it matches (or matches none: see above).');
  }

  // node_not_ready
  if (!live) skip('node_not_ready', down || 'the cluster state is not available');
  else {
    const bad = input.nodes!.filter((n) => !n.ready);
    const cordoned = input.nodes!.filter((n) => n.ready && n.unschedulable).map((n) => n.name);
    if (input.nodes!.length === 0) put('node_not_ready', 'error', 'The cluster has no nodes.');
    else if (bad.length) put('node_not_ready', 'error', `${plural(bad.length, 'node is', 'nodes are')} NotReady: ${bad.map((n) => `${n.name} (${n.notReadyReason ?? 'no reason'})`).join('; ')}.`, { items: bad.map((n) => n.name) });
    else put('node_not_ready', 'ok', `All ${plural(input.nodes!.length, 'node')} Ready${cordoned.length ? `; cordoned: ${cordoned.join(', ')}` : ''}.`);
  }

  // gpu_capacity_missing
  if (!live) skip('gpu_capacity_missing', down || 'the cluster state is not available');
  else {
    const gpuNodes = input.nodes!.filter((n) => GPU_NODE_LABELS.some((l) => n.labels[l.key] === l.value) || q(n.capacity[GPU_RESOURCE]) > 0);
    const missing = gpuNodes.filter((n) => q(n.allocatable[GPU_RESOURCE]) <= 0);
    if (!gpuNodes.length) put('gpu_capacity_missing', 'ok', 'No GPU nodes (no node carries a GPU label or nvidia.com/gpu capacity).');
    else if (missing.length) {
      const plugin = ext.settings?.installNvidiaDevicePlugin ? ' The NVIDIA device plugin is installed: check its pod on these nodes and the node\'s driver.' : ' No device plugin is installed by the extension (installNvidiaDevicePlugin=false).';
      put('gpu_capacity_missing', 'warning', `${plural(missing.length, 'GPU node does', 'GPU nodes do')} not advertise nvidia.com/gpu: ${missing.map((n) => n.name).join(', ')}. GPU workloads cannot be scheduled there.${plugin}`, { items: missing.map((n) => n.name) });
    } else {
      const total = gpuNodes.reduce((s, n) => s + q(n.allocatable[GPU_RESOURCE]), 0);
      put('gpu_capacity_missing', 'ok', `${plural(gpuNodes.length, 'GPU node')} advertise${gpuNodes.length === 1 ? 's' : ''} ${plural(total, 'GPU')}.`);
    }
  }

  // router_ha_nodes
  if (!ext.settings?.enableInference || ext.flavor === 'azureml' || ext.status === 'notInstalled') put('router_ha_nodes', 'ok', 'The inference router is not enabled by Harbormaster\'s extension on this cluster.');
  else if (!live) skip('router_ha_nodes', down || 'the cluster state is not available');
  else {
    const placement = checkRouterPlacement(ext.settings, input.nodes!.map((n) => ({ name: n.name, labels: n.labels, taints: n.taints, unschedulable: n.unschedulable, ready: n.ready })));
    if (placement.ok) put('router_ha_nodes', 'ok', `${placement.message}.`);
    else put('router_ha_nodes', 'error', `${placement.message}${Object.keys(placement.excluded).length ? ` Excluded: ${Object.entries(placement.excluded).map(([n, why]) => `${n} (${why})`).join(', ')}.` : ''}`, { items: Object.keys(placement.excluded) });
  }

  // tls_expiring / tls_invalid
  const tlsUsed = !!ext.settings && ext.flavor !== 'azureml' && ext.status !== 'notInstalled' && usesTls(ext.settings);
  const tls = input.tls;
  if (!tlsUsed) {
    put('tls_expiring', 'ok', 'The router does not serve TLS with Harbormaster\'s settings (inference off or allowInsecureConnections=true).');
    put('tls_invalid', 'ok', 'The router does not serve TLS with Harbormaster\'s settings.');
  } else if (!tls || (!tls.info && !tls.error)) {
    skip('tls_expiring', down || 'the certificate could not be read');
    skip('tls_invalid', down || 'the certificate could not be read');
  } else if (tls.error) {
    skip('tls_expiring', tls.error);
    put('tls_invalid', 'error', tls.error);
  } else {
    const info = tls.info!;
    const where = info.source === 'secret' ? `Secret ${EXTENSION_NAMESPACE}/${info.secretName}` : 'the uploaded certificate';
    const notAfter = info.notAfter ? Date.parse(info.notAfter) : NaN;
    if (Number.isNaN(notAfter)) skip('tls_expiring', 'the certificate has no expiry date');
    else if (notAfter <= input.now.getTime()) put('tls_expiring', 'error', `${where} (${info.subject}) expired on ${info.notAfter}: clients fail the TLS handshake.`);
    else if (notAfter - input.now.getTime() < EXPIRY_WARNING_DAYS * DAY) {
      const days = Math.floor((notAfter - input.now.getTime()) / DAY);
      put('tls_expiring', 'warning', `${where} (${info.subject}) expires in ${plural(days, 'day')} (${info.notAfter}).`);
    } else put('tls_expiring', 'ok', `${where} is valid until ${info.notAfter}.`);
    const errors = info.errors.filter((e) => !/expired on/.test(e));
    if (errors.length) put('tls_invalid', 'error', `${where}: ${errors.join('; ')}`);
    else put('tls_invalid', 'ok', `${where} matches its key, its chain is in order and it covers ${ext.settings!.sslCname ?? 'the host name'}.`);
  }

  // no_proxy_incomplete
  const proxy = ext.settings?.proxy;
  if (!proxy || (!proxy.httpProxy && !proxy.httpsProxy)) put('no_proxy_incomplete', 'ok', 'No outbound proxy is configured for ML workloads.');
  else {
    const check = checkNoProxy(proxy.noProxy, input.network ?? {});
    if (check.ok) put('no_proxy_incomplete', 'ok', `NO_PROXY covers loopback, in-cluster names${input.network?.serviceCidrs.length ? ' and the service CIDR' : ''}${input.network?.podCidrs.length ? ' and pod CIDRs' : ''}.`);
    else put('no_proxy_incomplete', 'error', check.message!, { items: check.missing.map((m) => m.entry) });
  }

  // warning_events
  if (!live || input.events === undefined) skip('warning_events', down || 'the cluster state is not available');
  else {
    const since = input.now.getTime() - WARNING_EVENT_WINDOW_MS;
    const namespaces = new Set([EXTENSION_NAMESPACE, ...input.computeNamespaces]);
    const recent = input.events.filter((e) => e.type === 'Warning' && e.last >= since && namespaces.has(e.namespace)).sort((a, b) => b.last - a.last);
    if (recent.length) {
      const lines = recent.slice(0, 5).map((e) => `${e.reason} on ${e.object.kind} ${e.namespace}/${e.object.name}${e.count > 1 ? ` (×${e.count})` : ''}: ${e.message}`);
      put('warning_events', 'warning', `${plural(recent.length, 'warning event')} in the last hour in ${[...namespaces].join(', ')} — ${listText(lines)}`, { items: recent.slice(0, 5).map((e) => `${e.object.kind}/${e.object.name}`) });
    } else put('warning_events', 'ok', `No warning events in the last hour in ${[...namespaces].join(', ')}.`);
  }

  return HEALTH_CHECK_CODES.map((c) => out.get(c)!).filter(Boolean);
}

/** Badge status from the checks: Unreachable (API/credentials), Degraded (any error), Healthy, Unknown. */
export function statusFromChecks(checks: HealthCheckDto[]): { status: ClusterStatus; reason?: string } {
  const api = checks.find((c) => c.code === 'api_unreachable');
  const auth = checks.find((c) => c.code === 'auth_failed');
  if (api?.status === 'error') return { status: 'Unreachable', reason: api.detail.split(':')[0] };
  if (auth?.status === 'error' && /401|refused|403/.test(auth.detail.slice(0, 60))) return { status: 'Unreachable', reason: auth.detail.split(':')[0] };
  if (api?.skipped) return { status: 'Unknown' };
  const errors = checks.filter((c) => c.status === 'error');
  if (errors.length) return { status: 'Degraded', reason: errors.map((c) => c.title).join(', ') };
  return { status: 'Healthy' };
}

/** Namespaces of the compute targets on a cluster (their warning events count too). */
async function computeNamespaces(db: DbOrTx, clusterId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ namespace: computeTargets.namespace }).from(computeTargets).where(eq(computeTargets.clusterId, clusterId)).orderBy(asc(computeTargets.namespace));
  return rows.map((r) => r.namespace);
}

export interface HealthReport {
  cluster: string;
  status: ClusterStatus;
  reason?: string;
  checkedAt: string;
  checks: HealthCheckDto[];
}

/**
 * Gathers the snapshot and runs the checks. `ping` makes one quick call (GET /version with the credentials)
 * and reads the sslSecret; without it (lists) reachability comes from the live cache and the stored check.
 */
export async function clusterHealth(db: DbOrTx, row: ClusterRow, opts: { ping?: boolean; waitMs?: number } = {}): Promise<HealthReport> {
  const now = new Date();
  const probe = lastProbe(row);
  const ext = await extensionRow(db, row.id);
  const waitMs = opts.waitMs ?? 3000;
  let reachability: Reachability | undefined;
  let cache;
  try {
    cache = liveCache(row);
  } catch (e) {
    reachability = { ok: false, reason: 'bad_config', message: (e as Error).message };
  }

  // One reader for this check: each fact is read once, as the cluster is now.
  const facts = cache && opts.ping ? new ClusterFacts(cache.client, { timeoutMs: 5000 }) : undefined;
  if (facts) {
    try {
      const { version, latencyMs } = await facts.version();
      reachability = { ok: true, version, latencyMs };
    } catch (e) {
      reachability = isKubeError(e) ? { ok: false, reason: e.reason, message: e.message } : { ok: false, reason: 'unknown', message: String(e) };
    }
  }

  let nodes: LeanNode[] | undefined;
  let pods: LeanPod[] | undefined;
  let workloads: LeanWorkload[] | undefined;
  let instanceTypes: LeanInstanceType[] | undefined;
  let events: LeanEvent[] | undefined;
  let crdInstalled: boolean | undefined;
  if (cache && (!reachability || reachability.ok)) {
    const [n, p, d, ds, it, w] = [cache.nodes(), cache.pods(), cache.deployments(), cache.daemonSets(), cache.instanceTypes(), cache.warnings()];
    const synced = await Promise.all([n, p, d, ds, w].map((i) => i.waitSynced(waitMs)));
    await it.waitSynced(waitMs);
    if (!reachability) {
      const err = n.state.lastError;
      if (synced[0] && n.state.phase !== 'backoff') reachability = { ok: true };
      else if (err) reachability = { ok: false, reason: err.reason, message: err.message };
      else if (probe) reachability = probe.reachable && !probe.error ? { ok: true } : probe.error ? { ok: false, reason: probe.error.reason, message: probe.error.message } : undefined;
    }
    if (synced[0]) nodes = n.items();
    if (synced[1]) pods = p.items();
    if (synced[2] && synced[3]) workloads = [...d.items(), ...ds.items()];
    if (synced[4]) events = w.items();
    if (it.state.synced && it.state.phase !== 'backoff') {
      crdInstalled = true;
      instanceTypes = it.items();
    } else if (it.state.lastError?.reason === 'not_found') crdInstalled = false;
    if (facts && reachability?.ok) {
      try {
        crdInstalled = !!(await facts.instanceTypeCrd());
        if (crdInstalled && !it.state.synced) it.resync();
      } catch {
        /* keep the cache's view */
      }
    }
  }

  const flavor = detectFromWorkloads(workloads ?? [], ext, probe?.extension);
  const eff = effectiveStatus(ext);
  const settings = ext && ext.status !== 'notInstalled' ? ((ext.settings as ExtensionSettings | null) ?? undefined) : undefined;
  const tls = await tlsState(row, ext, settings, facts && reachability?.ok ? facts.client : undefined, now);
  let network = probe?.network;
  if (facts && reachability?.ok) {
    try {
      network = { serviceCidrs: await facts.serviceCidrs(), podCidrs: podCidrs(nodes ?? []) };
    } catch {
      /* keep the stored network */
    }
  }
  const checks = runHealthChecks({
    now,
    reachability,
    probe,
    nodes,
    pods,
    workloads,
    instanceTypes,
    events,
    crdInstalled,
    extension: { flavor, status: flavor === 'azureml' ? 'installed' : eff.status, settings },
    tls,
    network,
    computeNamespaces: await computeNamespaces(db, row.id),
  });
  const s = statusFromChecks(checks);
  return { cluster: row.name, status: s.status, ...(s.reason ? { reason: s.reason } : {}), checkedAt: now.toISOString(), checks };
}

async function tlsState(row: ClusterRow, ext: ExtensionRow | undefined, settings: ExtensionSettings | undefined, client: KubeClient | undefined, now: Date): Promise<HealthInput['tls']> {
  if (!settings || !usesTls(settings)) return undefined;
  if (settings.sslSecret) {
    if (!client) return { info: (ext?.tlsInfo as TlsInfo | null) ?? null };
    try {
      const s = await readSslSecret(client, settings.sslSecret, settings.sslCname);
      if (!s.validation) return { info: null, error: s.message };
      const v = s.validation;
      return {
        info: {
          source: 'secret',
          secretName: settings.sslSecret,
          subject: v.info?.subject,
          sans: v.info?.sans,
          notAfter: v.info?.notAfter,
          errors: v.errors.map((e) => e.message),
          warnings: v.warnings.map((w) => w.message),
          checkedAt: now.toISOString(),
        },
      };
    } catch (e) {
      return { info: null, error: `Secret ${EXTENSION_NAMESPACE}/${settings.sslSecret} could not be read: ${(e as Error).message}` };
    }
  }
  const stored = storedTls(row.id, ext);
  if (!stored) return { info: null, error: 'no certificate is stored for the router: upload one' };
  const v = validateTls({ certPem: stored.certPem, keyPem: stored.keyPem, cname: settings.sslCname, now });
  return {
    info: {
      source: 'uploaded',
      subject: v.info?.subject,
      sans: v.info?.sans,
      notAfter: v.info?.notAfter,
      errors: v.errors.map((e) => e.message),
      warnings: v.warnings.map((w) => w.message),
      checkedAt: now.toISOString(),
    },
  };
}
