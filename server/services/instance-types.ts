import 'server-only';
import type { ExtensionSettings, InstanceTypeSpec } from '@/lib/domain';
import { computeFit, type FitNode, type FitPod, type FitResult, type FitWarning, type PoolFit } from '@/lib/instance-types/fit';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import {
  DEFAULT_INSTANCE_TYPE_NAME,
  formatInstanceTypeIssue,
  parseInstanceTypeDocument,
  parseInstanceTypeForm,
  parseInstanceTypeYaml,
  toCustomResource,
  withDefaultInstanceType,
  INSTANCE_TYPE_API_VERSION,
  INSTANCE_TYPE_KIND,
  type InstanceTypeIssue,
  type ParsedInstanceType,
} from '@/lib/instance-types/schema';
import { placementTaints, workloadTolerations } from '@/lib/compute/placement';
import { LABELS, MANAGED_BY } from '@/lib/domain';
import type { DbOrTx } from '../db';
import { AppError, type FieldError } from '../errors';
import { getObject } from '../kube/apply';
import { applyPlan, applySteps, kubeObject, type PlanStep } from '../kube/plan';
import type { LeanInstanceType, LeanNode, LeanPod } from '../kube/cache';
import { clusterAppError, isKubeError, KubeError, REASON_LABELS } from '../kube/errors';
import { INSTANCE_TYPE_CRD_NAME } from '../kube/manifests/instance-type-crd';
import { extensionRow, liveCache, type ClusterRow } from './clusters';

// Instance types of a cluster (the InstanceType CRD, amlarc.azureml.com/v1alpha1): read through the live cache
// (kubectl edits show up at once), each with its live fit — how many replicas fit now and on an empty cluster,
// and why not — and written with server-side apply after the whole batch passed our validation AND the API
// server's own (a server-side dry run of every item first), so a list is applied entirely or not at all.

export interface FitDto {
  matchingNodes: number;
  /** Nodes whose labels match (counted or not: cordoned, NotReady, untolerated taint). */
  labelMatchingNodes: number;
  maxReplicas: number;
  availableNow: number;
  warnings: FitWarning[];
  perPool: PoolFit[];
  /** One replica's requests in base units (cores, bytes, GPUs). */
  requests: { cpu: number; memory: number; gpu: number };
  limits: { cpu: number; memory: number; gpu: number };
  /** Taints of the selected pools that the workloads tolerate (see lib/compute/placement.ts). */
  toleratedTaints: string[];
}

export interface InstanceTypeDto {
  name: string;
  nodeSelector: Record<string, string>;
  resources: InstanceTypeSpec['resources'];
  /** Azure ML's implicit default (not a custom resource). */
  implicit: boolean;
  /** Who manages the custom resource: harbormaster (applied here), other (kubectl, Azure ML), null when implicit. */
  managedBy: 'harbormaster' | 'other' | null;
  createdAt: string | null;
  fit: FitDto;
}

/** What the fit needs of a cluster, from the live cache. */
export interface ClusterSnapshot {
  nodes: LeanNode[];
  pods: LeanPod[];
  instanceTypes: LeanInstanceType[];
  /** false: the InstanceType CRD is not installed (only the implicit default exists). */
  crdInstalled: boolean;
  extensionNodeSelector: Record<string, string>;
  /** Nodes and pods are live (false: the cluster could not be read; fit numbers are zero). */
  live: boolean;
  errors: Array<{ source: string; message: string }>;
}

const errText = (e: KubeError | undefined, fallback: string) => (e ? `${REASON_LABELS[e.reason]}: ${e.message}` : fallback);

export async function extensionNodeSelector(db: DbOrTx, row: ClusterRow): Promise<Record<string, string>> {
  const ext = await extensionRow(db, row.id);
  if (!ext || ext.status === 'notInstalled') return {};
  return ((ext.settings as ExtensionSettings | null)?.nodeSelector ?? {}) as Record<string, string>;
}

/** Nodes, pods and instance types of a cluster from its live cache (waits up to waitMs for a first sync). */
export async function clusterSnapshot(db: DbOrTx, row: ClusterRow, opts: { waitMs?: number } = {}): Promise<ClusterSnapshot> {
  const waitMs = opts.waitMs ?? 3000;
  const errors: ClusterSnapshot['errors'] = [];
  const extensionSel = await extensionNodeSelector(db, row);
  let cache;
  try {
    cache = liveCache(row);
  } catch (e) {
    return { nodes: [], pods: [], instanceTypes: [], crdInstalled: false, extensionNodeSelector: extensionSel, live: false, errors: [{ source: row.name, message: (e as Error).message }] };
  }
  const n = cache.nodes();
  const p = cache.pods();
  const it = cache.instanceTypes();
  const [nOk, pOk] = await Promise.all([n.waitSynced(waitMs), p.waitSynced(waitMs), it.waitSynced(waitMs)]);
  let crdInstalled = it.state.synced && it.state.phase !== 'backoff';
  if (!crdInstalled && it.state.lastError?.reason === 'not_found' && nOk) {
    // The CRD may have been installed since the informer last failed: look once, and relist if it is there.
    try {
      const crd = await getObject(cache.client, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: INSTANCE_TYPE_CRD_NAME }, 5000);
      if (crd) {
        it.resync();
        crdInstalled = await it.waitSynced(waitMs);
      }
    } catch {
      /* keep "not installed" */
    }
  } else if (!crdInstalled && it.state.synced) {
    crdInstalled = true;
  }
  const live = nOk && pOk;
  if (!live) errors.push({ source: row.name, message: errText(n.state.lastError ?? p.state.lastError, 'nodes and pods are still loading') });
  else if (!crdInstalled && it.state.lastError && it.state.lastError.reason !== 'not_found') {
    errors.push({ source: row.name, message: `instance types: ${errText(it.state.lastError, 'still loading')}` });
  }
  return {
    nodes: live ? n.items() : [],
    pods: live ? p.items() : [],
    instanceTypes: crdInstalled ? it.items() : [],
    crdInstalled,
    extensionNodeSelector: extensionSel,
    live,
    errors,
  };
}

const fitNodes = (nodes: LeanNode[]): FitNode[] => nodes.map((n) => ({ name: n.name, labels: n.labels, taints: n.taints, unschedulable: n.unschedulable, ready: n.ready, allocatable: n.allocatable }));
const fitPods = (pods: LeanPod[]): FitPod[] => pods.map((p) => ({ name: p.name, namespace: p.namespace, nodeName: p.nodeName, phase: p.phase, requests: p.requests }));

/** The fit of one instance type on a snapshot, for workloads of a compute target (scope) or any target. */
export function fitOf(it: InstanceTypeSpec, snap: Pick<ClusterSnapshot, 'nodes' | 'pods' | 'extensionNodeSelector'>, scope: { workspace?: string; compute?: string } = {}): FitResult & { toleratedTaints: string[] } {
  const tolerations = workloadTolerations(it, snap.nodes, { extensionNodeSelector: snap.extensionNodeSelector, ...scope });
  const fit = computeFit({ instanceType: it, nodes: fitNodes(snap.nodes), pods: fitPods(snap.pods), extensionNodeSelector: snap.extensionNodeSelector, tolerations });
  const tolerated = placementTaints(it, snap.nodes, snap.extensionNodeSelector).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return { ...fit, toleratedTaints: tolerated };
}

export function fitDto(fit: FitResult & { toleratedTaints: string[] }): FitDto {
  // A taint that keeps a size off some nodes while it fits on others is the taint doing its job (GPU pools keep
  // CPU work away): only worth a warning when it leaves the size nowhere to run.
  const warnings = fit.maxReplicas > 0 ? fit.warnings.filter((w) => w.code !== 'untolerated_taint') : fit.warnings;
  return {
    matchingNodes: fit.matchingNodes,
    labelMatchingNodes: fit.labelMatchingNodes,
    maxReplicas: fit.maxReplicas,
    availableNow: fit.availableNow,
    warnings,
    perPool: fit.perPool,
    requests: { cpu: fit.requests.cpu, memory: fit.requests.memory, gpu: fit.requests[GPU_RESOURCE] },
    limits: fit.limits,
    toleratedTaints: fit.toleratedTaints,
  };
}

/** An instance type with its fit, as the API and the pages show it. */
export function instanceTypeDto(it: InstanceTypeSpec & { implicit?: boolean; labels?: Record<string, string>; createdAt?: string }, snap: ClusterSnapshot, scope: { workspace?: string; compute?: string } = {}): InstanceTypeDto {
  const fit = snap.live ? fitDto(fitOf(it, snap, scope)) : unknownFit(it, snap);
  return {
    name: it.name,
    nodeSelector: it.nodeSelector ?? {},
    resources: it.resources,
    implicit: !!it.implicit,
    managedBy: it.implicit ? null : it.labels?.[LABELS.managedBy] === MANAGED_BY ? 'harbormaster' : 'other',
    createdAt: it.createdAt ?? null,
    fit,
  };
}

/** No live data: zero counts and a warning that says why (the API still answers with integers). */
function unknownFit(it: InstanceTypeSpec, snap: ClusterSnapshot): FitDto {
  const f = fitDto(fitOf(it, { nodes: [], pods: [], extensionNodeSelector: snap.extensionNodeSelector }));
  return { ...f, warnings: [{ code: 'nodes_unavailable', message: `Live capacity is unknown: ${snap.errors[0]?.message ?? 'the cluster cannot be read'}.` }], perPool: [] };
}

/** Every instance type of a cluster (the implicit default first unless overridden), each with its live fit. */
export async function listClusterInstanceTypes(db: DbOrTx, row: ClusterRow, opts: { waitMs?: number } = {}) {
  const snap = await clusterSnapshot(db, row, opts);
  const items = withDefaultInstanceType(snap.instanceTypes)
    .map((it) => instanceTypeDto(it as LeanInstanceType & { implicit: boolean }, snap))
    .sort((a, b) => (a.implicit === b.implicit ? a.name.localeCompare(b.name) : a.implicit ? -1 : 1));
  return { cluster: row.name, crdInstalled: snap.crdInstalled, live: snap.live, items, errors: snap.errors };
}

export async function getClusterInstanceType(db: DbOrTx, row: ClusterRow, name: string) {
  const list = await listClusterInstanceTypes(db, row);
  const it = list.items.find((i) => i.name === name);
  if (!it) throw new AppError('not_found', `instance type ${name} not found on cluster ${row.name}`);
  return it;
}

// ------------------------------------------------------------------------------------------------ writes

/** What a create/edit request carries: an InstanceType / InstanceTypeList document, its YAML text, or the form. */
export interface InstanceTypeSource {
  document?: unknown;
  yaml?: string;
  form?: unknown;
}

/**
 * The body of an instance-type create/edit request as the action's input: an InstanceType / InstanceTypeList
 * (what `kubectl get -o yaml` prints, or Azure ML's examples), an envelope `{document | yaml | form}`, or the
 * console form's flat fields (`name`, `cpuRequest`, …).
 */
export function instanceTypeSourceFromBody(body: unknown): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if ('kind' in b || 'apiVersion' in b || 'metadata' in b || 'spec' in b || 'items' in b) return { document: b };
    if ('document' in b || 'yaml' in b || 'form' in b) {
      const { cluster: _c, name: _n, ...rest } = b;
      void _c;
      void _n;
      return rest;
    }
    return { form: b };
  }
  return { document: body };
}

function issuesToFieldErrors(issues: InstanceTypeIssue[]): FieldError[] {
  return issues.map((i) => {
    const base = i.index !== undefined ? `items[${i.index}]` : i.document !== undefined ? `document[${i.document}]` : '';
    const path = base && i.path ? `${base}${i.path.startsWith('[') ? '' : '.'}${i.path}` : base || i.path;
    const who = typeof i.item === 'string' ? `instance type "${i.item}": ` : '';
    return { path: path || '(body)', message: `${who}${i.message}` };
  });
}

/** Validates the source with Azure ML's rules and ours; every problem named by item and field. */
export function parseInstanceTypeSource(src: InstanceTypeSource): ParsedInstanceType[] {
  const given = [src.document !== undefined, src.yaml !== undefined, src.form !== undefined].filter(Boolean).length;
  if (given !== 1) throw new AppError('bad_request', 'send exactly one of: an InstanceType or InstanceTypeList document, its YAML text (yaml), or the form fields (form)');
  if (src.form !== undefined) {
    const r = parseInstanceTypeForm(src.form);
    if (!r.ok) {
      const fieldErrors = Object.entries(r.errors).map(([path, message]) => ({ path, message }));
      throw new AppError('bad_request', fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; '), { fieldErrors });
    }
    return [r.spec];
  }
  const r = src.yaml !== undefined ? parseInstanceTypeYaml(src.yaml) : parseInstanceTypeDocument(src.document);
  if (!r.ok) {
    const lines = r.errors.map(formatInstanceTypeIssue);
    const whole = r.errors.some((e) => e.index !== undefined) ? ' (nothing was applied: a list is applied whole or not at all)' : '';
    throw new AppError('bad_request', `${lines.join('; ')}${whole}`, { fieldErrors: issuesToFieldErrors(r.errors) });
  }
  return r.items as ParsedInstanceType[];
}

/** The API server's reasons for refusing an object, with the field it names. */
function apiServerProblem(e: unknown): { message: string; fields: FieldError[] } {
  if (isKubeError(e)) {
    const causes = e.kubeStatus?.details?.causes ?? [];
    return { message: e.kubeStatus?.message ?? e.message, fields: causes.map((c) => ({ path: c.field ?? '(object)', message: c.message ?? c.reason ?? 'invalid' })) };
  }
  return { message: (e as Error)?.message ?? String(e), fields: [] };
}

function crdMissing(row: ClusterRow): AppError {
  return new AppError('conflict', `cluster ${row.name} has no InstanceType CRD (${INSTANCE_TYPE_CRD_NAME}): install the ML extension first (Clusters → ${row.name} → Extension & settings)`);
}

export interface AppliedInstanceType {
  name: string;
  /** created | updated | unchanged (nothing differs from what is stored). */
  change: 'created' | 'updated' | 'unchanged';
  before: InstanceTypeSpec | null;
  after: InstanceTypeSpec;
  fit: FitDto | null;
  warnings: FitWarning[];
}

type StoredIt = { metadata?: { labels?: Record<string, string>; resourceVersion?: string }; spec?: { nodeSelector?: Record<string, string>; resources?: InstanceTypeSpec['resources'] } };

const specOf = (name: string, o: StoredIt | undefined): InstanceTypeSpec | null =>
  o ? { name, nodeSelector: o.spec?.nodeSelector ?? {}, resources: { requests: o.spec?.resources?.requests ?? {}, limits: o.spec?.resources?.limits ?? {} } } : null;

/**
 * Applies instance types: first a server-side dry run of every item (the CRD schema and admission speak), and
 * only when all pass, the real apply. With dryRun nothing is persisted. Answers per item with its fit.
 */
export async function applyInstanceTypes(db: DbOrTx, row: ClusterRow, items: ParsedInstanceType[], opts: { dryRun: boolean; mustExist?: string }): Promise<{ applied: AppliedInstanceType[]; steps: PlanStep[]; settle: () => Promise<void> }> {
  const cache = liveCache(row);
  const client = cache.client;
  const ref = (name: string) => ({ apiVersion: INSTANCE_TYPE_API_VERSION, kind: INSTANCE_TYPE_KIND, name });
  let before: Array<StoredIt | undefined>;
  try {
    before = await Promise.all(items.map((it) => getObject<StoredIt>(client, ref(it.name), 8000)));
  } catch (e) {
    if (isKubeError(e) && e.reason === 'not_found') throw crdMissing(row);
    throw clusterAppError(e, row.name);
  }
  if (opts.mustExist && opts.mustExist !== DEFAULT_INSTANCE_TYPE_NAME && !before[0]) {
    throw new AppError('not_found', `instance type ${opts.mustExist} not found on cluster ${row.name} (create it with POST /api/v1/clusters/${row.name}/instance-types)`);
  }
  const crs = items.map((it) => toCustomResource(it));

  // The API server's verdict on every item (server-side dry run), nothing persisted. The real apply is the
  // action's effect, carried out after commit (and only when every item passed).
  const steps = applySteps(crs.map(kubeObject));
  const verdict = await applyPlan(client, steps, { dryRun: true, timeoutMs: 8000 });
  if (verdict.unreachable) throw clusterAppError(new KubeError('timeout', verdict.message ?? 'unreachable'), row.name);
  const refused: string[] = [];
  const fieldErrors: FieldError[] = [];
  for (const [i, v] of verdict.verdicts.entries()) {
    if (v.outcome !== 'refused') continue;
    if (/the server could not find the requested resource|not found/i.test(v.message ?? '') && !v.fields?.length && /instancetypes|InstanceType/i.test(v.message ?? '')) throw crdMissing(row);
    const where = items.length > 1 ? `items[${i}] (${v.name})` : `instance type ${v.name}`;
    refused.push(`${where}: the API server refused it: ${v.message}`);
    for (const f of v.fields?.length ? v.fields : [{ path: '(object)', message: v.message ?? 'refused' }]) fieldErrors.push({ path: items.length > 1 ? `items[${i}].${f.path.replace(/^\./, '')}` : f.path, message: `the API server: ${f.message}` });
  }
  if (refused.length) throw new AppError('bad_request', `${refused.join('; ')}${items.length > 1 ? ' (nothing was applied)' : ''}`, { fieldErrors });

  const snap = await clusterSnapshot(db, row, { waitMs: 2000 });
  const applied = items.map((it, i): AppliedInstanceType => {
    const prev = specOf(it.name, before[i]);
    const after: InstanceTypeSpec = { name: it.name, nodeSelector: it.nodeSelector ?? {}, resources: it.resources };
    const same = prev && sameSpec(prev, after);
    const fit = snap.live ? fitDto(fitOf(after, snap)) : null;
    return { name: it.name, change: !prev ? 'created' : same ? 'unchanged' : 'updated', before: prev, after, fit, warnings: fit?.warnings ?? [] };
  });
  // After the apply: answer once the live cache holds it, so the page refreshed after this shows it.
  const settle = async () => {
    const inf = liveCache(row).instanceTypes();
    await untilTrue(() => crs.every((cr) => inf.items().some((i) => i.name === cr.metadata.name && sameSpec(i, { name: cr.metadata.name, nodeSelector: cr.spec.nodeSelector ?? {}, resources: cr.spec.resources }))));
  };
  return { applied, steps, settle };
}

/** JSON with sorted keys: the API server may hand fields back in another order. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function sameSpec(a: InstanceTypeSpec, b: InstanceTypeSpec): boolean {
  return stable(toCustomResource(a).spec) === stable(toCustomResource(b).spec);
}

/** Polls a condition on the live cache (watch events arrive within milliseconds); gives up quietly. */
export async function untilTrue(cond: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Deletes an instance type's custom resource. The implicit default cannot be deleted (there is nothing to delete). */
export async function deleteInstanceType(row: ClusterRow, name: string, opts: { dryRun: boolean }): Promise<{ before: InstanceTypeSpec; revertsToImplicit: boolean; steps: PlanStep[]; settle: () => Promise<void> }> {
  const client = liveCache(row).client;
  const ref = { apiVersion: INSTANCE_TYPE_API_VERSION, kind: INSTANCE_TYPE_KIND, name };
  let current: StoredIt | undefined;
  try {
    current = await getObject<StoredIt>(client, ref, 8000);
  } catch (e) {
    if (isKubeError(e) && e.reason === 'not_found') throw crdMissing(row);
    throw clusterAppError(e, row.name);
  }
  if (!current) {
    if (name === DEFAULT_INSTANCE_TYPE_NAME) throw new AppError('bad_request', `${name} is Azure ML's implicit default on ${row.name}, not a custom resource: there is nothing to delete (create one of that name to override it)`);
    throw new AppError('not_found', `instance type ${name} not found on cluster ${row.name}`);
  }
  const steps: PlanStep[] = [{ op: 'delete', ref }];
  if (opts.dryRun) {
    const r = await applyPlan(client, steps, { dryRun: true, timeoutMs: 8000 });
    if (!r.ok) throw clusterAppError(new KubeError(r.unreachable ? 'timeout' : 'invalid', r.message ?? 'refused'), row.name);
  }
  const settle = async () => {
    const inf = liveCache(row).instanceTypes();
    await untilTrue(() => !inf.items().some((i) => i.name === name));
  };
  return { before: specOf(name, current)!, revertsToImplicit: name === DEFAULT_INSTANCE_TYPE_NAME, steps, settle };
}
