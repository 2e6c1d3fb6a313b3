import 'server-only';
import type { DbOrTx } from '../db';
import { summarizePools, type PoolSummary } from '../kube/probe';
import { REASON_LABELS, type KubeErrorReason } from '../kube/errors';
import { clusterRegistrationDto, extensionRow, lastProbe, listClusterRows, liveCache, probeSummary, type ClusterRow } from './clusters';
import { clusterHealth, type ClusterStatus, type HealthReport } from './health';
import { detectFromWorkloads, effectiveStatus, EXTENSION_VERSION, type ExtensionStatus } from './extension';
import { azureExtensionRow } from '../azure/extension';

// What the console and the API show about clusters: registration (never credentials), health badge, version,
// pools with capacity vs requested (live from the cache, else from the last check), extension status.

export interface ClusterSummaryDto extends ReturnType<typeof clusterRegistrationDto> {
  status: ClusterStatus;
  /** Why Unreachable/Degraded, in a few words. */
  statusReason: string | null;
  /** Stable reason code when unreachable (tls_unknown_ca, unauthorized, timeout …). */
  reasonCode: KubeErrorReason | null;
  version: string | null;
  versionSupported: boolean | null;
  nodes: { total: number; ready: number } | null;
  pools: PoolSummary[];
  totals: { allocatable: { cpu: number; memory: number; gpu: number }; requested: { cpu: number; memory: number; gpu: number } };
  extension: { flavor: string; status: ExtensionStatus; version: string | null; availableVersion: string };
  /** Azure ML's extension through ARM (clusters registered from Azure): Harbormaster's operation and ARM's state. */
  azureExtension: { state: string; operation: string | null; provisioningState: string | null; lastError: string | null } | null;
  checks: { errors: number; warnings: number };
  /** Failing checks (errors first), for overviews. */
  problems: Array<{ code: string; status: 'warning' | 'error'; title: string; detail: string }>;
  /** Capacity comes from the live cache (false: from the last stored check). */
  live: boolean;
}

function totals(pools: PoolSummary[]) {
  const t = { allocatable: { cpu: 0, memory: 0, gpu: 0 }, requested: { cpu: 0, memory: 0, gpu: 0 } };
  for (const p of pools) {
    for (const k of ['cpu', 'memory', 'gpu'] as const) {
      t.allocatable[k] += p.allocatable[k];
      t.requested[k] += p.requested[k];
    }
  }
  return t;
}

export async function clusterSummary(db: DbOrTx, row: ClusterRow, opts: { waitMs?: number; health?: HealthReport } = {}): Promise<ClusterSummaryDto> {
  const probe = lastProbe(row);
  const health = opts.health ?? (await clusterHealth(db, row, { waitMs: opts.waitMs ?? 2000 }));
  const ext = await extensionRow(db, row.id);
  let pools = probe?.pools ?? [];
  let nodes = probe?.nodes ? { total: probe.nodes.total, ready: probe.nodes.ready } : null;
  let live = false;
  let flavor = probe?.extension?.flavor ?? 'none';
  if (health.status !== 'Unreachable') {
    try {
      const cache = liveCache(row);
      const n = cache.nodes();
      const p = cache.pods();
      if (n.state.synced && p.state.synced) {
        const ns = n.items();
        pools = summarizePools(ns, p.items());
        nodes = { total: ns.length, ready: ns.filter((x) => x.ready).length };
        live = true;
      }
      const d = cache.deployments();
      const ds = cache.daemonSets();
      if (d.state.synced && ds.state.synced) flavor = detectFromWorkloads([...d.items(), ...ds.items()], ext, probe?.extension);
    } catch {
      /* stored values */
    }
  }
  if (flavor !== 'azureml' && ext && ext.status !== 'notInstalled') flavor = 'harbormaster';
  const azure = row.azureResourceId ? await azureExtensionRow(db, row.id) : undefined;
  // Installed through ARM: Azure ML's even before its workloads show on the cluster.
  if (row.extensionProvider === 'azureml' && azure?.provisioningState === 'Succeeded') flavor = 'azureml';
  const api = health.checks.find((c) => c.code === 'api_unreachable');
  const version = health.checks.find((c) => c.code === 'version_unsupported');
  const reasonCode = health.status === 'Unreachable' ? ((probe?.error?.reason as KubeErrorReason | undefined) ?? null) : null;
  return {
    ...clusterRegistrationDto(row),
    status: health.status,
    statusReason: health.reason ?? null,
    reasonCode: health.status === 'Unreachable' ? (reasonCode ?? reasonFromLabel(health.reason)) : null,
    version: probe?.version?.gitVersion ?? (api?.detail.match(/Kubernetes (v[\w.+-]+)/)?.[1] ?? null),
    versionSupported: probe?.version ? probe.version.supported : version && !version.skipped ? version.status === 'ok' : null,
    nodes,
    pools,
    totals: totals(pools),
    extension: {
      flavor,
      status: flavor === 'azureml' ? 'installed' : effectiveStatus(ext).status,
      version: flavor === 'azureml' ? null : (ext?.version ?? null),
      availableVersion: EXTENSION_VERSION,
    },
    azureExtension: azure ? { state: azure.state, operation: azure.operation, provisioningState: azure.provisioningState, lastError: azure.lastError } : null,
    checks: { errors: health.checks.filter((c) => c.status === 'error').length, warnings: health.checks.filter((c) => c.status === 'warning' && !c.skipped).length },
    problems: health.checks
      .filter((c) => c.status !== 'ok' && !c.skipped)
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'error' ? -1 : 1))
      .map((c) => ({ code: c.code, status: c.status as 'warning' | 'error', title: c.title, detail: c.detail })),
    live,
  };
}

function reasonFromLabel(label: string | undefined): KubeErrorReason | null {
  if (!label) return null;
  const hit = (Object.entries(REASON_LABELS) as Array<[KubeErrorReason, string]>).find(([, l]) => l === label);
  return hit ? hit[0] : null;
}

/** Every cluster, read concurrently; an unreachable cluster is listed (status Unreachable) and named in errors. */
export async function listClusterSummaries(db: DbOrTx, opts: { waitMs?: number } = {}): Promise<{ items: ClusterSummaryDto[]; errors: Array<{ source: string; message: string }> }> {
  const rows = await listClusterRows(db);
  const items = await Promise.all(rows.map((r) => clusterSummary(db, r, opts)));
  const errors = items.filter((c) => c.status === 'Unreachable').map((c) => ({ source: c.name, message: c.statusReason ?? 'unreachable' }));
  return { items, errors };
}

/** Detail: the summary plus the last check (permissions, identity, network) and the health report. */
export async function clusterDetail(db: DbOrTx, row: ClusterRow, opts: { ping?: boolean } = {}) {
  const health = await clusterHealth(db, row, { ping: opts.ping ?? true, waitMs: 3000 });
  const summary = await clusterSummary(db, row, { health });
  return { ...summary, lastCheck: probeSummary(lastProbe(row)), health };
}
export type ClusterDetailDto = Awaited<ReturnType<typeof clusterDetail>>;

/** Warning events (all namespaces) and every event of the extension namespace, newest first. */
export async function clusterEvents(row: ClusterRow, opts: { waitMs?: number; limit?: number } = {}) {
  const cache = liveCache(row);
  const w = cache.warnings();
  const x = cache.extensionEvents();
  const [a, b] = await Promise.all([w.waitSynced(opts.waitMs ?? 3000), x.waitSynced(opts.waitMs ?? 3000)]);
  const byUid = new Map<string, import('../kube/cache').LeanEvent>();
  for (const e of [...w.items(), ...x.items()]) byUid.set(e.uid, e);
  const items = [...byUid.values()].sort((p, q) => q.last - p.last).slice(0, opts.limit ?? 300);
  const err = w.state.lastError ?? x.state.lastError;
  return {
    items: items.map((e) => ({ ...e, last: e.last ? new Date(e.last).toISOString() : null })),
    errors: !a || !b ? [{ source: row.name, message: err ? `${REASON_LABELS[err.reason]}: ${err.message}` : 'events are still loading' }] : [],
  };
}

/** Nodes with their pool, readiness, allocatable and requested capacity (from the live cache). */
export async function clusterNodes(row: ClusterRow, opts: { waitMs?: number } = {}) {
  const cache = liveCache(row);
  const n = cache.nodes();
  const p = cache.pods();
  const [a, b] = await Promise.all([n.waitSynced(opts.waitMs ?? 3000), p.waitSynced(opts.waitMs ?? 3000)]);
  const nodes = n.items();
  const pods = p.items();
  const pools = summarizePools(nodes, pods);
  const items = nodes
    .map((node) => {
      const [pool] = summarizePools([node], pods);
      return {
        name: node.name,
        pool: pool?.name ?? null,
        ready: node.ready,
        notReadyReason: node.notReadyReason ?? null,
        unschedulable: node.unschedulable,
        taints: node.taints,
        labels: node.labels,
        architecture: node.architecture ?? null,
        kubeletVersion: node.kubeletVersion ?? null,
        allocatable: pool?.allocatable ?? { cpu: 0, memory: 0, gpu: 0 },
        requested: pool?.requested ?? { cpu: 0, memory: 0, gpu: 0 },
        pods: pods.filter((x) => x.nodeName === node.name && x.phase !== 'Succeeded' && x.phase !== 'Failed').length,
      };
    })
    .sort((x, y) => (x.pool ?? '').localeCompare(y.pool ?? '') || x.name.localeCompare(y.name));
  const err = n.state.lastError ?? p.state.lastError;
  const stored = lastProbe(row)?.pools ?? [];
  return {
    items,
    pools: a && b ? pools : stored,
    live: a && b,
    errors: !a || !b ? [{ source: row.name, message: err ? `${REASON_LABELS[err.reason]}: ${err.message}` : 'nodes are still loading' }] : [],
  };
}

/**
 * For the shell (every page, so no waiting): clusters that are unreachable right now according to the live
 * cache, or to the last check when the cache has not answered yet.
 */
export async function shellClusterInfo(db: DbOrTx): Promise<{ all: Array<{ name: string; displayName: string; location: string; region: string }>; unreachable: Array<{ name: string; reason: string }> }> {
  const rows = await listClusterRows(db);
  const unreachable: Array<{ name: string; reason: string }> = [];
  for (const row of rows) {
    let reason: string | undefined;
    try {
      const n = liveCache(row).nodes();
      const err = n.state.lastError;
      if (n.state.phase === 'backoff' && err && (err.unreachable || err.reason === 'unauthorized' || err.reason === 'tls_client_certificate')) reason = REASON_LABELS[err.reason];
      else if (!n.state.synced) {
        const p = lastProbe(row);
        if (p?.error && !p.reachable) reason = REASON_LABELS[p.error.reason] ?? p.error.reason;
      }
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason) unreachable.push({ name: row.name, reason });
  }
  return { all: rows.map((r) => ({ name: r.name, displayName: r.displayName, location: r.location, region: r.region })), unreachable };
}
