import 'server-only';
import type { InstanceTypeSpec, Taint } from '@/lib/domain';
import { LABELS } from '@/lib/domain';
import { podRequests, type QuantityMap } from '@/lib/instance-types/fit';
import type { JobObjectState } from '@/lib/jobs/status';
import { EXTENSION_NAMESPACE } from './manifests/extension-common';
import type { KubeClient } from './client';
import { Informer, type InformerState } from './informer';
import { logger } from '../logger';

// The per-cluster live cache: one informer per kind the console needs, started on first use, stopped when
// nobody read it for a while or when the cluster's credentials change. Pages and checks read from here and
// never LIST the API server per request. Objects are kept in lean forms with just what the pages, the fit
// computation and the health checks use.

export interface LeanNode {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  ready: boolean;
  /** Reason/message of the Ready condition when not Ready. */
  notReadyReason?: string;
  allocatable: QuantityMap;
  capacity: QuantityMap;
  podCIDRs: string[];
  kubeletVersion?: string;
  architecture?: string;
  createdAt?: string;
  /** A KWOK fake node (annotation kwok.x-k8s.io/node=fake): pods are scheduled there, no process runs. */
  simulated?: boolean;
}

export interface PodProblem {
  /** Unschedulable, ErrImagePull, ImagePullBackOff, CrashLoopBackOff, NotReady, … */
  reason: string;
  message: string;
  container?: string;
}

export interface LeanPod {
  namespace: string;
  name: string;
  nodeName: string | null;
  phase: string;
  /** Effective requests in base units (podRequests). */
  requests: Record<string, number>;
  ready: boolean;
  restarts: number;
  /** Only the labels Harbormaster looks at. */
  labels: Record<string, string>;
  owner?: { kind: string; name: string };
  problem?: PodProblem;
  createdAt?: string;
  /** When its containers started / the last one ended (first container that reports it). */
  startedAt?: string;
  finishedAt?: string;
  /** The first terminated container's exit code and reason (OOMKilled, Error, Completed …). */
  exitCode?: number;
  exitReason?: string;
}

export interface LeanEvent {
  uid: string;
  namespace: string;
  type: string;
  reason: string;
  message: string;
  object: { kind: string; name: string; namespace?: string };
  count: number;
  /** Last time seen (ms since epoch). */
  last: number;
  source?: string;
}

export interface LeanWorkload {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  generation: number;
  observedGeneration: number;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  /** Deployment conditions that are False (e.g. Progressing=False: ProgressDeadlineExceeded). */
  failing?: string;
}

/** A ResourceQuota (compute-target quotas and any other in compute namespaces): hard limits and usage. */
export interface LeanResourceQuota {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  hard: Record<string, string>;
  used: Record<string, string>;
}

export interface LeanInstanceType extends InstanceTypeSpec {
  labels: Record<string, string>;
  createdAt?: string;
}

type Raw = Record<string, unknown>;
type Obj = { [k: string]: unknown };
const o = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const a = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(o(v)).filter(([, x]) => typeof x === 'string')) as Record<string, string>;

const KEPT_POD_LABELS = new Set<string>([...Object.values(LABELS), 'app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'job-name', 'batch.kubernetes.io/job-name', 'batch.kubernetes.io/job-completion-index']);

export function leanNode(raw: Raw): LeanNode {
  const m = o(raw.metadata);
  const spec = o(raw.spec);
  const status = o(raw.status);
  const ready = a(status.conditions).find((c) => c.type === 'Ready');
  const info = o(status.nodeInfo);
  return {
    name: s(m.name) ?? '',
    labels: strMap(m.labels),
    taints: a(spec.taints).map((t) => ({ key: String(t.key), ...(t.value ? { value: String(t.value) } : {}), effect: String(t.effect) as Taint['effect'] })),
    unschedulable: spec.unschedulable === true,
    ready: ready?.status === 'True',
    ...(ready?.status !== 'True' ? { notReadyReason: [s(ready?.reason), s(ready?.message)].filter(Boolean).join(': ') || 'no Ready condition reported' } : {}),
    allocatable: strMap(status.allocatable),
    capacity: strMap(status.capacity),
    podCIDRs: (Array.isArray(spec.podCIDRs) ? (spec.podCIDRs as string[]) : s(spec.podCIDR) ? [s(spec.podCIDR)!] : []).filter((x) => typeof x === 'string'),
    kubeletVersion: s(info.kubeletVersion),
    architecture: s(info.architecture),
    createdAt: s(m.creationTimestamp),
    ...(strMap(m.annotations)['kwok.x-k8s.io/node'] === 'fake' ? { simulated: true } : {}),
  };
}

export interface LeanService {
  name: string;
  type: string | null;
  clusterIP: string | null;
  nodePort: number | null;
  /** The load balancer's first address (IP or host name), once assigned. */
  externalAddress: string | null;
}

export function leanService(raw: Raw): LeanService {
  const m = o(raw.metadata);
  const spec = o(raw.spec);
  const ingress = a(o(o(raw.status).loadBalancer).ingress)[0];
  const port = a(spec.ports)[0];
  return {
    name: s(m.name) ?? '',
    type: s(spec.type) ?? null,
    clusterIP: s(spec.clusterIP) ?? null,
    nodePort: typeof port?.nodePort === 'number' ? port.nodePort : null,
    externalAddress: s(ingress?.ip) ?? s(ingress?.hostname) ?? null,
  };
}

/** Why a pod is not Ready, in the kubelet's and scheduler's words. */
export function podProblem(raw: Raw): PodProblem | undefined {
  const status = o(raw.status);
  const phase = s(status.phase) ?? 'Unknown';
  if (phase === 'Succeeded') return undefined;
  const conditions = a(status.conditions);
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return { reason: s(scheduled.reason) ?? 'Unschedulable', message: s(scheduled.message) ?? 'the scheduler cannot place the pod' };
  for (const list of [a(status.initContainerStatuses), a(status.containerStatuses)]) {
    for (const c of list) {
      const waiting = o(o(c.state).waiting);
      const reason = s(waiting.reason);
      if (reason && reason !== 'ContainerCreating' && reason !== 'PodInitializing') {
        const last = o(o(c.lastState).terminated);
        const lastText = last.exitCode !== undefined ? ` (last exit code ${String(last.exitCode)}${last.reason ? `, ${String(last.reason)}` : ''})` : '';
        return { reason, message: `${s(waiting.message) ?? reason}${lastText}`, container: s(c.name) };
      }
      const term = o(o(c.state).terminated);
      if (term.exitCode !== undefined && term.exitCode !== 0) {
        return { reason: s(term.reason) ?? 'Error', message: `container ${String(c.name)} exited with code ${String(term.exitCode)}`, container: s(c.name) };
      }
    }
  }
  if (phase === 'Failed') return { reason: s(status.reason) ?? 'Failed', message: s(status.message) ?? 'the pod failed' };
  if (phase === 'Pending') return { reason: 'Pending', message: s(status.message) ?? (scheduled ? 'waiting to start' : 'waiting to be scheduled') };
  return { reason: s(ready?.reason) ?? 'NotReady', message: s(ready?.message) ?? 'the pod is not Ready (readiness probe failing?)' };
}

export function leanPod(raw: Raw): LeanPod {
  const m = o(raw.metadata);
  const spec = o(raw.spec);
  const status = o(raw.status);
  const labels = Object.fromEntries(Object.entries(strMap(m.labels)).filter(([k]) => KEPT_POD_LABELS.has(k)));
  const owner = a(m.ownerReferences)[0];
  const restarts = a(status.containerStatuses).reduce((n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
  const problem = podProblem(raw);
  const statuses = a(status.containerStatuses);
  const running = statuses.map((c) => o(o(c.state).running)).find((r) => s(r.startedAt));
  const term = statuses.map((c) => o(o(c.state).terminated)).find((t) => t.exitCode !== undefined) ?? statuses.map((c) => o(o(c.lastState).terminated)).find((t) => t.exitCode !== undefined);
  return {
    ...(s(running?.startedAt) ?? s(term?.startedAt) ? { startedAt: s(running?.startedAt) ?? s(term?.startedAt) } : {}),
    ...(term && s(term.finishedAt) ? { finishedAt: s(term.finishedAt) } : {}),
    ...(term && typeof term.exitCode === 'number' ? { exitCode: term.exitCode as number, exitReason: s(term.reason) ?? (term.exitCode === 0 ? 'Completed' : 'Error') } : {}),
    namespace: s(m.namespace) ?? '',
    name: s(m.name) ?? '',
    nodeName: s(spec.nodeName) ?? null,
    phase: s(status.phase) ?? 'Unknown',
    requests: podRequests(spec as never),
    ready: a(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts,
    labels,
    ...(owner ? { owner: { kind: String(owner.kind), name: String(owner.name) } } : {}),
    ...(problem ? { problem } : {}),
    createdAt: s(m.creationTimestamp),
  };
}

export function leanEvent(raw: Raw): LeanEvent {
  const m = o(raw.metadata);
  const inv = o(raw.involvedObject);
  const src = o(raw.source);
  const series = o(raw.series);
  const last = s(raw.lastTimestamp) ?? s(series.lastObservedTime) ?? s(raw.eventTime) ?? s(m.creationTimestamp);
  return {
    uid: s(m.uid) ?? `${s(m.namespace)}/${s(m.name)}`,
    namespace: s(m.namespace) ?? '',
    type: s(raw.type) ?? 'Normal',
    reason: s(raw.reason) ?? '',
    message: (s(raw.message) ?? '').slice(0, 1000),
    object: { kind: s(inv.kind) ?? '', name: s(inv.name) ?? '', ...(s(inv.namespace) ? { namespace: s(inv.namespace) } : {}) },
    count: typeof raw.count === 'number' ? raw.count : typeof series.count === 'number' ? (series.count as number) : 1,
    last: last ? Date.parse(last) : 0,
    source: s(src.component) ?? s(raw.reportingComponent),
  };
}

export function leanWorkload(kind: 'Deployment' | 'DaemonSet') {
  return (raw: Raw): LeanWorkload => {
    const m = o(raw.metadata);
    const spec = o(raw.spec);
    const status = o(raw.status);
    const num = (v: unknown) => (typeof v === 'number' ? v : 0);
    const failing = a(status.conditions)
      .filter((c) => c.status === 'False' && c.type !== 'Available')
      .map((c) => `${String(c.type)}=False: ${String(c.reason ?? '')}${c.message ? ` (${String(c.message)})` : ''}`)
      .join('; ');
    const base = {
      kind,
      namespace: s(m.namespace) ?? '',
      name: s(m.name) ?? '',
      labels: strMap(m.labels),
      selector: strMap(o(spec.selector).matchLabels),
      generation: num(m.generation),
      observedGeneration: num(status.observedGeneration),
      ...(failing ? { failing } : {}),
    };
    if (kind === 'Deployment') {
      return { ...base, desired: typeof spec.replicas === 'number' ? spec.replicas : 1, ready: num(status.readyReplicas), updated: num(status.updatedReplicas), available: num(status.availableReplicas) };
    }
    return { ...base, desired: num(status.desiredNumberScheduled), ready: num(status.numberReady), updated: num(status.updatedNumberScheduled), available: num(status.numberAvailable) };
  };
}

export function leanInstanceType(raw: Raw): LeanInstanceType {
  const m = o(raw.metadata);
  const spec = o(raw.spec);
  const res = o(spec.resources);
  return {
    name: s(m.name) ?? '',
    labels: strMap(m.labels),
    nodeSelector: strMap(spec.nodeSelector),
    resources: { requests: o(res.requests) as InstanceTypeSpec['resources']['requests'], limits: o(res.limits) as InstanceTypeSpec['resources']['limits'] },
    createdAt: s(m.creationTimestamp),
  };
}

export function leanResourceQuota(raw: Raw): LeanResourceQuota {
  const m = o(raw.metadata);
  const status = o(raw.status);
  return { namespace: s(m.namespace) ?? '', name: s(m.name) ?? '', labels: strMap(m.labels), hard: strMap(status.hard ?? o(raw.spec).hard), used: strMap(status.used) };
}

/** A batch/v1 Job that Harbormaster created (the job status reconciler's input: lib/jobs/status.ts). */
export interface LeanJob extends JobObjectState {
  uid: string;
  namespace: string;
  labels: Record<string, string>;
}

export function leanJob(raw: Raw): LeanJob {
  const m = o(raw.metadata);
  const spec = o(raw.spec);
  const st = o(raw.status);
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    uid: s(m.uid) ?? '',
    namespace: s(m.namespace) ?? '',
    name: s(m.name) ?? '',
    labels: Object.fromEntries(Object.entries(strMap(m.labels)).filter(([k]) => KEPT_POD_LABELS.has(k))),
    parallelism: typeof spec.parallelism === 'number' ? spec.parallelism : 1,
    suspend: spec.suspend === true,
    active: num(st.active),
    ready: num(st.ready),
    succeeded: num(st.succeeded),
    failed: num(st.failed),
    startTime: s(st.startTime),
    completionTime: s(st.completionTime),
    conditions: a(st.conditions).map((c) => ({
      type: String(c.type),
      status: String(c.status),
      ...(s(c.reason) ? { reason: s(c.reason) } : {}),
      ...(s(c.message) ? { message: s(c.message)!.slice(0, 1000) } : {}),
      ...(s(c.lastTransitionTime) ? { lastTransitionTime: s(c.lastTransitionTime) } : {}),
    })),
  };
}

/** Events older than this are dropped from the cache. */
const EVENT_MAX = 1000;

export class ClusterCache {
  readonly client: KubeClient;
  readonly key: string;
  lastUsed = Date.now();
  private informers = new Map<string, Informer<unknown>>();

  constructor(key: string, client: KubeClient) {
    this.key = key;
    this.client = client;
  }

  private informer<T>(name: string, make: () => Informer<T>): Informer<T> {
    this.lastUsed = Date.now();
    let inf = this.informers.get(name) as Informer<T> | undefined;
    if (!inf) {
      inf = make();
      this.informers.set(name, inf as Informer<unknown>);
      inf.start();
    }
    return inf;
  }

  nodes() {
    return this.informer('nodes', () => new Informer({ client: this.client, name: `${this.key}/nodes`, path: '/api/v1/nodes', transform: leanNode }));
  }
  pods() {
    return this.informer('pods', () => new Informer({ client: this.client, name: `${this.key}/pods`, path: '/api/v1/pods', transform: leanPod }));
  }
  /** Warning events, all namespaces (the most recent EVENT_MAX). */
  warnings() {
    return this.informer('warnings', () =>
      new Informer<LeanEvent>({
        client: this.client,
        name: `${this.key}/warnings`,
        path: '/api/v1/events',
        query: { fieldSelector: 'type=Warning' },
        transform: leanEvent,
        maxItems: EVENT_MAX,
        rank: (e) => e.last,
      }),
    );
  }
  /** All events in the extension namespace (installs and rollouts are followed there). */
  extensionEvents() {
    return this.informer('extension-events', () =>
      new Informer<LeanEvent>({
        client: this.client,
        name: `${this.key}/extension-events`,
        path: `/api/v1/namespaces/${EXTENSION_NAMESPACE}/events`,
        transform: leanEvent,
        maxItems: EVENT_MAX,
        rank: (e) => e.last,
      }),
    );
  }
  /** Services in the extension namespace (the router's azureml-fe: its type, addresses and node port). */
  extensionServices() {
    return this.informer('extension-services', () =>
      new Informer({ client: this.client, name: `${this.key}/extension-services`, path: `/api/v1/namespaces/${EXTENSION_NAMESPACE}/services`, transform: leanService }),
    );
  }
  deployments() {
    return this.informer('deployments', () =>
      new Informer({ client: this.client, name: `${this.key}/deployments`, path: `/apis/apps/v1/namespaces/${EXTENSION_NAMESPACE}/deployments`, transform: leanWorkload('Deployment') }),
    );
  }
  daemonSets() {
    return this.informer('daemonsets', () =>
      new Informer({ client: this.client, name: `${this.key}/daemonsets`, path: `/apis/apps/v1/namespaces/${EXTENSION_NAMESPACE}/daemonsets`, transform: leanWorkload('DaemonSet') }),
    );
  }
  instanceTypes() {
    return this.informer('instancetypes', () =>
      new Informer({ client: this.client, name: `${this.key}/instancetypes`, path: '/apis/amlarc.azureml.com/v1alpha1/instancetypes', transform: leanInstanceType }),
    );
  }

  /** Events of every namespace (the most recent EVENT_MAX): a job's and its pods' events, why a pod waits. */
  events() {
    return this.informer('events', () =>
      new Informer<LeanEvent>({ client: this.client, name: `${this.key}/events`, path: '/api/v1/events', transform: leanEvent, maxItems: EVENT_MAX, rank: (e) => e.last }),
    );
  }
  /** Deployments Harbormaster created in compute namespaces (online deployments). */
  workloadDeployments() {
    return this.informer('workload-deployments', () =>
      new Informer({ client: this.client, name: `${this.key}/workload-deployments`, path: '/apis/apps/v1/deployments', query: { labelSelector: `${LABELS.managedBy}=harbormaster` }, transform: leanWorkload('Deployment') }),
    );
  }
  /** Jobs Harbormaster created, every namespace (job status). */
  jobs() {
    return this.informer('jobs', () =>
      new Informer({ client: this.client, name: `${this.key}/jobs`, path: '/apis/batch/v1/jobs', query: { labelSelector: `${LABELS.managedBy}=harbormaster` }, transform: leanJob }),
    );
  }

  /** ResourceQuotas in every namespace (quota used vs limit of compute targets, "can start now"). */
  resourceQuotas() {
    return this.informer('resourcequotas', () =>
      new Informer({ client: this.client, name: `${this.key}/resourcequotas`, path: '/api/v1/resourcequotas', transform: leanResourceQuota }),
    );
  }

  /** Informers that exist, with their state (for diagnostics and partial answers). */
  states(): Record<string, InformerState> {
    return Object.fromEntries([...this.informers.entries()].map(([k, v]) => [k, v.state]));
  }

  /** Relists the given kinds now (after an install, an uninstall, or a CRD appearing). */
  resync(...names: string[]) {
    for (const n of names) this.informers.get(n)?.resync();
  }

  stop() {
    for (const inf of this.informers.values()) inf.stop();
    this.informers.clear();
    this.client.close();
  }
}

// One cache per cluster per process; Next.js may load this module in several bundles, so it lives on globalThis.
const g = globalThis as unknown as { __hmClusterCaches?: Map<string, { version: string; cache: ClusterCache }>; __hmCacheSweeper?: NodeJS.Timeout };
const caches = (g.__hmClusterCaches ??= new Map());

/** Caches not read for this long are stopped (their watches closed, their memory freed). */
export const CACHE_IDLE_MS = 15 * 60_000;

function ensureSweeper() {
  if (g.__hmCacheSweeper) return;
  g.__hmCacheSweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, entry] of caches) {
      if (now - entry.cache.lastUsed > CACHE_IDLE_MS) {
        logger.debug({ cluster: entry.cache.key }, 'stopping idle cluster cache');
        entry.cache.stop();
        caches.delete(id);
      }
    }
  }, 60_000);
  g.__hmCacheSweeper.unref?.();
}

/**
 * The cache of a cluster. `version` identifies the credentials (changes when they are updated): a different
 * version replaces the cache. `makeClient` is called only when a new cache is needed.
 */
export function clusterCache(id: string, label: string, version: string, makeClient: () => KubeClient): ClusterCache {
  ensureSweeper();
  const hit = caches.get(id);
  if (hit && hit.version === version) {
    hit.cache.lastUsed = Date.now();
    return hit.cache;
  }
  hit?.cache.stop();
  const cache = new ClusterCache(label, makeClient());
  caches.set(id, { version, cache });
  return cache;
}

/** Stops and forgets a cluster's cache (removed cluster, new credentials). */
export function dropClusterCache(id: string) {
  const hit = caches.get(id);
  if (hit) {
    hit.cache.stop();
    caches.delete(id);
  }
}

/** Stops every cache (tests). */
export function dropAllClusterCaches() {
  for (const id of [...caches.keys()]) dropClusterCache(id);
}
