// The sharing map's pure parts (issue 15): filters from the URL, the clusters × workspaces matrix, quota vs
// usage per resource, the cluster → target → workspace graph's layout, and the who-can-do-what permission chips. The pages
// and their components draw what these return; unit tests cover them (sharing-model.test.ts).
import type { Edge, Node } from '@xyflow/react';
import type { SharingCellDto, SharingFlagDto, SharingMapDto, SharingTargetDto } from '@/lib/audit/sharing';
import { quantityValue } from '@/lib/quantity';
import type { ResourceKind } from '@/lib/format';

// ---------------------------------------------------------------------------------------------- filters

export const SHARING_LOCATIONS = ['cloud', 'on-prem', 'edge'] as const;
export type SharingView = 'matrix' | 'graph';

export interface SharingFilters {
  location: string;
  cluster: string;
  workspace: string;
  view: SharingView;
}

type ParamsLike = { get(name: string): string | null };

/** The filters and view in the URL (?location=on-prem&cluster=…&workspace=…&view=graph); unknown values read as "any". */
export function sharingFiltersFromParams(params: ParamsLike): SharingFilters {
  const location = params.get('location') ?? '';
  return {
    location: (SHARING_LOCATIONS as readonly string[]).includes(location) ? location : '',
    cluster: params.get('cluster') ?? '',
    workspace: params.get('workspace') ?? '',
    view: params.get('view') === 'graph' ? 'graph' : 'matrix',
  };
}

/** The query string of the filters (no empty values; the matrix, the default view, is not written). */
export function sharingFiltersToParams(f: Partial<SharingFilters>): URLSearchParams {
  const p = new URLSearchParams();
  if (f.location) p.set('location', f.location);
  if (f.cluster) p.set('cluster', f.cluster);
  if (f.workspace) p.set('workspace', f.workspace);
  if (f.view === 'graph') p.set('view', 'graph');
  return p;
}

// ---------------------------------------------------------------------------------------------- matrix

export interface SharingMatrix {
  clusters: SharingMapDto['clusters'];
  workspaces: string[];
  /** cell(cluster, workspace) → its targets ([] when the workspace has no compute on the cluster). */
  cell: (cluster: string, workspace: string) => SharingTargetDto[];
  /** Per cluster and per workspace: how many targets. */
  clusterTargets: Record<string, number>;
  workspaceTargets: Record<string, number>;
}

/** Clusters (rows, by location then name) × workspaces (columns, by name), each cell its targets by name. */
export function sharingMatrix(map: SharingMapDto): SharingMatrix {
  const order = (l: string) => {
    const i = (SHARING_LOCATIONS as readonly string[]).indexOf(l);
    return i < 0 ? SHARING_LOCATIONS.length : i;
  };
  const clusters = [...map.clusters].sort((a, b) => order(a.location) - order(b.location) || a.name.localeCompare(b.name));
  const workspaces = [...map.workspaces].sort((a, b) => a.localeCompare(b));
  const byKey = new Map<string, SharingTargetDto[]>();
  const clusterTargets: Record<string, number> = {};
  const workspaceTargets: Record<string, number> = {};
  for (const c of map.cells) {
    const key = `${c.cluster}\u0000${c.workspace}`;
    byKey.set(key, [...(byKey.get(key) ?? []), ...c.targets].sort((a, b) => a.name.localeCompare(b.name)));
    clusterTargets[c.cluster] = (clusterTargets[c.cluster] ?? 0) + c.targets.length;
    workspaceTargets[c.workspace] = (workspaceTargets[c.workspace] ?? 0) + c.targets.length;
  }
  return { clusters, workspaces, cell: (cl, ws) => byKey.get(`${cl}\u0000${ws}`) ?? [], clusterTargets, workspaceTargets };
}

/** The flags about one target (named by it, or a shared namespace listing it as `workspace/target`), to mark it in its cell. */
export function flagsForTarget(flags: SharingFlagDto[], cluster: string, workspace: string, target: string): SharingFlagDto[] {
  return flags.filter(
    (f) => (!f.cluster || f.cluster === cluster) && ((f.target === target && (!f.workspace || f.workspace === workspace)) || !!f.targets?.includes(`${workspace}/${target}`)),
  );
}

// ---------------------------------------------------------------------------------------------- quota

export type QuotaResource = ResourceKind | 'pods';

export interface QuotaLine {
  resource: QuotaResource;
  label: string;
  /** In base units (cores, bytes, count); null when unknown. */
  used: number | null;
  /** null: this resource is not limited. */
  limit: number | null;
}

const RESOURCE_OF: Record<string, QuotaResource> = {
  cpu: 'cpu', 'requests.cpu': 'cpu', 'limits.cpu': 'cpu',
  memory: 'memory', 'requests.memory': 'memory', 'limits.memory': 'memory',
  gpu: 'gpu', 'nvidia.com/gpu': 'gpu', 'requests.nvidia.com/gpu': 'gpu', 'limits.nvidia.com/gpu': 'gpu',
  pods: 'pods', count_pods: 'pods', 'count/pods': 'pods',
};
const LABEL: Record<QuotaResource, string> = { cpu: 'CPU', memory: 'Memory', gpu: 'GPUs', pods: 'Pods' };
const ORDER: QuotaResource[] = ['cpu', 'memory', 'gpu', 'pods'];

function amounts(r: Record<string, string> | null): Partial<Record<QuotaResource, number>> {
  const out: Partial<Record<QuotaResource, number>> = {};
  for (const [k, v] of Object.entries(r ?? {})) {
    const res = RESOURCE_OF[k];
    if (!res || out[res] !== undefined) continue;
    try {
      out[res] = quantityValue(v);
    } catch {
      // A value that is not a quantity is shown as unknown rather than breaking the map.
    }
  }
  return out;
}

/** Quota vs usage per limited resource (cpu, memory, GPUs, pods, in that order); [] when the target has no quota. */
export function quotaLines(t: Pick<SharingTargetDto, 'quota' | 'usage'>): QuotaLine[] {
  if (!t.quota || Object.keys(t.quota).length === 0) return [];
  const q = amounts(t.quota);
  const u = t.usage ? amounts(t.usage) : null;
  return ORDER.filter((r) => q[r] !== undefined).map((r) => ({ resource: r, label: LABEL[r], limit: q[r] ?? null, used: u ? (u[r] ?? 0) : null }));
}

// ---------------------------------------------------------------------------------------------- graph

export type SharingNodeKind = 'cluster' | 'target' | 'workspace';

export interface SharingNodeData extends Record<string, unknown> {
  kind: SharingNodeKind;
  title: string;
  subtitle?: string;
  href?: string;
  /** Flags about this node (count, worst severity) to mark it. */
  flags?: number;
}

export type SharingNode = Node<SharingNodeData, 'sharing'>;
export interface SharingGraph {
  nodes: SharingNode[];
  edges: Edge[];
  /** Rows of the tallest column (for the canvas height). */
  rows: number;
}

export const GRAPH_NODE_WIDTH = 240;
export const GRAPH_NODE_HEIGHT = 70;
const GRAPH_COLUMN = GRAPH_NODE_WIDTH + 96;
const GRAPH_ROW = GRAPH_NODE_HEIGHT + 20;
const LOCATION_LABEL: Record<string, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };
const enc = encodeURIComponent;

/**
 * Three columns: clusters → their targets → the targets' workspaces. Targets are ordered by cluster, then by
 * workspace, so edges cross little; clusters and workspaces sit level with the middle of their targets.
 */
export function sharingGraph(map: SharingMapDto): SharingGraph {
  const m = sharingMatrix(map);
  const targets: Array<{ cell: SharingCellDto; t: SharingTargetDto }> = [];
  for (const c of m.clusters) for (const ws of m.workspaces) for (const t of m.cell(c.name, ws)) targets.push({ cell: { cluster: c.name, location: c.location, workspace: ws, targets: [] }, t });
  const node = (id: string, column: number, y: number, data: SharingNodeData): SharingNode => ({
    id, type: 'sharing', position: { x: column * GRAPH_COLUMN, y }, data, draggable: false, connectable: false, width: GRAPH_NODE_WIDTH, height: GRAPH_NODE_HEIGHT,
  });
  const flagCount = (pred: (f: SharingFlagDto) => boolean) => map.flags.filter(pred).length || undefined;
  const nodes: SharingNode[] = [];
  const edges: Edge[] = [];
  const middleOf = (ys: number[], fallbackRow: number) => (ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : fallbackRow * GRAPH_ROW);

  const targetY = new Map<string, number>();
  targets.forEach(({ cell, t }, i) => {
    const id = `t:${cell.cluster}/${cell.workspace}/${t.name}`;
    targetY.set(id, i * GRAPH_ROW);
    nodes.push(node(id, 1, i * GRAPH_ROW, {
      kind: 'target', title: t.name, subtitle: `namespace ${t.namespace}`,
      href: `/ops/clusters/${enc(cell.cluster)}/computes`,
      flags: flagsForTarget(map.flags, cell.cluster, cell.workspace, t.name).length || undefined,
    }));
  });

  // Clusters: level with their targets; those without any stack below the last one.
  let spare = targets.length;
  for (const c of m.clusters) {
    const ys = targets.filter((x) => x.cell.cluster === c.name).map((x) => targetY.get(`t:${x.cell.cluster}/${x.cell.workspace}/${x.t.name}`)!);
    const y = ys.length ? middleOf(ys, 0) : spare++ * GRAPH_ROW;
    nodes.push(node(`c:${c.name}`, 0, y, {
      kind: 'cluster', title: c.name, subtitle: [LOCATION_LABEL[c.location] ?? c.location, c.region].filter(Boolean).join(' · '),
      href: `/ops/clusters/${enc(c.name)}`, flags: flagCount((f) => f.cluster === c.name && !f.target && !f.targets && !f.workspace),
    }));
  }
  let spareWs = targets.length;
  for (const ws of m.workspaces) {
    const ys = targets.filter((x) => x.cell.workspace === ws).map((x) => targetY.get(`t:${x.cell.cluster}/${x.cell.workspace}/${x.t.name}`)!);
    const y = ys.length ? middleOf(ys, 0) : spareWs++ * GRAPH_ROW;
    nodes.push(node(`w:${ws}`, 2, y, {
      kind: 'workspace', title: ws, subtitle: `${m.workspaceTargets[ws] ?? 0} compute target${m.workspaceTargets[ws] === 1 ? '' : 's'}`,
      href: `/ops/workspaces/${enc(ws)}`, flags: flagCount((f) => f.workspace === ws && !f.target && !f.targets),
    }));
  }
  for (const { cell, t } of targets) {
    const id = `t:${cell.cluster}/${cell.workspace}/${t.name}`;
    edges.push({ id: `e:c:${id}`, source: `c:${cell.cluster}`, target: id });
    edges.push({ id: `e:w:${id}`, source: id, target: `w:${cell.workspace}` });
  }
  const rows = Math.max(1, targets.length, spare, spareWs);
  return { nodes, edges, rows };
}

// ---------------------------------------------------------------------------------------------- access

/** Permissions grouped by their area ("jobs.read", "jobs.submit" → jobs: read, submit), in first-seen order. */
export function groupPermissions(perms: string[]): Array<{ area: string; verbs: string[] }> {
  const out: Array<{ area: string; verbs: string[] }> = [];
  for (const p of perms) {
    const i = p.indexOf('.');
    const area = i < 0 ? p : p.slice(0, i);
    const verb = i < 0 ? '' : p.slice(i + 1);
    const g = out.find((x) => x.area === area);
    if (g) { if (verb) g.verbs.push(verb); } else out.push({ area, verbs: verb ? [verb] : [] });
  }
  return out;
}
