import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import { LABELS, MANAGED_BY } from '@/lib/domain';
import { quotaToHard, type ComputeQuota } from '@/lib/compute/schemas';
import type { SharingCellDto, SharingFlagDto, SharingMapDto, SharingTargetDto } from '@/lib/audit/sharing';
import type { DbOrTx } from '../db';
import { clusterExtensions, jobs, onlineDeployments, onlineEndpoints, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { listAll } from '../kube/apply';
import { REASON_LABELS, type KubeErrorReason } from '../kube/errors';
import { EXTENSION_NAMESPACE } from '../kube/manifests/extension-common';
import { quotaNameFor } from '../kube/manifests/compute-target';
import { jobObjectName, labelValue } from '../kube/manifests/names.job';
import { listAllComputeTargets, type ComputeTargetRecord } from './compute-targets';
import { listClusterRows, liveCache, type ClusterRow } from './clusters';
import type { TlsInfo } from './extension';

// The sharing map (issue 15): which workspaces run on which clusters through which compute targets, with what
// limits and usage, and what an auditor should look at (flags). Records come from the database; usage, missing
// namespaces and drift from the clusters (live; one unreachable cluster is an entry in `errors`).

export const LOCATIONS = ['cloud', 'on-prem', 'edge'] as const;
export const TLS_EXPIRY_WARNING_DAYS = 30;

export interface SharingFilter {
  location?: string;
  cluster?: string;
  workspace?: string;
}

/** A 400 naming `location` for an unknown value (cluster/workspace filters match nothing rather than fail). */
export function parseSharingFilter(p: URLSearchParams): SharingFilter {
  const location = p.get('location') || undefined;
  if (location && !(LOCATIONS as readonly string[]).includes(location)) {
    throw new AppError('bad_request', `location must be one of ${LOCATIONS.join(', ')}`, { fieldErrors: [{ path: 'location', message: 'unknown location' }] });
  }
  return { location, cluster: p.get('cluster') || undefined, workspace: p.get('workspace') || undefined };
}

/** What one cluster looks like right now: the Kubernetes side of the map (null members: could not be read). */
export interface ClusterLiveFacts {
  namespaces: Set<string> | null;
  quotas: Array<{ namespace: string; name: string; used: Record<string, string> }> | null;
  /** Harbormaster-labelled Deployments, Jobs and Services (every namespace but the extension's; drift looks at the compute namespaces). */
  managed: ManagedObject[] | null;
  error?: string;
}

export interface ManagedObject {
  kind: 'Deployment' | 'Job' | 'Service';
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

type Listed = { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } };

function errorText(e: unknown): string {
  const reason = (e as { reason?: KubeErrorReason }).reason;
  const msg = (e as Error)?.message ?? String(e);
  return reason && REASON_LABELS[reason] ? `${REASON_LABELS[reason]}: ${msg}` : msg;
}

/** Reads namespaces, ResourceQuotas and Harbormaster's workloads of one cluster; never throws. */
export async function readClusterFacts(row: ClusterRow, opts: { waitMs?: number } = {}): Promise<ClusterLiveFacts> {
  const waitMs = opts.waitMs ?? 5000;
  try {
    const cache = liveCache(row);
    const selector = `${LABELS.managedBy}=${MANAGED_BY}`;
    const q = cache.resourceQuotas();
    // Namespaces and Services are not kept by the cache: one LIST each (namespaces must be current to tell a deleted one).
    // A cluster that does not answer in time is an entry in errors, not a page that waits for the client's 15 s.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the API server did not answer within ${Math.round((waitMs + 5000) / 1000)} s`)), waitMs + 5000);
    });
    const reads = Promise.all([
      listAll<Listed>(cache.client, '/api/v1/namespaces'),
      listAll<Listed>(cache.client, '/api/v1/services', { labelSelector: selector }),
      listAll<Listed>(cache.client, '/apis/apps/v1/deployments', { labelSelector: selector }),
      listAll<Listed>(cache.client, '/apis/batch/v1/jobs', { labelSelector: selector }),
      q.waitSynced(waitMs),
    ]);
    reads.catch(() => undefined); // answered late: nobody waits for it any more
    const [nsList, services, deps, jobsInf, quotasSynced] = await Promise.race([reads, late]).finally(() => clearTimeout(timer));
    const lean = (kind: ManagedObject['kind']) => (x: Listed): ManagedObject => ({ kind, namespace: x.metadata?.namespace ?? '', name: x.metadata?.name ?? '', labels: x.metadata?.labels ?? {} });
    return {
      namespaces: new Set(nsList.map((n) => n.metadata?.name ?? '')),
      quotas: quotasSynced ? q.items().map((x) => ({ namespace: x.namespace, name: x.name, used: x.used })) : null,
      managed: [...deps.map(lean('Deployment')), ...jobsInf.map(lean('Job')), ...services.map(lean('Service'))].filter((o) => o.namespace !== EXTENSION_NAMESPACE),
    };
  } catch (e) {
    return { namespaces: null, quotas: null, managed: null, error: errorText(e) };
  }
}

/** The records that explain Harbormaster's objects on a cluster (by workspace label value). */
export interface Explanations {
  /** `${workspaceLabel}/${computeLabel}` of the cluster's targets, with their namespace. */
  targets: Map<string, string>;
  /** `${namespace}/${jobObjectName}` of recorded jobs (and trials) on the cluster, and sweep names. */
  jobs: Set<string>;
  /** `${namespace}/${endpointLabel}/${deploymentLabel}` of recorded online deployments on the cluster. */
  deployments: Set<string>;
}

async function explanations(db: DbOrTx, cluster: ClusterRow, targets: ComputeTargetRecord[]): Promise<Explanations> {
  const mine = targets.filter((t) => t.cluster.id === cluster.id);
  const byId = new Map(mine.map((t) => [t.row.id, t]));
  const [jobRows, depRows] = await Promise.all([
    db.select({ name: jobs.name, objectName: jobs.objectName, namespace: jobs.namespace }).from(jobs).where(eq(jobs.clusterName, cluster.name)),
    db
      .select({ endpoint: onlineEndpoints.name, deployment: onlineDeployments.name, objectName: onlineDeployments.objectName, targetId: onlineEndpoints.computeTargetId })
      .from(onlineDeployments)
      .innerJoin(onlineEndpoints, eq(onlineDeployments.endpointId, onlineEndpoints.id))
      .where(eq(onlineEndpoints.clusterId, cluster.id)),
  ]);
  const deployments = new Set<string>();
  for (const d of depRows) {
    const t = byId.get(d.targetId);
    if (t) deployments.add(`${t.row.namespace}/${labelValue(d.endpoint)}/${labelValue(d.deployment)}`);
  }
  return {
    targets: new Map(mine.map((t) => [`${labelValue(t.workspace)}/${labelValue(t.row.name)}`, t.row.namespace])),
    jobs: new Set(jobRows.map((j) => `${j.namespace}/${j.objectName ?? jobObjectName(j.name)}`)),
    deployments,
  };
}

/** Why a labelled object is not explained by any record (undefined: it is). */
export function driftReason(o: ManagedObject, ex: Explanations): string | undefined {
  const ws = o.labels[LABELS.workspace];
  const compute = o.labels[LABELS.compute];
  const job = o.labels[LABELS.job];
  const sweep = o.labels[LABELS.sweep];
  const endpoint = o.labels[LABELS.endpoint];
  const deployment = o.labels[LABELS.deployment];
  if (!ws || !compute) return 'it names no workspace and compute target';
  const ns = ex.targets.get(`${ws}/${compute}`);
  if (ns === undefined) return `no compute target ${compute} of workspace ${ws} is attached to this cluster`;
  if (ns !== o.namespace) return `compute target ${ws}/${compute} uses namespace ${ns}, not ${o.namespace}`;
  if (job || sweep) {
    if ((job && ex.jobs.has(`${o.namespace}/${job}`)) || (sweep && ex.jobs.has(`${o.namespace}/${sweep}`))) return undefined;
    return `no job ${job ?? sweep} is recorded in workspace ${ws}`;
  }
  if (endpoint || deployment) {
    if (ex.deployments.has(`${o.namespace}/${endpoint}/${deployment}`)) return undefined;
    return `no online deployment ${deployment ?? '?'} of endpoint ${endpoint ?? '?'} is recorded in workspace ${ws}`;
  }
  return 'it names no job and no online deployment';
}

function usageOf(t: ComputeTargetRecord, facts: ClusterLiveFacts | undefined): Record<string, string> | null {
  const quota = t.row.quota as ComputeQuota | null;
  if (!quota || !facts?.quotas) return null;
  const rq = facts.quotas.find((q) => q.namespace === t.row.namespace && q.name === quotaNameFor(t.workspace, t.row.name));
  if (!rq) return null;
  const hard = quotaToHard(quota);
  return Object.fromEntries(Object.keys(hard).map((k) => [k, rq.used[k] ?? '0']));
}

function hasQuota(q: ComputeQuota | null): q is ComputeQuota {
  return !!q && Object.values(q).some((v) => v !== undefined && v !== null && v !== '');
}

function targetDto(t: ComputeTargetRecord, facts: ClusterLiveFacts | undefined, emails: Map<string, string>): SharingTargetDto {
  const quota = (t.row.quota as ComputeQuota | null) ?? null;
  return {
    name: t.row.name,
    namespace: t.row.namespace,
    instanceTypes: t.row.allowedInstanceTypes?.length ? [...t.row.allowedInstanceTypes] : ['*'],
    quota: hasQuota(quota) ? quotaToHard(quota) : null,
    usage: usageOf(t, facts),
    backend: 'kubernetes',
    createdBy: t.row.createdBy ? (emails.get(t.row.createdBy) ?? null) : null,
    createdAt: t.row.createdAt.toISOString(),
  };
}

const clusterHref = (c: string, tab = '') => `/ops/clusters/${encodeURIComponent(c)}${tab ? `/${tab}` : ''}`;

/** The sharing map, filtered; flags computed over what the filter keeps (cross_location over the workspace's every target). */
export async function sharingMap(db: DbOrTx, filter: SharingFilter = {}, opts: { waitMs?: number; now?: number } = {}): Promise<SharingMapDto> {
  const now = opts.now ?? Date.now();
  const [allClusters, allTargets, wsRows, userRows, extRows] = await Promise.all([
    listClusterRows(db),
    listAllComputeTargets(db),
    db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.status, 'active')).orderBy(asc(workspaces.name)),
    db.select({ id: users.id, email: users.email }).from(users),
    db.select().from(clusterExtensions),
  ]);
  const emails = new Map(userRows.map((u) => [u.id, u.email]));
  const clusterRows = allClusters.filter((c) => (!filter.location || c.location === filter.location) && (!filter.cluster || c.name === filter.cluster));
  const clusterIds = new Set(clusterRows.map((c) => c.id));
  const targets = allTargets.filter((t) => clusterIds.has(t.cluster.id) && (!filter.workspace || t.workspace === filter.workspace));

  // Live facts of the clusters in view that have targets (the others have nothing to read for).
  const withTargets = clusterRows.filter((c) => targets.some((t) => t.cluster.id === c.id));
  const facts = new Map<string, ClusterLiveFacts>();
  const explained = new Map<string, Explanations>();
  await Promise.all(
    withTargets.map(async (c) => {
      const [f, ex] = await Promise.all([readClusterFacts(c, opts), explanations(db, c, allTargets)]);
      facts.set(c.id, f);
      explained.set(c.id, ex);
    }),
  );

  // Cells: one per (cluster, workspace) that a target binds.
  const cells = new Map<string, SharingCellDto>();
  for (const t of targets) {
    const key = `${t.cluster.name}\u0000${t.workspace}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { cluster: t.cluster.name, location: t.cluster.location, workspace: t.workspace, targets: [] }));
    cell.targets.push(targetDto(t, facts.get(t.cluster.id), emails));
  }

  const flags: SharingFlagDto[] = [];
  const computeHref = (t: ComputeTargetRecord) => clusterHref(t.cluster.name, 'computes');

  // namespace_shared: one flag per namespace holding several targets.
  const byNamespace = new Map<string, ComputeTargetRecord[]>();
  for (const t of targets) {
    const k = `${t.cluster.id}/${t.row.namespace}`;
    byNamespace.set(k, [...(byNamespace.get(k) ?? []), t]);
  }
  // A filter on one workspace still shows that its namespace is shared with another workspace's target.
  for (const t of allTargets) {
    if (!clusterIds.has(t.cluster.id) || targets.includes(t)) continue;
    const k = `${t.cluster.id}/${t.row.namespace}`;
    if (byNamespace.has(k)) byNamespace.get(k)!.push(t);
  }
  for (const group of byNamespace.values()) {
    if (group.length < 2) continue;
    const t = group[0];
    const names = group.map((x) => `${x.workspace}/${x.row.name}`).join(', ');
    const wss = [...new Set(group.map((x) => x.workspace))];
    flags.push({
      code: 'namespace_shared',
      cluster: t.cluster.name,
      ...(wss.length === 1 ? { workspace: wss[0] } : {}),
      namespace: t.row.namespace,
      targets: group.map((x) => `${x.workspace}/${x.row.name}`),
      message: `Namespace ${t.row.namespace} on cluster ${t.cluster.name} holds ${group.length} compute targets (${names}): their workloads are not isolated from each other and every quota there applies to all of their pods.`,
      href: computeHref(t),
      severity: 'warning',
    });
  }

  for (const t of targets) {
    const f = facts.get(t.cluster.id);
    if (!hasQuota((t.row.quota as ComputeQuota | null) ?? null)) {
      flags.push({
        code: 'no_quota',
        cluster: t.cluster.name,
        workspace: t.workspace,
        target: t.row.name,
        namespace: t.row.namespace,
        message: `Compute target ${t.row.name} of workspace ${t.workspace} has no quota: its workloads may use all of cluster ${t.cluster.name}.`,
        href: computeHref(t),
        severity: 'warning',
      });
    }
    if (f?.namespaces && !f.namespaces.has(t.row.namespace)) {
      flags.push({
        code: 'namespace_missing',
        cluster: t.cluster.name,
        workspace: t.workspace,
        target: t.row.name,
        namespace: t.row.namespace,
        message: `Namespace ${t.row.namespace} of compute target ${t.row.name} (workspace ${t.workspace}) no longer exists on cluster ${t.cluster.name}: jobs and deployments there cannot start. Detach the target or attach it again.`,
        href: computeHref(t),
        severity: 'warning',
      });
    }
  }

  // Extension settings of the clusters in view.
  const extByCluster = new Map(extRows.map((e) => [e.clusterId, e]));
  // Filtered on a workspace: the clusters it runs on.
  for (const c of filter.workspace ? withTargets : clusterRows) {
    const ext = extByCluster.get(c.id);
    if (!ext || ext.status === 'notInstalled') continue;
    const s = (ext.settings as ExtensionSettings | null) ?? null;
    if (s?.enableInference && s.allowInsecureConnections) {
      flags.push({
        code: 'insecure_connections',
        cluster: c.name,
        message: `The inference router of cluster ${c.name} accepts plain HTTP scoring (allowInsecureConnections=true): endpoint keys and payloads travel unencrypted.`,
        href: clusterHref(c.name, 'extension'),
        severity: 'warning',
      });
    }
    const tls = (ext.tlsInfo as TlsInfo | null) ?? null;
    const notAfter = tls?.notAfter ? Date.parse(tls.notAfter) : NaN;
    if (Number.isFinite(notAfter) && notAfter - now < TLS_EXPIRY_WARNING_DAYS * 86_400_000) {
      const days = Math.floor((notAfter - now) / 86_400_000);
      flags.push({
        code: 'tls_expiring',
        cluster: c.name,
        message:
          notAfter <= now
            ? `The TLS certificate of cluster ${c.name}'s inference router expired on ${new Date(notAfter).toISOString()}.`
            : `The TLS certificate of cluster ${c.name}'s inference router expires on ${new Date(notAfter).toISOString()} (in ${days} day${days === 1 ? '' : 's'}).`,
        href: clusterHref(c.name, 'extension'),
        severity: 'warning',
      });
    }
  }

  // drift: labelled objects no record explains.
  for (const c of withTargets) {
    const f = facts.get(c.id);
    const ex = explained.get(c.id);
    if (!f?.managed || !ex) continue;
    // Compute namespaces only: those of this cluster's targets (the extension's own objects live elsewhere).
    const computeNamespaces = new Set(ex.targets.values());
    for (const o of f.managed) {
      if (!computeNamespaces.has(o.namespace)) continue;
      const why = driftReason(o, ex);
      if (!why) continue;
      const ws = o.labels[LABELS.workspace];
      if (filter.workspace && ws !== labelValue(filter.workspace)) continue;
      flags.push({
        code: 'drift',
        cluster: c.name,
        ...(ws ? { workspace: ws } : {}),
        ...(o.labels[LABELS.compute] ? { target: o.labels[LABELS.compute] } : {}),
        namespace: o.namespace,
        object: `${o.kind}/${o.name}`,
        message: `${o.kind} ${o.namespace}/${o.name} on cluster ${c.name} is labelled as Harbormaster's, but ${why}: delete it, or find who created it.`,
        href: clusterHref(c.name, 'computes'),
        severity: 'warning',
      });
    }
  }

  // cross_location: workspaces in view whose targets (all of them) span locations.
  const inView = new Set(targets.map((t) => t.workspace));
  const locations = new Map<string, Set<string>>();
  for (const t of allTargets) {
    if (!inView.has(t.workspace)) continue;
    locations.set(t.workspace, (locations.get(t.workspace) ?? new Set()).add(t.cluster.location));
  }
  for (const [ws, locs] of locations) {
    if (locs.size < 2) continue;
    flags.push({
      code: 'cross_location',
      workspace: ws,
      message: `Workspace ${ws} has compute targets in ${[...locs].sort().join(' and ')} clusters: its data and models may move between them.`,
      href: `/w/${encodeURIComponent(ws)}/compute`,
      severity: 'info',
    });
  }

  const errors = withTargets.filter((c) => facts.get(c.id)?.error).map((c) => ({ cluster: c.name, message: facts.get(c.id)!.error! }));
  const workspaceNames = filter.workspace
    ? wsRows.map((w) => w.name).filter((n) => n === filter.workspace)
    : filter.cluster || filter.location
      ? [...inView].sort()
      : wsRows.map((w) => w.name);
  const order = ['namespace_shared', 'namespace_missing', 'drift', 'insecure_connections', 'tls_expiring', 'no_quota', 'cross_location'];
  flags.sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code) || (a.cluster ?? '').localeCompare(b.cluster ?? '') || a.message.localeCompare(b.message));
  return {
    clusters: clusterRows.map((c) => ({ name: c.name, location: c.location, region: c.region, kind: c.kind })),
    workspaces: workspaceNames,
    cells: [...cells.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.workspace.localeCompare(b.workspace)),
    flags,
    errors,
  };
}

// ---------------------------------------------------------------------------------------------------- CSV

/** One CSV field: spreadsheet formulas neutralised, quoted when needed. */
export function csvField(v: unknown): string {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** A CSV document (header first, CRLF line ends). */
export function csvDocument(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return [columns.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n';
}

export const SHARING_CSV_COLUMNS = ['cluster', 'location', 'workspace', 'target', 'namespace', 'instanceTypes', 'quota', 'usage', 'backend', 'createdBy', 'createdAt', 'flags'] as const;

const fmtMap = (m: Record<string, string> | null) => (m ? Object.entries(m).map(([k, v]) => `${k}=${v}`).join('; ') : '');

/** The cells as CSV, one row per target, with the codes of the flags that name it. */
export function sharingCsv(map: SharingMapDto): string {
  const rows = map.cells.flatMap((c) =>
    c.targets.map((t) => {
      const codes = map.flags
        .filter((f) => f.cluster === c.cluster && ((f.workspace === c.workspace && f.target === t.name) || (f.code === 'namespace_shared' && f.namespace === t.namespace)))
        .map((f) => f.code);
      return [c.cluster, c.location, c.workspace, t.name, t.namespace, t.instanceTypes.join(' '), fmtMap(t.quota), fmtMap(t.usage), t.backend, t.createdBy ?? '', t.createdAt, [...new Set(codes)].join(' ')];
    }),
  );
  return csvDocument(SHARING_CSV_COLUMNS, rows);
}

/** `?format=json|csv` of the audit reads (json by default); a 400 naming `format` otherwise. */
export function exportFormat(p: URLSearchParams): 'json' | 'csv' {
  const format = p.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new AppError('bad_request', 'format must be json or csv', { fieldErrors: [{ path: 'format', message: 'json or csv' }] });
  return format;
}

/** A download response (text/csv, attachment). */
export function csvResponse(body: string, name: string): Response {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="harbormaster-${name}-${stamp}.csv"`, 'cache-control': 'no-store' },
  });
}
