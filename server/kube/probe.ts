import 'server-only';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import { nodePool } from '@/lib/instance-types/fit';
import { parseQuantity } from '@/lib/quantity';
import { EXTENSION_NAMESPACE, PART_OF } from './manifests/extension-common';
import { INSTANCE_TYPE_CRD_NAME } from './manifests/instance-type-crd';
import type { KubeClient } from './client';
import { getObject, listAll } from './apply';
import { isKubeError, KubeError, type KubeErrorReason } from './errors';
import { leanNode, leanPod, leanWorkload, type LeanNode, type LeanPod, type LeanWorkload } from './cache';

// What Harbormaster checks when a cluster is registered and on demand: can we reach it, which Kubernetes
// version it runs, what the credentials may do (SelfSubjectAccessReview for every permission Harbormaster
// needs), its nodes and pools with allocatable vs requested capacity, and which ML extension is installed.

/** The three newest Kubernetes minor versions are supported (1.35–1.37 today). */
export const SUPPORTED_MINORS = [35, 36, 37] as const;

export interface VersionInfo {
  gitVersion: string;
  major: number;
  minor: number;
  supported: boolean;
}

export function versionInfo(gitVersion: string, major?: string, minor?: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const maj = Number(m?.[1] ?? major ?? 0);
  const min = Number(m?.[2] ?? String(minor ?? '0').replace(/\D.*$/, ''));
  return { gitVersion, major: maj, minor: min, supported: maj === 1 && (SUPPORTED_MINORS as readonly number[]).includes(min) };
}

export function supportedWindowText(): string {
  return `1.${SUPPORTED_MINORS[0]}–1.${SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1]}`;
}

export type PermissionNeed = 'read' | 'install' | 'workloads';

export interface PermissionSpec {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  need: PermissionNeed;
  purpose: string;
}

/** Everything Harbormaster does on a cluster, as access reviews. */
export const NEEDED_PERMISSIONS: PermissionSpec[] = [
  { verb: 'list', group: '', resource: 'nodes', need: 'read', purpose: 'show nodes, pools and capacity' },
  { verb: 'watch', group: '', resource: 'nodes', need: 'read', purpose: 'keep node state live' },
  { verb: 'list', group: '', resource: 'pods', need: 'read', purpose: 'compute requested capacity and diagnose workloads' },
  { verb: 'watch', group: '', resource: 'pods', need: 'read', purpose: 'keep pod state live' },
  { verb: 'list', group: '', resource: 'events', need: 'read', purpose: 'show warning events' },
  { verb: 'list', group: 'apps', resource: 'deployments', namespace: EXTENSION_NAMESPACE, need: 'read', purpose: 'check the extension components' },
  { verb: 'list', group: 'amlarc.azureml.com', resource: 'instancetypes', need: 'read', purpose: 'read instance types' },
  { verb: 'get', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', need: 'read', purpose: 'detect the InstanceType CRD' },
  { verb: 'create', group: '', resource: 'namespaces', need: 'install', purpose: 'create the azureml namespace and compute namespaces' },
  { verb: 'patch', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', need: 'install', purpose: 'install the InstanceType CRD' },
  { verb: 'patch', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', need: 'install', purpose: 'install the workload ClusterRole' },
  { verb: 'patch', group: 'apps', resource: 'deployments', namespace: EXTENSION_NAMESPACE, need: 'install', purpose: 'install the inference router' },
  { verb: 'patch', group: 'apps', resource: 'daemonsets', namespace: EXTENSION_NAMESPACE, need: 'install', purpose: 'install the NVIDIA device plugin' },
  { verb: 'patch', group: '', resource: 'secrets', namespace: EXTENSION_NAMESPACE, need: 'install', purpose: 'store the router certificate and keys' },
  { verb: 'patch', group: '', resource: 'services', namespace: EXTENSION_NAMESPACE, need: 'install', purpose: 'expose the inference router' },
  { verb: 'patch', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: EXTENSION_NAMESPACE, need: 'install', purpose: 'apply the baseline network policies' },
  { verb: 'patch', group: 'amlarc.azureml.com', resource: 'instancetypes', need: 'install', purpose: 'create and edit instance types' },
  { verb: 'create', group: 'batch', resource: 'jobs', need: 'workloads', purpose: 'run training jobs' },
  { verb: 'patch', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', need: 'workloads', purpose: 'bind compute targets to the workload role' },
  { verb: 'patch', group: '', resource: 'resourcequotas', need: 'workloads', purpose: 'apply compute target quotas' },
];

export interface PermissionResult extends PermissionSpec {
  allowed: boolean;
  /** The authorizer's reason or evaluation error, when denied. */
  detail?: string;
}

export interface PoolSummary {
  name: string;
  nodes: number;
  readyNodes: number;
  /** Base units: cores, bytes, GPUs. */
  allocatable: { cpu: number; memory: number; gpu: number };
  requested: { cpu: number; memory: number; gpu: number };
  /** VM size / instance type label, when nodes carry one. */
  instanceTypes: string[];
  gpuModel?: string;
  zones: string[];
  architectures: string[];
  taints: string[];
}

export type ExtensionFlavor = 'harbormaster' | 'azureml' | 'none' | 'foreign';

export interface ExtensionDetection {
  flavor: ExtensionFlavor;
  /** Harbormaster's extension version label, when ours. */
  version?: string;
  namespaceExists: boolean;
  crdInstalled: boolean;
  /** Deployments and DaemonSets found in azureml. */
  components: string[];
  detail: string;
}

export interface ClusterProbe {
  checkedAt: string;
  reachable: boolean;
  error?: { reason: KubeErrorReason; message: string };
  server: string;
  version?: VersionInfo;
  identity?: { username: string; groups: string[] };
  permissions?: PermissionResult[];
  nodes?: { total: number; ready: number; notReady: string[] };
  pools?: PoolSummary[];
  network?: { serviceCidrs: string[]; podCidrs: string[] };
  extension?: ExtensionDetection;
  /** Parts of the check that could not run (a 403 on nodes, …). */
  warnings: string[];
}

/** Azure ML's own Deployments (reference §1 "Components"): their presence means the Azure ML extension. */
export const AZUREML_COMPONENTS = [
  'aml-operator',
  'amlarc-identity-controller',
  'amlarc-identity-proxy',
  'azureml-fe-v2',
  'gateway',
  'inference-operator-controller-manager',
  'metrics-controller-manager',
  'relayserver',
];
export const AZUREML_JOB_CRD = 'amljobs.amlarc.azureml.com';

const GPU_MODEL_LABELS = ['nvidia.com/gpu.product', 'accelerator-model', 'kubernetes.azure.com/gpu-model'];

function q(v: unknown): number {
  if (v === undefined || v === null || v === '') return 0;
  const r = parseQuantity(v);
  return r.ok ? r.value : 0;
}

/** Pools (by the AKS/Harbormaster pool labels; "(no pool)" otherwise) with capacity vs requests. */
export function summarizePools(nodes: LeanNode[], pods: Pick<LeanPod, 'nodeName' | 'phase' | 'requests'>[]): PoolSummary[] {
  const byNode = new Map<string, { cpu: number; memory: number; gpu: number }>();
  for (const p of pods) {
    if (!p.nodeName || p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    const cur = byNode.get(p.nodeName) ?? { cpu: 0, memory: 0, gpu: 0 };
    cur.cpu += p.requests.cpu ?? 0;
    cur.memory += p.requests.memory ?? 0;
    cur.gpu += p.requests[GPU_RESOURCE] ?? 0;
    byNode.set(p.nodeName, cur);
  }
  const pools = new Map<string, PoolSummary>();
  for (const n of nodes) {
    const name = nodePool(n.labels) ?? '(no pool)';
    let p = pools.get(name);
    if (!p) {
      p = { name, nodes: 0, readyNodes: 0, allocatable: { cpu: 0, memory: 0, gpu: 0 }, requested: { cpu: 0, memory: 0, gpu: 0 }, instanceTypes: [], zones: [], architectures: [], taints: [] };
      pools.set(name, p);
    }
    p.nodes++;
    if (n.ready) p.readyNodes++;
    p.allocatable.cpu += q(n.allocatable.cpu);
    p.allocatable.memory += q(n.allocatable.memory);
    p.allocatable.gpu += q(n.allocatable[GPU_RESOURCE]);
    const r = byNode.get(n.name);
    if (r) {
      p.requested.cpu += r.cpu;
      p.requested.memory += r.memory;
      p.requested.gpu += r.gpu;
    }
    const add = (list: string[], v?: string) => v && !list.includes(v) && list.push(v);
    add(p.instanceTypes, n.labels['node.kubernetes.io/instance-type'] ?? n.labels['beta.kubernetes.io/instance-type']);
    add(p.zones, n.labels['topology.kubernetes.io/zone']);
    add(p.architectures, n.architecture ?? n.labels['kubernetes.io/arch']);
    for (const t of n.taints) add(p.taints, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
    const model = GPU_MODEL_LABELS.map((k) => n.labels[k]).find(Boolean);
    if (model) p.gpuModel = model;
  }
  return [...pools.values()].sort((x, y) => x.name.localeCompare(y.name));
}

/** Which ML extension the cluster runs, from the namespace, the CRDs and the Deployments in azureml. */
export function detectExtension(input: {
  namespace?: { metadata?: { labels?: Record<string, string> } };
  instanceTypeCrd?: { metadata?: { labels?: Record<string, string> } };
  amlJobCrd?: unknown;
  workloads: Pick<LeanWorkload, 'name' | 'labels' | 'kind'>[];
}): ExtensionDetection {
  const nsLabels = input.namespace?.metadata?.labels ?? {};
  const components = input.workloads.map((w) => w.name).sort();
  const azureComponents = components.filter((c) => AZUREML_COMPONENTS.includes(c));
  const base = { namespaceExists: !!input.namespace, crdInstalled: !!input.instanceTypeCrd, components };
  if (input.amlJobCrd || azureComponents.length) {
    return {
      ...base,
      flavor: 'azureml',
      detail: `the Azure ML extension (Microsoft.AzureML.Kubernetes) is installed: ${[input.amlJobCrd ? `CRD ${AZUREML_JOB_CRD}` : '', ...azureComponents].filter(Boolean).join(', ')}`,
    };
  }
  const ours = nsLabels['app.kubernetes.io/part-of'] === PART_OF || input.workloads.some((w) => w.labels['app.kubernetes.io/part-of'] === PART_OF);
  if (ours) {
    const version = nsLabels['harbormaster.io/extension-version'] ?? input.workloads.map((w) => w.labels['harbormaster.io/extension-version']).find(Boolean);
    return { ...base, flavor: 'harbormaster', ...(version ? { version } : {}), detail: `Harbormaster's ML extension${version ? ` ${version}` : ''} is installed` };
  }
  if (input.namespace || input.instanceTypeCrd) {
    return {
      ...base,
      flavor: 'foreign',
      detail: `${[input.namespace ? `namespace ${EXTENSION_NAMESPACE}` : '', input.instanceTypeCrd ? `CRD ${INSTANCE_TYPE_CRD_NAME}` : ''].filter(Boolean).join(' and ')} exist${input.namespace && input.instanceTypeCrd ? '' : 's'} but belong to no known extension`,
    };
  }
  return { ...base, flavor: 'none', detail: 'no ML extension is installed' };
}

async function accessReview(client: KubeClient, p: PermissionSpec, timeoutMs: number): Promise<PermissionResult> {
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, ...(p.namespace ? { namespace: p.namespace } : {}) } },
  };
  const r = await client.request<{ status?: { allowed?: boolean; reason?: string; evaluationError?: string } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    body,
    timeoutMs,
    what: 'review permissions',
  });
  const allowed = !!r?.status?.allowed;
  return { ...p, allowed, ...(!allowed && (r?.status?.reason || r?.status?.evaluationError) ? { detail: r?.status?.reason || r?.status?.evaluationError } : {}) };
}

export interface ProbeOptions {
  timeoutMs?: number;
  /** Skip listing pods (requested capacity) — e.g. when the live cache provides it. */
  skipPods?: boolean;
}

/** Runs every registration check; never throws (an unreachable cluster is a result). */
export async function probeCluster(client: KubeClient, opts: ProbeOptions = {}): Promise<ClusterProbe> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const out: ClusterProbe = { checkedAt: new Date().toISOString(), reachable: false, server: client.server, warnings: [] };
  try {
    const v = await client.get<{ gitVersion?: string; major?: string; minor?: string }>('/version', { timeoutMs, what: 'read the server version' });
    out.version = versionInfo(v?.gitVersion ?? '', v?.major, v?.minor);
    // /version is public on most clusters: prove the credentials with an authenticated call.
    const review = await client.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      timeoutMs,
      what: 'identify the credentials',
    });
    out.identity = { username: review?.status?.userInfo?.username ?? '(unknown)', groups: review?.status?.userInfo?.groups ?? [] };
    out.reachable = true;
  } catch (e) {
    const err = isKubeError(e) ? e : new KubeError('unknown', String(e));
    out.error = { reason: err.reason, message: err.message };
    // Reached, but 403 on the review itself: reachable with very limited rights.
    if (err.reason === 'forbidden' && out.version) out.reachable = true;
    else return out;
  }

  out.permissions = await Promise.all(NEEDED_PERMISSIONS.map((p) => accessReview(client, p, timeoutMs).catch((e) => ({ ...p, allowed: false, detail: (e as Error).message }))));
  const canDo = (verb: string, resource: string) => out.permissions!.some((p) => p.verb === verb && p.resource === resource && p.allowed);

  let nodes: LeanNode[] = [];
  if (canDo('list', 'nodes')) {
    try {
      nodes = (await listAll(client, '/api/v1/nodes')).map(leanNode);
      const notReady = nodes.filter((n) => !n.ready).map((n) => n.name);
      out.nodes = { total: nodes.length, ready: nodes.length - notReady.length, notReady };
    } catch (e) {
      out.warnings.push(`nodes: ${(e as Error).message}`);
    }
  } else out.warnings.push('the credentials may not list nodes: capacity is unknown');
  let pods: LeanPod[] = [];
  if (!opts.skipPods && canDo('list', 'pods')) {
    try {
      pods = (await listAll(client, '/api/v1/pods', { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' })).map(leanPod);
    } catch (e) {
      out.warnings.push(`pods: ${(e as Error).message}`);
    }
  }
  if (nodes.length) out.pools = summarizePools(nodes, pods);

  const serviceCidrs: string[] = [];
  try {
    const list = await client.get<{ items?: Array<{ spec?: { cidrs?: string[] } }> }>('/apis/networking.k8s.io/v1/servicecidrs', { timeoutMs, what: 'read service CIDRs' });
    for (const item of list?.items ?? []) serviceCidrs.push(...(item.spec?.cidrs ?? []));
  } catch {
    /* ServiceCIDR is GA since 1.33; older clusters or missing rights: unknown */
  }
  out.network = { serviceCidrs, podCidrs: [...new Set(nodes.flatMap((n) => n.podCIDRs))] };

  try {
    const [namespace, instanceTypeCrd, amlJobCrd, deployments, daemonSets] = await Promise.all([
      getObject<{ metadata?: { labels?: Record<string, string> } }>(client, { apiVersion: 'v1', kind: 'Namespace', name: EXTENSION_NAMESPACE }, timeoutMs),
      getObject<{ metadata?: { labels?: Record<string, string> } }>(client, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: INSTANCE_TYPE_CRD_NAME }, timeoutMs),
      getObject(client, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: AZUREML_JOB_CRD }, timeoutMs),
      listAll(client, `/apis/apps/v1/namespaces/${EXTENSION_NAMESPACE}/deployments`).catch(() => []),
      listAll(client, `/apis/apps/v1/namespaces/${EXTENSION_NAMESPACE}/daemonsets`).catch(() => []),
    ]);
    out.extension = detectExtension({
      namespace,
      instanceTypeCrd,
      amlJobCrd,
      workloads: [...deployments.map(leanWorkload('Deployment')), ...daemonSets.map(leanWorkload('DaemonSet'))],
    });
  } catch (e) {
    out.warnings.push(`extension detection: ${(e as Error).message}`);
  }
  return out;
}

/** Missing permissions grouped by what they are needed for. */
export function missingPermissions(p: ClusterProbe): Record<PermissionNeed, PermissionResult[]> {
  const out: Record<PermissionNeed, PermissionResult[]> = { read: [], install: [], workloads: [] };
  for (const r of p.permissions ?? []) if (!r.allowed) out[r.need].push(r);
  return out;
}

export function describePermission(p: PermissionSpec): string {
  return `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.namespace ? ` in ${p.namespace}` : ''}`;
}
