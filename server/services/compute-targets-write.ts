import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { LABELS, MANAGED_BY, type ComputeTargetRef } from '@/lib/domain';
import { defaultNamespaceFor, namespaceName, quotaToHard, type attachComputeInput, type ComputeQuota, type detachComputeInput, type updateComputeInput } from '@/lib/compute/schemas';
import { withDefaultInstanceType } from '@/lib/instance-types/schema';
import type { DbOrTx, Tx } from '../db';
import { computeTargets, onlineEndpoints } from '../db/schema';
import { AppError, type FieldError } from '../errors';
import { getObject, listAll } from '../kube/apply';
import { applyPlan, applySteps, type KubeObject, type ObjectRef, type PlanStep } from '../kube/plan';
import type { KubeClient } from '../kube/client';
import { clusterAppError, KubeError } from '../kube/errors';
import { WORKLOAD_EGRESS_POLICY } from '../kube/manifests/extension-network';
import {
  computeNamespace,
  computeResourceQuota,
  computeTargetObjects,
  detachRefs,
  quotaNameFor,
  serviceAccountNameFor,
} from '../kube/manifests/compute-target';
import { extensionRow, getClusterRow, lastProbe, liveCache, type ClusterRow } from './clusters';
import { findComputeTargetCaseInsensitive, getComputeTarget, listComputeTargetsOnCluster, type ComputeTargetRecord, type ComputeTargetRow } from './compute-targets';
import { workloadEgressFor } from './extension';
import { clusterSnapshot, untilTrue } from './instance-types';
import { workspaceByName } from './workspaces';

// Attach, edit and detach compute targets: the DB row changes inside the action's transaction, and the
// Kubernetes objects (compute-target.ts) are returned as a plan that the action declares as effects, carried
// out after commit (DESIGN §3). Every object passes a server-side dry run first (the same plan, dryRun=All).

type AttachInput = z.output<typeof attachComputeInput>;
type UpdateInput = z.output<typeof updateComputeInput>;
type DetachInput = z.output<typeof detachComputeInput>;

export interface TargetSnapshot {
  name: string;
  workspace: string;
  cluster: string;
  namespace: string;
  namespaceCreated: boolean;
  defaultInstanceType: string;
  allowedInstanceTypes: string[] | null;
  quota: ComputeQuota | null;
  description: string;
  serviceAccount: string;
}

export function targetSnapshot(row: ComputeTargetRow, workspace: string, cluster: string): TargetSnapshot {
  return {
    name: row.name,
    workspace,
    cluster,
    namespace: row.namespace,
    namespaceCreated: row.namespaceCreated,
    defaultInstanceType: row.defaultInstanceType,
    allowedInstanceTypes: row.allowedInstanceTypes ?? null,
    quota: (row.quota as ComputeQuota | null) ?? null,
    description: row.description,
    serviceAccount: row.serviceAccount,
  };
}

/** Waits (briefly) until the live cache shows the ResourceQuota as it now is, so the next page read agrees. */
async function quotaInCache(row: ClusterRow, namespace: string, name: string, present: boolean, hard?: Record<string, string>) {
  try {
    const inf = liveCache(row).resourceQuotas();
    await inf.waitSynced(3000);
    await untilTrue(() => {
      const q = inf.items().find((x) => x.namespace === namespace && x.name === name);
      if (!present) return !q;
      return !!q && (!hard || Object.entries(hard).every(([k, v]) => q.hard[k] === v));
    });
  } catch {
    /* the cache catches up on its own */
  }
}

const nsRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

/** The instance types of the cluster must include the allowed ones and the default (which must be allowed). */
async function checkInstanceTypes(db: DbOrTx, row: ClusterRow, defaultName: string, allowed: string[] | null) {
  const snap = await clusterSnapshot(db, row, { waitMs: 5000 });
  if (!snap.live) {
    throw new AppError('upstream_unavailable', `cluster ${row.name} cannot be read right now (${snap.errors[0]?.message ?? 'unreachable'}); its instance types cannot be checked`);
  }
  const names = withDefaultInstanceType(snap.instanceTypes).map((i) => i.name);
  const known = new Set(names);
  const fieldErrors: FieldError[] = [];
  (allowed ?? []).forEach((n, i) => {
    if (!known.has(n)) fieldErrors.push({ path: `allowedInstanceTypes[${i}]`, message: `cluster ${row.name} has no instance type "${n}" (it has: ${names.join(', ')})` });
  });
  if (!known.has(defaultName)) fieldErrors.push({ path: 'defaultInstanceType', message: `cluster ${row.name} has no instance type "${defaultName}" (it has: ${names.join(', ')})` });
  else if (allowed && !allowed.includes(defaultName)) fieldErrors.push({ path: 'defaultInstanceType', message: `"${defaultName}" is not among the allowed instance types (${allowed.join(', ') || 'none'})` });
  if (fieldErrors.length) throw new AppError('bad_request', fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; '), { fieldErrors });
  return snap;
}

async function dryRunAll(client: KubeClient, cluster: string, objects: KubeObject[]) {
  const r = await applyPlan(client, applySteps(objects), { dryRun: true, timeoutMs: 8000 });
  if (r.unreachable) throw clusterAppError(new KubeError('timeout', r.message ?? 'unreachable'), cluster);
  const refused: FieldError[] = r.verdicts.filter((v) => v.outcome === 'refused').map((v) => ({ path: '(cluster)', message: `${v.object}: ${v.message}` }));
  if (refused.length) throw new AppError('bad_request', `the API server of ${cluster} refused: ${refused.map((x) => x.message).join('; ')}`, { fieldErrors: refused });
}

function sharingMessage(namespace: string, others: ComputeTargetRecord[]) {
  return `namespace ${namespace} is already used by compute target${others.length > 1 ? 's' : ''} ${others.map((o) => `${o.workspace}/${o.row.name}`).join(', ')}: send confirmSharedNamespace: true to share it (their workloads can then reach each other, and every quota in the namespace applies to all its pods)`;
}

/** The attach's checks against what is recorded (run in prepare() and again in the recording transaction). */
async function attachConflicts(db: DbOrTx, input: AttachInput) {
  const ws = await workspaceByName(db, input.workspace);
  if (ws.status !== 'active') throw new AppError('bad_request', `workspace ${ws.name} is archived: restore it before attaching compute`, { fieldErrors: [{ path: 'workspace', message: 'is archived' }] });
  const row = await getClusterRow(db, input.cluster).catch((e) => {
    throw new AppError('bad_request', (e as Error).message, { fieldErrors: [{ path: 'cluster', message: `no cluster "${input.cluster}"` }] });
  });
  const clash = await findComputeTargetCaseInsensitive(db, ws.name, input.name);
  if (clash) {
    throw new AppError('conflict', `workspace ${ws.name} already has a compute target ${clash.row.name}${clash.row.name !== input.name ? ' (names are compared without case)' : ''} on cluster ${clash.cluster.name}`, {
      fieldErrors: [{ path: 'name', message: 'already exists in this workspace' }],
    });
  }
  const namespace = input.namespace ?? defaultNamespaceFor(ws.name, input.name);
  const nsCheck = namespaceName.safeParse(namespace);
  if (!nsCheck.success) throw new AppError('bad_request', `namespace: ${nsCheck.error.issues[0].message}`, { fieldErrors: [{ path: 'namespace', message: nsCheck.error.issues[0].message }] });
  const others = (await listComputeTargetsOnCluster(db, row.id)).filter((t) => t.row.namespace === namespace);
  if (others.length && !input.confirmSharedNamespace) {
    throw new AppError('conflict', sharingMessage(namespace, others), { fieldErrors: [{ path: 'confirmSharedNamespace', message: sharingMessage(namespace, others) }] });
  }
  return { ws, row, namespace, others };
}

export type AttachPlan = Awaited<ReturnType<typeof planAttach>>;

/**
 * Checks an attach against the records and the cluster (instance types, the namespace, the API server's dry run):
 * the action's prepare(), before its transaction (DESIGN §3). recordAttach records it.
 */
export async function planAttach(db: DbOrTx, input: AttachInput) {
  const { ws, row, namespace, others } = await attachConflicts(db, input);
  const allowed = input.allowedInstanceTypes ?? null;
  await checkInstanceTypes(db, row, input.defaultInstanceType, allowed);

  const client = liveCache(row).client;
  let existing: { status?: { phase?: string }; metadata?: { labels?: Record<string, string> } } | undefined;
  try {
    existing = await getObject(client, nsRef(namespace), 8000);
  } catch (e) {
    throw clusterAppError(e, row.name);
  }
  if (!existing && !input.createNamespace) {
    throw new AppError('bad_request', `namespace ${namespace} does not exist on cluster ${row.name}: create it, or let Harbormaster create it (createNamespace: true)`, { fieldErrors: [{ path: 'namespace', message: 'does not exist on the cluster' }] });
  }
  if (existing?.status?.phase === 'Terminating') {
    throw new AppError('conflict', `namespace ${namespace} on cluster ${row.name} is being deleted: wait until it is gone or choose another`, { fieldErrors: [{ path: 'namespace', message: 'is terminating' }] });
  }
  const namespaceCreated = others.length ? others[0].row.namespaceCreated : !existing;
  const ref: ComputeTargetRef = { workspace: ws.name, name: input.name, cluster: row.name, namespace, serviceAccountName: serviceAccountNameFor(ws.name, input.name) };
  const quota = input.quota ?? null;
  const objects = computeTargetObjects({ ref, quota, namespaceCreated, sharedNamespace: others.length > 0 });
  const egress = await workloadEgressFor(db, row, namespace).catch(() => ({ policies: [] as KubeObject[], warnings: [] as string[] }));
  objects.push(...egress.policies);

  const warnings: string[] = [...egress.warnings];
  if (existing && !others.length) warnings.push(`namespace ${namespace} already existed: Harbormaster labels it and adds its objects, and will not delete it on detach unless asked to`);
  if (others.length) warnings.push(`namespace ${namespace} is shared with ${others.map((o) => `${o.workspace}/${o.row.name}`).join(', ')}: quotas apply to every pod of the namespace, and the workloads are not isolated from each other`);
  const ext = await extensionRow(db, row.id);
  if ((!ext || ext.status === 'notInstalled') && lastProbe(row)?.extension?.flavor !== 'azureml') warnings.push(`the ML extension is not installed on ${row.name}: install it so workloads get their role (ClusterRole harbormaster-workload) and instance types beyond the implicit default`);
  if (quota && existing) warnings.push(`the quota applies to every pod in ${namespace}: pods there without CPU and memory requests will be refused by the API server`);

  // The API server's verdict first. Objects inside a namespace that does not exist yet cannot be dry-run.
  await dryRunAll(client, row.name, existing ? objects : objects.filter((o) => o.kind === 'Namespace'));
  const result = {
    compute: { ...ref, namespaceCreated, defaultInstanceType: input.defaultInstanceType, allowedInstanceTypes: allowed, quota, description: input.description ?? '' },
    objects: objects.map((o) => ({ kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) })),
    warnings,
  };
  return { ws, row, namespace, namespaceCreated, allowed, quota, ref, objects, result };
}

/** Records a planned attach in the action's transaction (the record checks again: a name or namespace taken meanwhile). */
export async function recordAttach(tx: Tx, input: AttachInput, plan: AttachPlan, opts: { userId: string | null }) {
  await attachConflicts(tx, input);
  const { ws, row, namespace, namespaceCreated, allowed, quota, ref, objects, result } = plan;
  const [inserted] = await tx
    .insert(computeTargets)
    .values({
      id: randomUUID(),
      workspaceId: ws.id,
      name: input.name,
      clusterId: row.id,
      namespace,
      namespaceCreated,
      defaultInstanceType: input.defaultInstanceType,
      allowedInstanceTypes: allowed,
      quota,
      description: input.description ?? '',
      serviceAccount: ref.serviceAccountName,
      createdBy: opts.userId,
    })
    .returning();
  const settle = async () => {
    if (quota) await quotaInCache(row, namespace, quotaNameFor(ws.name, input.name), true);
  };
  return { result, snapshot: targetSnapshot(inserted, ws.name, row.name), cluster: row, id: inserted.id, steps: applySteps(objects), settle };
}

export type UpdatePlan = Awaited<ReturnType<typeof planUpdate>>;

/** Checks an edit against the cluster (instance types, the quota's dry run): prepare(), before the transaction (DESIGN §3). */
export async function planUpdate(db: DbOrTx, input: UpdateInput) {
  const t = await getComputeTarget(db, input.workspace, input.name, 'name');
  const row = await getClusterRow(db, t.cluster.name);
  const before = targetSnapshot(t.row, t.workspace, row.name);
  const allowed = input.allowedInstanceTypes === undefined ? before.allowedInstanceTypes : input.allowedInstanceTypes;
  const defaultName = input.defaultInstanceType ?? before.defaultInstanceType;
  const quota = input.quota === undefined ? before.quota : input.quota;
  const typesChanged = input.allowedInstanceTypes !== undefined || input.defaultInstanceType !== undefined;
  const quotaChanged = JSON.stringify(quota) !== JSON.stringify(before.quota);
  if (typesChanged) await checkInstanceTypes(db, row, defaultName, allowed);
  const ref = t.ref;
  const client = liveCache(row).client;
  const steps: PlanStep[] = [];
  if (quotaChanged) {
    if (quota) await dryRunAll(client, row.name, [computeResourceQuota(ref, quota)]);
    steps.push(quota ? { op: 'apply', object: computeResourceQuota(ref, quota) } : { op: 'delete', ref: { apiVersion: 'v1', kind: 'ResourceQuota', name: quotaNameFor(t.workspace, t.row.name), namespace: ref.namespace } });
  }
  const settle = async () => {
    if (quotaChanged) await quotaInCache(row, ref.namespace, quotaNameFor(t.workspace, t.row.name), !!quota, quota ? quotaToHard(quota) : undefined);
  };
  return { t, row, before, allowed, defaultName, quota, steps, settle };
}

/** Records a planned edit in the action's transaction. */
export async function recordUpdate(tx: Tx, input: UpdateInput, plan: UpdatePlan) {
  const { t, row, before, allowed, defaultName, quota, steps, settle } = plan;
  const [u] = await tx
    .update(computeTargets)
    .set({ defaultInstanceType: defaultName, allowedInstanceTypes: allowed, quota, description: input.description ?? before.description, updatedAt: new Date() })
    .where(eq(computeTargets.id, t.row.id))
    .returning();
  if (!u) throw new AppError('not_found', `compute target ${input.name} was detached meanwhile`);
  const after = targetSnapshot(u, t.workspace, row.name);
  return { before, after, cluster: row, id: t.row.id, steps, settle };
}

interface RunningWorkload {
  kind: 'Job' | 'Deployment' | 'Pod';
  name: string;
}

type Listed = { metadata?: { name?: string; labels?: Record<string, string>; ownerReferences?: unknown[] }; spec?: { replicas?: number }; status?: { phase?: string; active?: number; conditions?: Array<{ type?: string; status?: string }> } };

/** Harbormaster's Jobs, Deployments and Pods in the namespace that still run (selector narrows to a target). */
async function runningWorkloads(client: KubeClient, namespace: string, selector: string): Promise<{ running: RunningWorkload[]; all: Array<{ kind: 'Job' | 'Deployment' | 'Pod'; name: string }> }> {
  const q = { labelSelector: selector };
  const [jobs, deps, pods] = await Promise.all([
    listAll<Listed>(client, `/apis/batch/v1/namespaces/${namespace}/jobs`, q),
    listAll<Listed>(client, `/apis/apps/v1/namespaces/${namespace}/deployments`, q),
    listAll<Listed>(client, `/api/v1/namespaces/${namespace}/pods`, q),
  ]);
  const jobDone = (j: Listed) => (j.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  const running: RunningWorkload[] = [
    ...jobs.filter((j) => !jobDone(j)).map((j) => ({ kind: 'Job' as const, name: j.metadata?.name ?? '' })),
    ...deps.filter((d) => (d.spec?.replicas ?? 1) > 0).map((d) => ({ kind: 'Deployment' as const, name: d.metadata?.name ?? '' })),
    ...pods.filter((p) => p.status?.phase === 'Pending' || p.status?.phase === 'Running' || p.status?.phase === 'Unknown').map((p) => ({ kind: 'Pod' as const, name: p.metadata?.name ?? '' })),
  ];
  const all = [
    ...jobs.map((j) => ({ kind: 'Job' as const, name: j.metadata?.name ?? '' })),
    ...deps.map((d) => ({ kind: 'Deployment' as const, name: d.metadata?.name ?? '' })),
    // Pods owned by a Job or Deployment go with their owner.
    ...pods.filter((p) => !(p.metadata?.ownerReferences ?? []).length).map((p) => ({ kind: 'Pod' as const, name: p.metadata?.name ?? '' })),
  ];
  return { running, all };
}

/** Whether anything but what is being removed still lives in the namespace (pods, Jobs, Deployments, StatefulSets). */
async function namespaceHoldsOthers(client: KubeClient, namespace: string, ours: Set<string>): Promise<string[]> {
  const [pods, jobs, deps, sts] = await Promise.all([
    listAll<Listed>(client, `/api/v1/namespaces/${namespace}/pods`),
    listAll<Listed>(client, `/apis/batch/v1/namespaces/${namespace}/jobs`),
    listAll<Listed>(client, `/apis/apps/v1/namespaces/${namespace}/deployments`),
    listAll<Listed>(client, `/apis/apps/v1/namespaces/${namespace}/statefulsets`),
  ]);
  const foreign: string[] = [];
  const isOurs = (l: Listed) => ours.has(`${l.metadata?.labels?.[LABELS.workspace]}/${l.metadata?.labels?.[LABELS.compute]}`) && l.metadata?.labels?.[LABELS.managedBy] === MANAGED_BY;
  for (const [kind, list] of [['Pod', pods], ['Job', jobs], ['Deployment', deps], ['StatefulSet', sts]] as const) {
    for (const o of list) if (!isOurs(o)) foreign.push(`${kind}/${o.metadata?.name}`);
  }
  return foreign;
}

const workloadPath = (kind: 'Job' | 'Deployment' | 'Pod') => (kind === 'Job' ? 'batch/v1' : kind === 'Deployment' ? 'apps/v1' : 'v1');

/** Online endpoints are records on the target (their router routes, keys, traffic): deleting them is a decision of their own, not a side effect of detaching, whatever force says. */
async function refuseWhileServing(db: DbOrTx, t: ComputeTargetRecord) {
  const endpoints = await db.select({ name: onlineEndpoints.name }).from(onlineEndpoints).where(eq(onlineEndpoints.computeTargetId, t.row.id));
  if (endpoints.length) {
    const names = endpoints.map((e) => e.name).join(', ');
    throw new AppError('conflict', `compute target ${t.row.name} serves ${endpoints.length} online endpoint${endpoints.length === 1 ? '' : 's'} (${names}): delete ${endpoints.length === 1 ? 'it' : 'them'} first`, {
      fieldErrors: [{ path: 'name', message: `serves online endpoints: ${names}` }],
    });
  }
}

export type DetachPlan = Awaited<ReturnType<typeof planDetach>>;

/**
 * Decides what a detach deletes and keeps from the records and the cluster (running workloads, what else lives in
 * the namespace, a dry run's verdicts): prepare(), before the transaction (DESIGN §3). recordDetach removes the record.
 */
export async function planDetach(db: DbOrTx, input: DetachInput, opts: { dryRun: boolean }) {
  const t = await getComputeTarget(db, input.workspace, input.name, 'name');
  const row = await getClusterRow(db, t.cluster.name);
  const before = targetSnapshot(t.row, t.workspace, row.name);
  const ref = t.ref;
  const namespace = ref.namespace;
  await refuseWhileServing(db, t);
  const others = (await listComputeTargetsOnCluster(db, row.id)).filter((o) => o.row.namespace === namespace && o.row.id !== t.row.id);
  if (input.deleteNamespace && others.length) {
    throw new AppError('bad_request', `namespace ${namespace} is also used by ${others.map((o) => `${o.workspace}/${o.row.name}`).join(', ')}: it cannot be deleted while they are attached`, { fieldErrors: [{ path: 'deleteNamespace', message: 'the namespace is shared' }] });
  }
  if (input.deleteNamespace && namespace === 'default') {
    throw new AppError('bad_request', 'the namespace "default" cannot be deleted', { fieldErrors: [{ path: 'deleteNamespace', message: 'Kubernetes does not allow deleting "default"' }] });
  }
  const client = liveCache(row).client;
  const selector = `${LABELS.managedBy}=${MANAGED_BY},${LABELS.workspace}=${t.workspace},${LABELS.compute}=${t.row.name}`;
  let workloads: Awaited<ReturnType<typeof runningWorkloads>>;
  try {
    workloads = await runningWorkloads(client, namespace, selector);
  } catch (e) {
    const err = clusterAppError(e, row.name);
    if (!input.force) throw new AppError('upstream_unavailable', `${err.message}: cannot check for running workloads; detach with force: true to remove the target from Harbormaster without cleaning up the cluster`);
    return {
      t,
      before,
      result: { detached: `${t.workspace}/${t.row.name}`, deleted: [] as string[], kept: [`everything in namespace ${namespace} (cluster unreachable: ${err.message})`], namespaceDeleted: false, message: `Detached ${t.row.name} without touching cluster ${row.name}, which could not be reached.` },
      cluster: row,
      id: t.row.id,
      steps: [] as PlanStep[],
      settle: async () => undefined,
    };
  }
  if (workloads.running.length && !input.force) {
    const list = workloads.running.slice(0, 5).map((w) => `${w.kind}/${w.name}`).join(', ');
    throw new AppError('conflict', `compute target ${t.row.name} still runs ${workloads.running.length} Harbormaster workload${workloads.running.length === 1 ? '' : 's'} in namespace ${namespace} (${list}${workloads.running.length > 5 ? ', …' : ''}): wait for them to finish or cancel them, or detach with force: true to delete them`, {
      fieldErrors: [{ path: 'force', message: `${workloads.running.length} running workload(s)` }],
    });
  }

  const kept: string[] = [];
  const steps: PlanStep[] = [];
  const del = (r: ObjectRef) => steps.push({ op: 'delete', ref: r });
  // Harbormaster's workloads of this target (finished ones too: their pods and logs go with the target).
  for (const w of workloads.all) del({ apiVersion: workloadPath(w.kind), kind: w.kind, name: w.name, namespace });
  const last = others.length === 0;
  for (const r of detachRefs(ref, { lastInNamespace: last })) del(r);
  if (last) del({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: WORKLOAD_EGRESS_POLICY, namespace });

  let namespaceDeleted = false;
  if (last) {
    let foreign: string[] = [];
    try {
      foreign = await namespaceHoldsOthers(client, namespace, new Set([`${t.workspace}/${t.row.name}`]));
    } catch (e) {
      throw clusterAppError(e, row.name);
    }
    if (input.deleteNamespace || (t.row.namespaceCreated && foreign.length === 0)) {
      del(nsRef(namespace));
      namespaceDeleted = true;
    } else {
      if (t.row.namespaceCreated) kept.push(`Namespace/${namespace} (Harbormaster created it, but it still holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}; delete it with deleteNamespace: true)`);
      else kept.push(`Namespace/${namespace} (it existed before the target was attached)`);
      // Take Harbormaster's labels off: applying the Namespace with none removes the fields we own.
      steps.push({ op: 'apply', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } });
    }
  } else {
    kept.push(`Namespace/${namespace} (shared with ${others.map((o) => `${o.workspace}/${o.row.name}`).join(', ')})`);
    // The namespace's labels named this target: hand them to one that stays.
    steps.push({ op: 'apply', object: computeNamespace(others[0].ref, { created: others[0].row.namespaceCreated }) });
  }
  // What would be deleted, as the API server sees it (dry run); a real detach learns it after commit.
  const deleted: string[] = [];
  if (opts.dryRun) {
    const r = await applyPlan(client, steps, { dryRun: true, timeoutMs: 8000 });
    if (r.unreachable) throw clusterAppError(new KubeError('timeout', r.message ?? 'unreachable'), row.name);
    deleted.push(...r.verdicts.filter((v) => v.outcome === 'deleted').map((v) => `${v.kind}/${v.name}`));
  } else {
    deleted.push(...steps.filter((x) => x.op === 'delete').map((x) => (x.op === 'delete' ? `${x.ref.kind}/${x.ref.name}` : '')));
  }
  const settle = async () => {
    await quotaInCache(row, namespace, quotaNameFor(t.workspace, t.row.name), false);
  };
  return {
    t,
    before,
    result: {
      detached: `${t.workspace}/${t.row.name}`,
      deleted,
      kept,
      namespaceDeleted,
      message: `Detached ${t.row.name} from ${t.workspace}${namespaceDeleted ? `; namespace ${namespace} deleted` : `; namespace ${namespace} kept`}.`,
    },
    cluster: row,
    id: t.row.id,
    steps,
    settle,
  };
}

/** Removes the record of a planned detach in the action's transaction (an endpoint created meanwhile still refuses it). */
export async function recordDetach(tx: Tx, plan: DetachPlan) {
  await refuseWhileServing(tx, plan.t);
  await tx.delete(computeTargets).where(eq(computeTargets.id, plan.t.row.id));
  const { t: _t, ...rest } = plan;
  return rest;
}
