// "How many of this instance type can start now?" (Kueue's admission idea, applied to nodes): a pure
// computation over node and pod snapshots, as the kube-scheduler's NodeResourcesFit, node selector and taint
// filters would see them, plus plain-language warnings that explain a zero. Azure ML only says "exceeded the
// node size" or "waiting for available resources"; this says which node, which resource, which taint.
import type { InstanceTypeSpec, Taint } from '@/lib/domain';
import { parseQuantity } from '@/lib/quantity';
import { GPU_RESOURCE, instanceTypeAmounts } from './resources';
import { formatTaint, isConditionTaint, isHardTaint, tolerates, type Toleration } from './tolerations';

export type { Toleration } from './tolerations';
export { tolerates, toleratesTaint, amlWorkloadTolerations, amlSystemTolerations, AML_TAINTS, AML_TAINT_KEYS, AML_WORKLOAD_TAINT_KEYS } from './tolerations';

/** Quantities as the API returns them ("4", "16Gi", "3920m") or numbers in base units (cores, bytes, count). */
export type QuantityMap = Record<string, string | number>;

/** A node, reduced to what the fit needs. Build it from a core/v1 Node with `fitNodeFromNode`. */
export interface FitNode {
  name: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** `spec.unschedulable` (cordoned). */
  unschedulable?: boolean;
  /** The `Ready` condition is True. */
  ready: boolean;
  /** `status.allocatable`. */
  allocatable: QuantityMap;
}

/**
 * A pod, reduced to what the fit needs. `requests` is the pod's effective request (see `podRequests`: sum of
 * containers, or the largest init container if bigger, plus overhead).
 */
export interface FitPod {
  name?: string;
  namespace?: string;
  /** Node the pod is bound to; pods not yet bound use no node's capacity. */
  nodeName?: string | null;
  /** Pod phase; Succeeded and Failed pods no longer hold resources. */
  phase?: string;
  requests: QuantityMap;
}

export interface ComputeFitInput {
  instanceType: InstanceTypeSpec;
  nodes: readonly FitNode[];
  pods: readonly FitPod[];
  /** The extension's `nodeSelector.*` setting: ANDed with the instance type's nodeSelector. */
  extensionNodeSelector?: Record<string, string>;
  /**
   * Tolerations the workloads carry. For ML workloads pass `amlWorkloadTolerations({workspace, compute})`
   * (plus any the job adds); nothing is tolerated implicitly.
   */
  tolerations: readonly Toleration[];
  /** Node label naming the pool, tried before the well-known ones (`POOL_LABELS`). */
  poolLabel?: string;
}

/** Labels that name a node's pool, in the order they are tried: AKS, older AKS / common, Harbormaster. */
export const POOL_LABELS = ['kubernetes.azure.com/agentpool', 'agentpool', 'harbormaster.io/pool'] as const;

/** The resources a replica needs that the fit checks. */
export type FitResource = 'cpu' | 'memory' | typeof GPU_RESOURCE | 'pods';
const FIT_RESOURCES: FitResource[] = ['cpu', 'memory', GPU_RESOURCE, 'pods'];

/** Amounts in base units: cores, bytes, GPUs, pods. */
export type Amounts = Record<FitResource, number>;

export interface NodeFit {
  name: string;
  pool: string | null;
  matchesLabels: boolean;
  /** NoSchedule/NoExecute taints (other than node-condition taints) the workloads do not tolerate. */
  untoleratedTaints: Taint[];
  ready: boolean;
  schedulable: boolean;
  /** Counted in the totals: labels match, taints tolerated, Ready, schedulable. */
  counted: boolean;
  /** Why the node is not counted, in words. */
  reason?: string;
  allocatable: Amounts;
  /** Requests of the non-terminated pods bound to the node (pods = how many). */
  used: Amounts;
  /** Replicas that would fit on this node if it were empty (whether or not it is counted). */
  capacity: number;
  /** Replicas that fit now in what is free; 0 when the node is not counted. */
  availableNow: number;
  /** The resource that runs out first now (when counted). */
  limitedBy?: FitResource;
}

export interface PoolFit {
  pool: string | null;
  nodes: number;
  countedNodes: number;
  maxReplicas: number;
  availableNow: number;
}

export type FitWarningCode =
  | 'selector_conflict'
  | 'no_matching_node'
  | 'exceeds_node_size'
  | 'untolerated_taint'
  | 'nodes_unavailable';

export interface FitWarning {
  code: FitWarningCode;
  message: string;
  /** Names of the nodes concerned, when it is about some nodes. */
  nodes?: string[];
  resource?: FitResource;
  taint?: Taint;
}

export interface FitResult {
  instanceType: string;
  /** Combined node selector (instance type AND extension). */
  nodeSelector: Record<string, string>;
  /** What one replica requests (base units; pods = 1). */
  requests: Amounts;
  /** Limits of one replica (cpu, memory, GPU). */
  limits: { cpu: number; memory: number; gpu: number };
  /** Nodes whose labels match the combined selector. */
  labelMatchingNodes: number;
  /** Nodes counted: labels match, taints tolerated, Ready and schedulable. */
  matchingNodes: number;
  /** Replicas that fit on the counted nodes if nothing else ran there. */
  maxReplicas: number;
  /** Replicas that fit right now in the free capacity of the counted nodes. */
  availableNow: number;
  warnings: FitWarning[];
  perNode: NodeFit[];
  perPool: PoolFit[];
}

// ---------------------------------------------------------------------------------------------------------
// Arithmetic in integer units (millicores for CPU) so that 3 × 700m fits in 2.1 cores exactly.

function toUnits(resource: string, value: number): number {
  return resource === 'cpu' ? Math.round(value * 1000) : Math.round(value);
}
function fromUnits(resource: string, units: number): number {
  return resource === 'cpu' ? units / 1000 : units;
}

function quantity(v: unknown): number {
  if (v === undefined || v === null || v === '') return 0;
  const q = parseQuantity(v);
  return q.ok ? q.value : 0;
}

function resourceOf(map: QuantityMap | undefined, resource: FitResource): number {
  return toUnits(resource, quantity(map?.[resource]));
}

/** Terminated pods (Succeeded, Failed) hold no resources. */
export function isPodActive(pod: Pick<FitPod, 'phase'>): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/** Pool of a node: `poolLabel` first, then `POOL_LABELS`. */
export function nodePool(labels: Record<string, string> | undefined, poolLabel?: string): string | null {
  const keys = poolLabel ? [poolLabel, ...POOL_LABELS] : POOL_LABELS;
  for (const k of keys) {
    const v = labels?.[k];
    if (v) return v;
  }
  return null;
}

/**
 * Merges the instance type's and the extension's node selectors (both must hold). Keys present in both
 * with different values are conflicts: no node can satisfy them.
 */
export function combineNodeSelectors(
  instanceType: Record<string, string> | undefined,
  extension: Record<string, string> | undefined,
): { selector: Record<string, string>; conflicts: { key: string; instanceType: string; extension: string }[] } {
  const selector: Record<string, string> = { ...(extension ?? {}) };
  const conflicts: { key: string; instanceType: string; extension: string }[] = [];
  for (const [k, v] of Object.entries(instanceType ?? {})) {
    if (k in selector && selector[k] !== v) conflicts.push({ key: k, instanceType: v, extension: selector[k] });
    else selector[k] = v;
  }
  return { selector, conflicts };
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function formatSelector(sel: Record<string, string>): string {
  return Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(', ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const RESOURCE_WORDS: Record<FitResource, string> = { cpu: 'CPU', memory: 'memory', [GPU_RESOURCE]: 'GPU (nvidia.com/gpu)', pods: 'pod slots' };

/** People-readable amount: cores, GiB, GPUs, pods. */
export function formatAmount(resource: FitResource, value: number): string {
  if (resource === 'cpu') return `${Number.isInteger(value) ? value : Math.round(value * 1000) / 1000} CPU`;
  if (resource === 'memory') {
    const gib = value / 2 ** 30;
    return gib >= 1 ? `${Math.round(gib * 100) / 100} GiB` : `${Math.round((value / 2 ** 20) * 10) / 10} MiB`;
  }
  if (resource === GPU_RESOURCE) return plural(value, 'GPU');
  return plural(value, 'pod');
}

/** Replicas of `request` that fit in `free` (integer units); resources requested at 0 are ignored. */
function replicasIn(free: Amounts, request: Amounts, hasPodLimit: boolean): { n: number; limitedBy?: FitResource } {
  let best = Infinity;
  let limitedBy: FitResource | undefined;
  for (const r of FIT_RESOURCES) {
    if (request[r] <= 0) continue;
    if (r === 'pods' && !hasPodLimit) continue;
    const n = Math.floor(Math.max(0, free[r]) / request[r]);
    if (n < best) { best = n; limitedBy = r; }
  }
  return { n: best === Infinity ? 0 : best, limitedBy };
}

function toBase(a: Amounts): Amounts {
  return Object.fromEntries(FIT_RESOURCES.map((r) => [r, fromUnits(r, a[r])])) as Amounts;
}

/**
 * How many replicas of an instance type fit, per node, per pool and in total, now and on an empty cluster.
 * A node counts when it is Ready, not cordoned, its labels match the instance type's nodeSelector AND the
 * extension's, and the workloads tolerate its NoSchedule/NoExecute taints. Per node:
 * floor(min over requested resources of (allocatable − requests of non-terminated pods) / request); each
 * replica also takes one of the node's `pods` slots.
 */
export function computeFit(input: ComputeFitInput): FitResult {
  const { instanceType, nodes, pods, tolerations } = input;
  const amounts = instanceTypeAmounts(instanceType);
  const request: Amounts = {
    cpu: toUnits('cpu', amounts.requests.cpu),
    memory: toUnits('memory', amounts.requests.memory),
    [GPU_RESOURCE]: toUnits(GPU_RESOURCE, amounts.requests.gpu),
    pods: 1,
  } as Amounts;
  const { selector, conflicts } = combineNodeSelectors(instanceType.nodeSelector, input.extensionNodeSelector);

  // Sum the requests of active pods per node once.
  const usedByNode = new Map<string, Amounts>();
  for (const pod of pods) {
    if (!pod.nodeName || !isPodActive(pod)) continue;
    let u = usedByNode.get(pod.nodeName);
    if (!u) { u = { cpu: 0, memory: 0, [GPU_RESOURCE]: 0, pods: 0 } as Amounts; usedByNode.set(pod.nodeName, u); }
    for (const r of FIT_RESOURCES) if (r !== 'pods') u[r] += resourceOf(pod.requests, r);
    u.pods += 1;
  }

  const perNode: NodeFit[] = nodes.map((node) => {
    const alloc: Amounts = {} as Amounts;
    for (const r of FIT_RESOURCES) alloc[r] = resourceOf(node.allocatable, r);
    const hasPodLimit = node.allocatable?.pods !== undefined && node.allocatable?.pods !== null && node.allocatable?.pods !== '';
    const used = usedByNode.get(node.name) ?? ({ cpu: 0, memory: 0, [GPU_RESOURCE]: 0, pods: 0 } as Amounts);
    const free = Object.fromEntries(FIT_RESOURCES.map((r) => [r, alloc[r] - used[r]])) as Amounts;
    const taints = node.taints ?? [];
    const matchesLabels = conflicts.length === 0 && matchesSelector(node.labels, selector);
    const untoleratedTaints = taints.filter((t) => isHardTaint(t) && !isConditionTaint(t) && !tolerates(tolerations, t));
    const conditionTaints = taints.filter((t) => isHardTaint(t) && isConditionTaint(t) && !tolerates(tolerations, t));
    const schedulable = !node.unschedulable;
    // Condition taints other than cordon / not-ready (memory or disk pressure, …) make the node unavailable too.
    const pressure = conditionTaints.filter((t) => !/unschedulable|not-ready|unreachable/.test(t.key));
    const counted = matchesLabels && untoleratedTaints.length === 0 && node.ready && schedulable && pressure.length === 0;
    let reason: string | undefined;
    if (!matchesLabels) reason = conflicts.length ? 'node selectors conflict' : `labels do not match ${formatSelector(selector)}`;
    else if (untoleratedTaints.length) reason = `taint ${untoleratedTaints.map(formatTaint).join(', ')} not tolerated`;
    else if (!node.ready) reason = 'NotReady';
    else if (!schedulable) reason = 'cordoned';
    else if (pressure.length) reason = `condition ${pressure.map((t) => t.key.replace(/^.*\//, '')).join(', ')}`;
    const capacity = replicasIn(alloc, request, hasPodLimit).n;
    const now = counted ? replicasIn(free, request, hasPodLimit) : { n: 0, limitedBy: undefined };
    return {
      name: node.name,
      pool: nodePool(node.labels, input.poolLabel),
      matchesLabels,
      untoleratedTaints,
      ready: node.ready,
      schedulable,
      counted,
      ...(reason ? { reason } : {}),
      allocatable: toBase(alloc),
      used: toBase(used),
      capacity,
      availableNow: now.n,
      ...(counted && now.limitedBy ? { limitedBy: now.limitedBy } : {}),
    };
  });

  const counted = perNode.filter((n) => n.counted);
  const labelMatching = perNode.filter((n) => n.matchesLabels);
  const maxReplicas = counted.reduce((s, n) => s + n.capacity, 0);
  const availableNow = counted.reduce((s, n) => s + n.availableNow, 0);

  const warnings: FitWarning[] = [];
  if (conflicts.length) {
    for (const c of conflicts) {
      warnings.push({
        code: 'selector_conflict',
        message: `The instance type selects ${c.key}=${c.instanceType} but the ML extension pins workloads to ${c.key}=${c.extension}: no node can match both.`,
      });
    }
  } else if (nodes.length === 0) {
    warnings.push({ code: 'no_matching_node', message: 'The cluster has no nodes.' });
  } else if (labelMatching.length === 0) {
    warnings.push({
      code: 'no_matching_node',
      message: `No node has the labels ${formatSelector(selector)} (the instance type's nodeSelector AND the extension's), so nothing of this instance type can run.`,
    });
  }

  if (labelMatching.length > 0 && labelMatching.every((n) => n.capacity === 0)) {
    warnings.push(exceedsNodeSize(instanceType.name, labelMatching, request));
  }

  // Taints that keep label-matching nodes out, one warning per taint.
  const byTaint = new Map<string, { taint: Taint; nodes: string[] }>();
  for (const n of labelMatching) {
    for (const t of n.untoleratedTaints) {
      const k = formatTaint(t);
      const e = byTaint.get(k) ?? { taint: t, nodes: [] };
      e.nodes.push(n.name);
      byTaint.set(k, e);
    }
  }
  for (const [k, e] of byTaint) {
    warnings.push({
      code: 'untolerated_taint',
      message: `${plural(e.nodes.length, 'matching node')} ${e.nodes.length === 1 ? 'has' : 'have'} the taint ${k}, which the workloads do not tolerate.`,
      nodes: e.nodes,
      taint: e.taint,
    });
  }

  // Nodes that would count but are down or cordoned.
  const unavailable = labelMatching.filter((n) => n.untoleratedTaints.length === 0 && !n.counted);
  if (unavailable.length) {
    const notReady = unavailable.filter((n) => !n.ready);
    const cordoned = unavailable.filter((n) => n.ready && !n.schedulable);
    const other = unavailable.filter((n) => n.ready && n.schedulable);
    const parts: string[] = [];
    if (notReady.length) parts.push(`${plural(notReady.length, 'is', 'are')} NotReady (${notReady.map((n) => n.name).join(', ')})`);
    if (cordoned.length) parts.push(`${plural(cordoned.length, 'is', 'are')} cordoned (${cordoned.map((n) => n.name).join(', ')})`);
    if (other.length) parts.push(`${plural(other.length, 'is', 'are')} under pressure (${other.map((n) => `${n.name}: ${n.reason}`).join(', ')})`);
    warnings.push({
      code: 'nodes_unavailable',
      message: `${plural(unavailable.length, 'matching node')} cannot take work: ${parts.join('; ')}.`,
      nodes: unavailable.map((n) => n.name),
    });
  }

  // Pools, in name order, unpooled nodes last.
  const pools = new Map<string | null, PoolFit>();
  for (const n of perNode) {
    const p = pools.get(n.pool) ?? { pool: n.pool, nodes: 0, countedNodes: 0, maxReplicas: 0, availableNow: 0 };
    p.nodes += 1;
    if (n.counted) { p.countedNodes += 1; p.maxReplicas += n.capacity; p.availableNow += n.availableNow; }
    pools.set(n.pool, p);
  }
  const perPool = [...pools.values()].sort((a, b) =>
    a.pool === b.pool ? 0 : a.pool === null ? 1 : b.pool === null ? -1 : a.pool.localeCompare(b.pool),
  );

  return {
    instanceType: instanceType.name,
    nodeSelector: selector,
    requests: toBase(request),
    limits: amounts.limits,
    labelMatchingNodes: labelMatching.length,
    matchingNodes: counted.length,
    maxReplicas,
    availableNow,
    warnings,
    perNode,
    perPool,
  };
}

/** The `exceeds_node_size` warning: which resource is too big, against the biggest matching node's figure. */
function exceedsNodeSize(name: string, matching: NodeFit[], request: Amounts): FitWarning {
  const reasons: string[] = [];
  let first: FitResource | undefined;
  for (const r of FIT_RESOURCES) {
    if (r === 'pods' || request[r] <= 0) continue;
    const biggest = matching.reduce((a, b) => (toUnits(r, b.allocatable[r]) > toUnits(r, a.allocatable[r]) ? b : a));
    if (toUnits(r, biggest.allocatable[r]) < request[r]) {
      first ??= r;
      reasons.push(
        `it requests ${formatAmount(r, fromUnits(r, request[r]))} and the biggest matching node (${biggest.name}) has ${formatAmount(r, biggest.allocatable[r])} allocatable`,
      );
    }
  }
  if (reasons.length === 0) {
    // Every resource fits on some node, but never all on the same one.
    const wanted = FIT_RESOURCES.filter((r) => r !== 'pods' && request[r] > 0).map((r) => formatAmount(r, fromUnits(r, request[r])));
    reasons.push(`no single matching node has ${wanted.join(' and ')} allocatable at once`);
  }
  return {
    code: 'exceeds_node_size',
    message: `Instance type ${name} has exceeded the node size: ${reasons.join('; ')}.`,
    nodes: matching.map((n) => n.name),
    ...(first ? { resource: first } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Quota

/**
 * What a compute target's quota still allows, in base units or quantities; absent = unlimited. `cpu` and
 * `memory` are requests (ResourceQuota `requests.cpu` / `cpu`), `limits.*` the limit quotas.
 */
export interface QuotaLeft {
  cpu?: number | string;
  memory?: number | string;
  gpu?: number | string;
  pods?: number | string;
  'limits.cpu'?: number | string;
  'limits.memory'?: number | string;
}

/** How many replicas a quota leaves room for, and which quota runs out first. */
export function quotaReplicas(
  fit: Pick<FitResult, 'requests' | 'limits'>,
  quotaLeft: QuotaLeft,
): { n: number; limitedBy?: keyof QuotaLeft } {
  const pairs: [keyof QuotaLeft, string, number][] = [
    ['cpu', 'cpu', fit.requests.cpu],
    ['memory', 'memory', fit.requests.memory],
    ['gpu', GPU_RESOURCE, fit.requests[GPU_RESOURCE]],
    ['pods', 'pods', fit.requests.pods],
    ['limits.cpu', 'cpu', fit.limits.cpu],
    ['limits.memory', 'memory', fit.limits.memory],
  ];
  let best = Infinity;
  let limitedBy: keyof QuotaLeft | undefined;
  for (const [key, unit, per] of pairs) {
    const left = quotaLeft[key];
    if (left === undefined || left === null || left === '') continue;
    const perUnits = toUnits(unit, per);
    if (perUnits <= 0) continue;
    const n = Math.floor(Math.max(0, toUnits(unit, quantity(left))) / perUnits);
    if (n < best) { best = n; limitedBy = key; }
  }
  return best === Infinity ? { n: Infinity } : { n: best, limitedBy };
}

/** Replicas that can start now: what the nodes have free, capped by what the quota leaves. */
export function canStartNow(fit: Pick<FitResult, 'availableNow' | 'requests' | 'limits'>, quotaLeft?: QuotaLeft): number {
  if (!quotaLeft) return fit.availableNow;
  return Math.min(fit.availableNow, quotaReplicas(fit, quotaLeft).n);
}

/**
 * Remaining quota from a ResourceQuota's `status.hard` and `status.used` (hard − used per resource),
 * mapped to `QuotaLeft`. Recognises `requests.cpu`/`cpu`, `requests.memory`/`memory`, `limits.cpu`,
 * `limits.memory`, `requests.nvidia.com/gpu` (GPU quota is on requests only), `pods`/`count/pods`.
 */
export function quotaLeftFromResourceQuota(hard: QuantityMap | undefined, used: QuantityMap | undefined): QuotaLeft {
  const left = (names: string[]): number | undefined => {
    let best: number | undefined;
    for (const n of names) {
      if (hard?.[n] === undefined) continue;
      const v = quantity(hard[n]) - quantity(used?.[n]);
      best = best === undefined ? v : Math.min(best, v);
    }
    return best === undefined ? undefined : Math.max(0, v0(best));
  };
  const out: QuotaLeft = {};
  const set = (k: keyof QuotaLeft, v: number | undefined) => { if (v !== undefined) out[k] = v; };
  set('cpu', left(['requests.cpu', 'cpu']));
  set('memory', left(['requests.memory', 'memory']));
  set('gpu', left([`requests.${GPU_RESOURCE}`]));
  set('pods', left(['pods', 'count/pods']));
  set('limits.cpu', left(['limits.cpu']));
  set('limits.memory', left(['limits.memory']));
  return out;
}

// Rounds away float noise (e.g. 2 − 1.9 = 0.10000000000000009) to a thousandth of a unit.
function v0(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------------------------------------
// Adapters from core/v1 shapes (structural: no client library needed)

interface ResourceRequirementsLike { requests?: QuantityMap | null; limits?: QuantityMap | null }
interface ContainerLike { resources?: ResourceRequirementsLike | null; restartPolicy?: string | null }
export interface PodSpecLike {
  containers?: ContainerLike[] | null;
  initContainers?: ContainerLike[] | null;
  overhead?: QuantityMap | null;
}

/**
 * A pod's effective requests, as the scheduler computes them (k8s resourcehelper.PodRequests): the sum of
 * the containers and of restartable init containers (sidecars), or the largest regular init container plus
 * the sidecars started before it if that is bigger, plus pod overhead. A container with a limit but no
 * request requests its limit (the API server's defaulting). Values in base units.
 */
export function podRequests(spec: PodSpecLike): Record<string, number> {
  const containerReq = (c: ContainerLike): Record<string, number> => {
    const out: Record<string, number> = {};
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const k of new Set([...Object.keys(req), ...Object.keys(lim)])) {
      out[k] = quantity(req[k] !== undefined ? req[k] : lim[k]);
    }
    return out;
  };
  const add = (a: Record<string, number>, b: Record<string, number>) => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const max = (a: Record<string, number>, b: Record<string, number>) => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
    return out;
  };
  let reqs: Record<string, number> = {};
  for (const c of spec.containers ?? []) reqs = add(reqs, containerReq(c));
  let sidecars: Record<string, number> = {};
  let initMax: Record<string, number> = {};
  for (const c of spec.initContainers ?? []) {
    const r = containerReq(c);
    if (c.restartPolicy === 'Always') {
      reqs = add(reqs, r);
      sidecars = add(sidecars, r);
      initMax = max(initMax, sidecars);
    } else {
      initMax = max(initMax, add(r, sidecars));
    }
  }
  reqs = max(reqs, initMax);
  if (spec.overhead) reqs = add(reqs, Object.fromEntries(Object.entries(spec.overhead).map(([k, v]) => [k, quantity(v)])));
  return reqs;
}

/** A core/v1 Pod (structurally) → FitPod. */
export function fitPodFromPod(pod: {
  metadata?: { name?: string; namespace?: string } | null;
  spec?: (PodSpecLike & { nodeName?: string | null }) | null;
  status?: { phase?: string | null } | null;
}): FitPod {
  return {
    name: pod.metadata?.name,
    namespace: pod.metadata?.namespace,
    nodeName: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? undefined,
    requests: podRequests(pod.spec ?? {}),
  };
}

/** A core/v1 Node (structurally) → FitNode. */
export function fitNodeFromNode(node: {
  metadata?: { name?: string; labels?: Record<string, string> | null } | null;
  spec?: { unschedulable?: boolean | null; taints?: Array<{ key: string; value?: string | null; effect: string }> | null } | null;
  status?: { allocatable?: QuantityMap | null; conditions?: Array<{ type: string; status: string }> | null } | null;
}): FitNode {
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key,
      ...(t.value ? { value: t.value } : {}),
      effect: t.effect as Taint['effect'],
    })),
    unschedulable: !!node.spec?.unschedulable,
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    allocatable: node.status?.allocatable ?? {},
  };
}
