import 'server-only';
import type { AzureComputeState } from '../db/schema';
import { canStartNow, isPodActive, quotaLeftFromResourceQuota, quotaReplicas, type QuotaLeft } from '@/lib/instance-types/fit';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import { withDefaultInstanceType } from '@/lib/instance-types/schema';
import { quotaAmounts, type ComputeQuota } from '@/lib/compute/schemas';
import { allowsInstanceType, listAllComputeTargets, listComputeTargets, listComputeTargetsOnCluster, type ComputeTargetRecord } from './compute-targets';
import type { DbOrTx } from '../db';
import type { LeanPod, LeanResourceQuota } from '../kube/cache';
import { REASON_LABELS } from '../kube/errors';
import { getClusterRow, liveCache, type ClusterRow } from './clusters';
import { clusterHealth, type ClusterStatus } from './health';
import { clusterSnapshot, fitDto, fitOf, instanceTypeDto, type ClusterSnapshot, type FitDto } from './instance-types';

/**
 * An azureml target's azure_state as stored: what people see, and while the attach runs the intent that started it
 * and its SDK poller's state (server/azure/lro.ts), which are not shown.
 */
export type StoredAzureState = AzureComputeState & { intentId?: string; lroState?: string };

/** An azureml target's state as people see it: without the running attach's bookkeeping (intent, poller state). */
export function shownAzureState(s: StoredAzureState | null | undefined): AzureComputeState | null {
  if (!s) return null;
  const { intentId: _intentId, lroState: _lroState, ...shown } = s;
  return shown;
}

// What people see of compute targets: where (cluster, location, namespace), the cluster's health, quota used vs
// limit, and per allowed instance type how many can start now — the minimum of what the nodes have free and what
// the namespace's quotas leave.

/** Requests of the running (non-terminated) pods of a namespace, in base units. */
export interface Usage {
  cpu: number;
  memory: number;
  gpu: number;
  pods: number;
}

export function namespaceUsage(pods: readonly LeanPod[], namespace: string): Usage {
  const u: Usage = { cpu: 0, memory: 0, gpu: 0, pods: 0 };
  for (const p of pods) {
    if (p.namespace !== namespace || !isPodActive(p)) continue;
    u.cpu += p.requests.cpu ?? 0;
    u.memory += p.requests.memory ?? 0;
    u.gpu += p.requests[GPU_RESOURCE] ?? 0;
    u.pods += 1;
  }
  u.cpu = Math.round(u.cpu * 1000) / 1000;
  return u;
}

/**
 * What every ResourceQuota of a namespace still allows (all must be satisfied, so the smallest per resource).
 * Undefined when the namespace has none.
 */
export function namespaceQuotaLeft(quotas: readonly LeanResourceQuota[], namespace: string): QuotaLeft | undefined {
  let out: QuotaLeft | undefined;
  for (const q of quotas) {
    if (q.namespace !== namespace) continue;
    const left = quotaLeftFromResourceQuota(q.hard, q.used);
    out ??= {};
    for (const [k, v] of Object.entries(left) as Array<[keyof QuotaLeft, number]>) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Math.min(Number(prev), v);
    }
  }
  return out;
}

/** Quota left from the stored limits and the pods' usage, when the ResourceQuota is not (yet) visible. */
export function quotaLeftFromUsage(quota: ComputeQuota | null, usage: Usage): QuotaLeft | undefined {
  if (!quota) return undefined;
  const a = quotaAmounts(quota);
  const out: QuotaLeft = {};
  if (a.cpu !== null) out.cpu = Math.max(0, a.cpu - usage.cpu);
  if (a.memory !== null) out.memory = Math.max(0, a.memory - usage.memory);
  if (a.gpu !== null) out.gpu = Math.max(0, a.gpu - usage.gpu);
  if (a.pods !== null) out.pods = Math.max(0, a.pods - usage.pods);
  return out;
}

export interface ComputeTargetDto {
  name: string;
  workspace: string;
  cluster: string;
  clusterDisplayName: string;
  /** cloud | on-prem | edge, and the region. */
  location: string;
  region: string;
  kind: string;
  namespace: string;
  namespaceCreated: boolean;
  serviceAccount: string;
  defaultInstanceType: string;
  /** null: every instance type of the cluster. */
  allowedInstanceTypes: string[] | null;
  /** As stored (Kubernetes quantities); null: no quota. */
  quota: ComputeQuota | null;
  /** The quota in base units (cores, bytes, GPUs, pods); null entries: no limit. */
  quotaAmounts: { cpu: number | null; memory: number | null; gpu: number | null; pods: number | null };
  /** Requests of the namespace's running pods (null: the cluster cannot be read). */
  usage: Usage | null;
  /** What the namespace's quotas still allow (null: no quota, or unknown). */
  quotaLeft: QuotaLeft | null;
  health: { status: ClusterStatus; reason: string | null };
  description: string;
  /** kubernetes: Harbormaster runs the work; azureml: attached through Azure ML, which runs it. */
  backend: 'kubernetes' | 'azureml';
  /** azureml: the compute's name and ARM id in the Azure ML workspace. */
  azureComputeName: string | null;
  azureComputeId: string | null;
  /** azureml: what ARM last said (provisioningState; its error verbatim and Harbormaster's explanation). */
  azureState: AzureComputeState | null;
  createdAt: string;
  updatedAt: string;
}

interface ClusterLive {
  row: ClusterRow;
  health: { status: ClusterStatus; reason: string | null };
  pods: LeanPod[] | null;
  quotas: LeanResourceQuota[] | null;
  error?: string;
}

async function clusterLive(db: DbOrTx, row: ClusterRow, waitMs: number): Promise<ClusterLive> {
  const h = await clusterHealth(db, row, { waitMs }).catch((e) => ({ status: 'Unknown' as ClusterStatus, reason: (e as Error).message }));
  try {
    const cache = liveCache(row);
    const p = cache.pods();
    const q = cache.resourceQuotas();
    const [pOk, qOk] = await Promise.all([p.waitSynced(waitMs), q.waitSynced(waitMs)]);
    const err = p.state.lastError;
    return {
      row,
      health: { status: h.status, reason: h.reason ?? null },
      pods: pOk ? p.items() : null,
      quotas: qOk ? q.items() : null,
      ...(pOk ? {} : { error: err ? `${REASON_LABELS[err.reason]}: ${err.message}` : 'pods are still loading' }),
    };
  } catch (e) {
    return { row, health: { status: h.status, reason: h.reason ?? null }, pods: null, quotas: null, error: (e as Error).message };
  }
}

export function computeTargetDto(t: ComputeTargetRecord, live: ClusterLive | undefined): ComputeTargetDto {
  const quota = (t.row.quota as ComputeQuota | null) ?? null;
  const usage = live?.pods ? namespaceUsage(live.pods, t.row.namespace) : null;
  const left = live?.quotas ? namespaceQuotaLeft(live.quotas, t.row.namespace) : undefined;
  return {
    name: t.row.name,
    workspace: t.workspace,
    cluster: t.cluster.name,
    clusterDisplayName: live?.row.displayName || t.cluster.name,
    location: t.cluster.location,
    region: t.cluster.region,
    kind: t.cluster.kind,
    namespace: t.row.namespace,
    namespaceCreated: t.row.namespaceCreated,
    serviceAccount: t.row.serviceAccount,
    defaultInstanceType: t.row.defaultInstanceType,
    allowedInstanceTypes: t.row.allowedInstanceTypes ?? null,
    quota,
    quotaAmounts: quotaAmounts(quota),
    usage,
    quotaLeft: left ?? (usage ? (quotaLeftFromUsage(quota, usage) ?? null) : null),
    health: live?.health ?? { status: 'Unknown', reason: null },
    description: t.row.description,
    backend: t.row.backend,
    azureComputeName: t.row.azureComputeName ?? null,
    azureComputeId: t.row.azureComputeId ?? null,
    azureState: shownAzureState(t.row.azureState),
    createdAt: t.row.createdAt.toISOString(),
    updatedAt: t.row.updatedAt.toISOString(),
  };
}

async function withLive(db: DbOrTx, records: ComputeTargetRecord[], waitMs = 2000) {
  const byCluster = new Map<string, ClusterLive>();
  const clusterNames = [...new Set(records.map((r) => r.cluster.name))];
  await Promise.all(
    clusterNames.map(async (name) => {
      const row = await getClusterRow(db, name);
      byCluster.set(name, await clusterLive(db, row, waitMs));
    }),
  );
  const items = records.map((r) => computeTargetDto(r, byCluster.get(r.cluster.name)));
  const errors = [...byCluster.values()].filter((l) => l.error).map((l) => ({ source: l.row.name, message: l.error! }));
  return { items, errors };
}

/** A workspace's targets across clusters, live (one unreachable cluster is an entry in errors, not a failure). */
export async function listComputeTargetViews(db: DbOrTx, workspace: string) {
  return withLive(db, await listComputeTargets(db, workspace));
}

/** The targets attached to one cluster (ops: cluster → Compute targets). */
export async function listClusterComputeTargetViews(db: DbOrTx, row: ClusterRow) {
  return withLive(db, await listComputeTargetsOnCluster(db, row.id));
}

/** All targets (ops overview). */
export async function listAllComputeTargetViews(db: DbOrTx) {
  return withLive(db, await listAllComputeTargets(db));
}

export async function computeTargetView(db: DbOrTx, t: ComputeTargetRecord) {
  const r = await withLive(db, [t]);
  return { ...r.items[0], errors: r.errors };
}

export interface TargetInstanceTypeDto {
  name: string;
  implicit: boolean;
  isDefault: boolean;
  nodeSelector: Record<string, string>;
  resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  fit: FitDto;
  /** Replicas that can start now: min(fit.availableNow, what the quota leaves). */
  canStartNow: number;
  /** Replicas the quota leaves room for (null: no quota). */
  quotaAllows: number | null;
  /** What bounds canStartNow: free node capacity, the quota, or unknown (cluster not readable). */
  limitedBy: 'nodes' | 'quota' | 'unknown';
}

/**
 * The instance types a target allows, each with its fit for this target's workloads (their tolerations) and
 * "can start now". Allowed names missing on the cluster are listed in `missing`.
 */
export async function targetInstanceTypes(db: DbOrTx, t: ComputeTargetRecord, opts: { snapshot?: ClusterSnapshot; waitMs?: number } = {}) {
  const row = await getClusterRow(db, t.cluster.name);
  const snap = opts.snapshot ?? (await clusterSnapshot(db, row, { waitMs: opts.waitMs ?? 3000 }));
  const all = withDefaultInstanceType(snap.instanceTypes);
  const allowed = all.filter((it) => allowsInstanceType(t.row, it.name));
  let quotaLeft: QuotaLeft | undefined;
  let usage: Usage | null = null;
  if (snap.live) {
    usage = namespaceUsage(snap.pods, t.row.namespace);
    try {
      const q = liveCache(row).resourceQuotas();
      if (await q.waitSynced(opts.waitMs ?? 3000)) quotaLeft = namespaceQuotaLeft(q.items(), t.row.namespace);
    } catch {
      /* fall back to the stored quota */
    }
    quotaLeft ??= quotaLeftFromUsage((t.row.quota as ComputeQuota | null) ?? null, usage);
  }
  const items: TargetInstanceTypeDto[] = allowed.map((it) => {
    const base = instanceTypeDto(it, snap, { workspace: t.workspace, compute: t.row.name });
    const fit = snap.live ? fitOf(it, snap, { workspace: t.workspace, compute: t.row.name }) : undefined;
    const q = fit && quotaLeft ? quotaReplicas(fit, quotaLeft) : undefined;
    const now = fit ? canStartNow(fit, quotaLeft) : 0;
    // Which bound is binding: the quota when it allows fewer replicas than the nodes have room for.
    const limitedBy: TargetInstanceTypeDto['limitedBy'] = !fit ? 'unknown' : q && q.n !== Infinity && q.n < fit.availableNow ? 'quota' : 'nodes';
    return {
      name: base.name,
      implicit: base.implicit,
      isDefault: base.name === t.row.defaultInstanceType,
      nodeSelector: base.nodeSelector,
      resources: base.resources,
      fit: fit ? fitDto(fit) : base.fit,
      canStartNow: now,
      quotaAllows: q && q.n !== Infinity ? q.n : null,
      limitedBy,
    };
  });
  // The target's default first, then by name.
  items.sort((a, b) => (a.isDefault === b.isDefault ? a.name.localeCompare(b.name) : a.isDefault ? -1 : 1));
  const present = new Set(all.map((i) => i.name));
  const missing = (t.row.allowedInstanceTypes ?? []).filter((n) => !present.has(n));
  if (!present.has(t.row.defaultInstanceType) && !missing.includes(t.row.defaultInstanceType)) missing.push(t.row.defaultInstanceType);
  return {
    compute: t.row.name,
    workspace: t.workspace,
    cluster: t.cluster.name,
    namespace: t.row.namespace,
    defaultInstanceType: t.row.defaultInstanceType,
    usage,
    quotaLeft: quotaLeft ?? null,
    items,
    missing,
    live: snap.live,
    errors: snap.errors,
  };
}
