import 'server-only';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import { nodePool } from '@/lib/instance-types/fit';
import { parseQuantity } from '@/lib/quantity';
import { EXTENSION_NAMESPACE } from './manifests/extension-common';
import type { KubeClient } from './client';
import { listAll } from './apply';
import { isKubeError, KubeError, type KubeErrorReason } from './errors';
import { leanNode, leanPod, type LeanNode, type LeanPod } from './cache';
import { ClusterFacts, podCidrs, type AccessAnswer, type ExtensionDetection, type VersionInfo } from './cluster-facts';

// What Harbormaster checks when a cluster is registered and on demand: can we reach it, which Kubernetes
// version it runs, what the credentials may do (SelfSubjectAccessReview for every permission Harbormaster
// needs), its nodes and pools with allocatable vs requested capacity, and which ML extension is installed.
// The facts come from the one reader of them (cluster-facts.ts); this composes them into the stored probe.

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

export type PermissionResult = AccessAnswer<PermissionSpec>;

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

export interface ProbeOptions {
  timeoutMs?: number;
  /** Skip listing pods (requested capacity) — e.g. when the live cache provides it. */
  skipPods?: boolean;
}

/** Runs every registration check; never throws (an unreachable cluster is a result). */
export async function probeCluster(client: KubeClient, opts: ProbeOptions = {}): Promise<ClusterProbe> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const out: ClusterProbe = { checkedAt: new Date().toISOString(), reachable: false, server: client.server, warnings: [] };
  const facts = new ClusterFacts(client, { timeoutMs });
  try {
    out.version = (await facts.version()).version;
    out.identity = await facts.identity();
    out.reachable = true;
  } catch (e) {
    const err = isKubeError(e) ? e : new KubeError('unknown', String(e));
    out.error = { reason: err.reason, message: err.message };
    // Reached, but 403 on the review itself: reachable with very limited rights.
    if (err.reason === 'forbidden' && out.version) out.reachable = true;
    else return out;
  }

  out.permissions = await facts.accessReviews(NEEDED_PERMISSIONS);
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

  // ServiceCIDR is GA since 1.33; older clusters or missing rights: unknown.
  const serviceCidrs = await facts.serviceCidrs().catch(() => []);
  out.network = { serviceCidrs, podCidrs: podCidrs(nodes) };

  try {
    out.extension = (await facts.extension()).detection;
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
