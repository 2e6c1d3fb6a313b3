import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { attachAzureComputeInput } from '@/lib/compute/azure-schemas';
import { withDefaultInstanceType } from '@/lib/instance-types/schema';
import { DEFAULT_INSTANCE_TYPE_NAME } from '@/lib/instance-types';
import type { Db, DbOrTx, Tx } from '../db';
import { computeTargets, jobs } from '../db/schema';
import { AppError, type FieldError } from '../errors';
import { workspaceLink } from '../azure/connections';
import { getClusterRow, type ClusterRow } from './clusters';
import { findComputeTargetCaseInsensitive, getComputeTarget, type ComputeTargetRecord, type ComputeTargetRow } from './compute-targets';
import { clusterSnapshot } from './instance-types';
import { shownAzureState } from './compute-targets-view';
import { workspaceByName } from './workspaces';

// Compute targets attached through ARM as Azure ML Kubernetes compute (backend `azureml`). The record is written in
// the action's transaction; the attach / detach itself is an `azure.arm` intent carried out after commit
// (server/azure/effects-compute.ts), which records ARM's provisioning state and errors on the row (azure_state).

type AttachInput = z.output<typeof attachAzureComputeInput>;

type InstanceTypeMap = NonNullable<NonNullable<Extract<NonNullable<ComputeResource['properties']>, { computeType: 'Kubernetes' }>['properties']>['instanceTypes']>;

/** Read before the transaction (prepare): the cluster's instance types as Azure ML's compute wants them. */
export async function azureInstanceTypes(db: Db, input: Pick<AttachInput, 'cluster' | 'instanceTypes' | 'defaultInstanceType'>): Promise<{ map: InstanceTypeMap; defaultName: string }> {
  const row = await getClusterRow(db, input.cluster).catch(() => {
    throw new AppError('bad_request', `cluster: no cluster "${input.cluster}"`, { fieldErrors: [{ path: 'cluster', message: `no cluster "${input.cluster}"` }] });
  });
  const names = input.instanceTypes?.length ? input.instanceTypes : [input.defaultInstanceType ?? DEFAULT_INSTANCE_TYPE_NAME];
  const defaultName = input.defaultInstanceType ?? names[0];
  const fieldErrors: FieldError[] = [];
  if (!names.includes(defaultName)) fieldErrors.push({ path: 'defaultInstanceType', message: `"${defaultName}" is not among instanceTypes (${names.join(', ')})` });
  const needsCluster = names.some((n) => n !== DEFAULT_INSTANCE_TYPE_NAME);
  const snap = needsCluster ? await clusterSnapshot(db, row, { waitMs: 5000 }) : undefined;
  if (snap && !snap.live) throw new AppError('upstream_unavailable', `cluster ${row.name} cannot be read right now (${snap.errors[0]?.message ?? 'unreachable'}); its instance types cannot be sent to Azure ML`);
  const known = withDefaultInstanceType(snap?.instanceTypes ?? []);
  const map: InstanceTypeMap = {};
  names.forEach((n, i) => {
    const it = known.find((k) => k.name === n);
    if (!it) {
      fieldErrors.push({ path: `instanceTypes[${i}]`, message: `cluster ${row.name} has no instance type "${n}" (it has: ${known.map((k) => k.name).join(', ')})` });
      return;
    }
    const strings = (m: Record<string, unknown> | undefined) => (m ? Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)])) : undefined);
    map[n] = {
      nodeSelector: Object.keys(it.nodeSelector ?? {}).length ? it.nodeSelector : (null as unknown as Record<string, string>),
      resources: { requests: strings(it.resources?.requests as Record<string, unknown>), limits: strings(it.resources?.limits as Record<string, unknown>) },
    };
  });
  if (fieldErrors.length) throw new AppError('bad_request', fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; '), { fieldErrors });
  return { map, defaultName };
}

const subscriptionOf = (armId: string) => /^\/subscriptions\/([^/]+)\//i.exec(armId)?.[1]?.toLowerCase();

export async function attachAzureComputeTarget(tx: Tx, input: AttachInput, prepared: { map: InstanceTypeMap; defaultName: string }, opts: { userId: string | null }) {
  const ws = await workspaceByName(tx, input.workspace);
  if (ws.status !== 'active') throw new AppError('bad_request', `workspace ${ws.name} is archived: restore it before attaching compute`, { fieldErrors: [{ path: 'workspace', message: 'is archived' }] });
  const link = await workspaceLink(tx, ws.id);
  if (!link) {
    throw new AppError('bad_request', `workspace ${ws.name} is not linked to an Azure ML workspace: link it first (PUT /api/v1/workspaces/${ws.name}/azure)`, { fieldErrors: [{ path: 'workspace', message: 'not linked to an Azure ML workspace' }] });
  }
  const row = await getClusterRow(tx, input.cluster);
  if (!row.azureResourceId) {
    throw new AppError('bad_request', `cluster ${row.name} has no Azure resource id: only AKS or Arc-enabled clusters registered from Azure can be attached through Azure ML`, { fieldErrors: [{ path: 'cluster', message: 'has no Azure resource id' }] });
  }
  if (subscriptionOf(row.azureResourceId) !== link.subscriptionId.toLowerCase()) {
    throw new AppError('bad_request', `cluster ${row.name} is in subscription ${subscriptionOf(row.azureResourceId)}, but workspace ${ws.name} is linked to an Azure ML workspace in subscription ${link.subscriptionId}: Azure ML attaches clusters of its own subscription`, {
      fieldErrors: [{ path: 'cluster', message: 'another subscription than the linked Azure ML workspace' }],
    });
  }
  const clash = await findComputeTargetCaseInsensitive(tx, ws.name, input.name);
  if (clash) {
    throw new AppError('conflict', `workspace ${ws.name} already has a compute target ${clash.row.name}${clash.row.name !== input.name ? ' (names are compared without case)' : ''} on cluster ${clash.cluster.name}`, {
      fieldErrors: [{ path: 'name', message: 'already exists in this workspace' }],
    });
  }
  const namespace = input.namespace ?? 'default';
  const azureComputeId = `${link.armId}/computes/${input.name}`;
  const body: ComputeResource = {
    location: link.location || undefined,
    properties: {
      computeType: 'Kubernetes',
      resourceId: row.azureResourceId,
      description: input.description,
      properties: { namespace, defaultInstanceType: prepared.defaultName, instanceTypes: prepared.map },
    },
  };
  const [inserted] = await tx
    .insert(computeTargets)
    .values({
      id: randomUUID(),
      workspaceId: ws.id,
      name: input.name,
      clusterId: row.id,
      namespace,
      namespaceCreated: false,
      defaultInstanceType: prepared.defaultName,
      allowedInstanceTypes: Object.keys(prepared.map),
      description: input.description ?? '',
      backend: 'azureml',
      azureComputeName: input.name,
      azureComputeId,
      azureState: { provisioningState: 'Pending', at: new Date().toISOString() },
      createdBy: opts.userId,
    })
    .returning();
  const snapshot = azureTargetSnapshot(inserted, ws.name, row.name);
  return { row: inserted, cluster: row, snapshot, args: { connectionId: link.connectionId, computeId: azureComputeId, targetId: inserted.id, body } };
}

export function azureTargetSnapshot(t: ComputeTargetRow, workspace: string, cluster: string) {
  return {
    name: t.name,
    workspace,
    cluster,
    backend: t.backend,
    namespace: t.namespace,
    defaultInstanceType: t.defaultInstanceType,
    instanceTypes: t.allowedInstanceTypes ?? [],
    description: t.description,
    azureComputeName: t.azureComputeName,
    azureComputeId: t.azureComputeId,
    azureState: shownAzureState(t.azureState),
  };
}

const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];

/** compute.detach of an azureml target: the record goes now, the compute is detached in Azure ML after commit. */
export async function detachAzureComputeTarget(tx: Tx, t: ComputeTargetRecord, input: { force?: boolean }) {
  const row = await getClusterRow(tx, t.cluster.name);
  const active = await tx.select({ name: jobs.name }).from(jobs).where(and(eq(jobs.computeTargetId, t.row.id), inArray(jobs.status, ACTIVE)));
  if (active.length && !input.force) {
    const list = active.slice(0, 5).map((j) => j.name).join(', ');
    throw new AppError('conflict', `compute target ${t.row.name} still has ${active.length} active job${active.length === 1 ? '' : 's'} in Azure ML (${list}${active.length > 5 ? ', …' : ''}): wait for them or cancel them, or detach with force: true (they keep running in Azure ML)`, {
      fieldErrors: [{ path: 'force', message: `${active.length} active job(s)` }],
    });
  }
  const [ws] = await tx.select({ id: computeTargets.workspaceId }).from(computeTargets).where(eq(computeTargets.id, t.row.id)).limit(1);
  const link = await workspaceLink(tx, ws.id);
  const before = azureTargetSnapshot(t.row, t.workspace, row.name);
  await tx.delete(computeTargets).where(eq(computeTargets.id, t.row.id));
  const result = {
    detached: `${t.workspace}/${t.row.name}`,
    deleted: [] as string[],
    kept: [`namespace ${t.row.namespace} on cluster ${row.name} (Azure ML's; Harbormaster created nothing there)`],
    namespaceDeleted: false,
    message: link ? `Detaching ${t.row.name} from Azure ML workspace ${link.resourceGroup}/${link.workspaceName} (the cluster stays attached to nothing else and keeps its extension).` : `Detached ${t.row.name}; workspace ${t.workspace} is no longer linked to Azure ML, so nothing was detached there.`,
  };
  const args = link && t.row.azureComputeId ? { connectionId: link.connectionId, computeId: t.row.azureComputeId } : undefined;
  return { before, result, cluster: row as ClusterRow, id: t.row.id, args };
}

/** Whether workspace/name is a target of the azureml backend (undefined: no such target; the caller's 404 applies). */
export async function azureTargetOf(db: DbOrTx, workspace: string, name: string): Promise<ComputeTargetRecord | undefined> {
  const t = await getComputeTarget(db, workspace, name, 'name').catch(() => undefined);
  return t?.row.backend === 'azureml' ? t : undefined;
}

/** Where an azureml job goes in ARM: the workspace link's connection and the target's compute id. */
export async function azureJobTarget(db: DbOrTx, workspaceId: string, computeTargetId: string | null): Promise<{ connectionId: string; computeId: string }> {
  const link = await workspaceLink(db, workspaceId);
  if (!link) throw new AppError('conflict', 'compute: the workspace is no longer linked to an Azure ML workspace; link it again or use another compute target', { fieldErrors: [{ path: 'compute', message: 'workspace not linked to Azure ML' }] });
  const [t] = computeTargetId ? await db.select({ id: computeTargets.azureComputeId }).from(computeTargets).where(eq(computeTargets.id, computeTargetId)).limit(1) : [];
  if (!t?.id) throw new AppError('conflict', 'compute: the compute target is no longer attached through Azure ML', { fieldErrors: [{ path: 'compute', message: 'not attached through Azure ML' }] });
  return { connectionId: link.connectionId, computeId: t.id };
}
