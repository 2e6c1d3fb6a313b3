import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { AppError } from '../errors';
import type { ComputeTargetRef } from '@/lib/domain';

// Read side of compute targets, shared by the compute-target feature (attach/edit/detach, quotas, fit) and
// by job submission (which target, which namespace, which instance types). Writes live in
// server/actions/compute.ts.

export type ComputeTargetRow = typeof computeTargets.$inferSelect;

export interface ComputeTargetRecord {
  row: ComputeTargetRow;
  workspace: string;
  cluster: { id: string; name: string; location: string; region: string; kind: string };
  ref: ComputeTargetRef;
}

function record(r: { t: ComputeTargetRow; w: { name: string }; c: typeof clusters.$inferSelect }): ComputeTargetRecord {
  return {
    row: r.t,
    workspace: r.w.name,
    cluster: { id: r.c.id, name: r.c.name, location: r.c.location, region: r.c.region, kind: r.c.kind },
    ref: { workspace: r.w.name, name: r.t.name, cluster: r.c.name, namespace: r.t.namespace, serviceAccountName: r.t.serviceAccount },
  };
}

const base = (db: DbOrTx) =>
  db
    .select({ t: computeTargets, w: { name: workspaces.name }, c: clusters })
    .from(computeTargets)
    .innerJoin(workspaces, eq(computeTargets.workspaceId, workspaces.id))
    .innerJoin(clusters, eq(computeTargets.clusterId, clusters.id));

/** Compute targets of a workspace (callers authorize `compute.read` for it first). */
export async function listComputeTargets(db: DbOrTx, workspace: string): Promise<ComputeTargetRecord[]> {
  const rows = await base(db).where(eq(workspaces.name, workspace)).orderBy(asc(computeTargets.name));
  return rows.map(record);
}

/** Every compute target on a cluster (ops views, instance types in use). */
export async function listComputeTargetsOnCluster(db: DbOrTx, clusterId: string): Promise<ComputeTargetRecord[]> {
  const rows = await base(db).where(eq(computeTargets.clusterId, clusterId)).orderBy(asc(workspaces.name), asc(computeTargets.name));
  return rows.map(record);
}

/** One target by workspace and name; accepts Azure ML's `azureml:<name>` form. 404 naming the field otherwise. */
export async function getComputeTarget(db: DbOrTx, workspace: string, name: string, field = 'compute'): Promise<ComputeTargetRecord> {
  const bare = name.replace(/^azureml:/, '');
  const [r] = await base(db).where(and(eq(workspaces.name, workspace), eq(computeTargets.name, bare))).limit(1);
  if (!r) throw new AppError('not_found', `compute target ${bare} not found in workspace ${workspace}`, { fieldErrors: [{ path: field, message: `no compute target "${bare}" in ${workspace}` }] });
  return record(r);
}

/** Whether an instance type may be used on a target (allowed list, or all when unset). */
export function allowsInstanceType(t: ComputeTargetRow, instanceType: string): boolean {
  return !t.allowedInstanceTypes || t.allowedInstanceTypes.includes(instanceType);
}

/** Targets with the same name in a workspace, ignoring case (Kubernetes object names are lower-case). */
export async function findComputeTargetCaseInsensitive(db: DbOrTx, workspace: string, name: string): Promise<ComputeTargetRecord | undefined> {
  const rows = await base(db).where(and(eq(workspaces.name, workspace), sql`lower(${computeTargets.name}) = lower(${name})`)).limit(1);
  return rows[0] ? record(rows[0]) : undefined;
}

/** Every compute target, all workspaces (ops views). */
export async function listAllComputeTargets(db: DbOrTx): Promise<ComputeTargetRecord[]> {
  const rows = await base(db).orderBy(asc(workspaces.name), asc(computeTargets.name));
  return rows.map(record);
}
