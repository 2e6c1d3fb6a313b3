import 'server-only';
import type { ComputeResource, Workspace } from '@azure/arm-machinelearning';
import { getWorkspace } from '../services/workspaces';
import { getComputeTarget, listComputeTargets, type ComputeTargetRecord } from '../services/compute-targets';
import { targetInstanceTypes } from '../services/compute-targets-view';
import { clusterSnapshot, type ClusterSnapshot } from '../services/instance-types';
import { getClusterRow } from '../services/clusters';
import type { Db } from '../db';
import { systemData, WORKSPACE_TYPE, type ArmContext, type ArmRoute } from './http';
import type { Wire } from './wire';

// The workspace and its computes (compute targets) as Azure ML's ARM resources (issue 19).

/** Where Harbormaster's workspaces "are" for ARM: the SDK copies it into the endpoints it creates. */
export const ARM_LOCATION = 'local';

async function workspaceResource(ctx: ArmContext): Promise<Wire<Workspace>> {
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.workspace);
  return {
    id: ctx.workspaceId,
    name: w.name,
    type: WORKSPACE_TYPE,
    location: ARM_LOCATION,
    tags: {},
    identity: { type: 'None' },
    sku: { name: 'Basic', tier: 'Basic' },
    systemData: systemData(w.createdAt, null, w.updatedAt),
    workspaceId: w.id,
    friendlyName: w.displayName || w.name,
    description: w.description,
    provisioningState: w.status === 'active' ? 'Succeeded' : 'Deleting',
    hbiWorkspace: false,
    publicNetworkAccess: 'Enabled',
    v1LegacyMode: false,
    enableDataIsolation: false,
  } as Wire<Workspace>;
}

/** Workspace is flattened in the TS model; on the wire its fields live under `properties`. */
function onTheWire(w: Wire<Workspace>) {
  const { id, name, type, location, tags, identity, sku, systemData: sd, ...properties } = w;
  return { id, name, type, location, kind: 'Default', tags, identity, sku, systemData: sd, properties };
}

async function computeResource(db: Db, ctx: ArmContext, t: ComputeTargetRecord, snapshot?: ClusterSnapshot): Promise<Wire<ComputeResource>> {
  const it = await targetInstanceTypes(db, t, { waitMs: 2000, snapshot }).catch(() => null);
  const instanceTypes = Object.fromEntries(
    (it?.items ?? []).map((i) => [i.name, { nodeSelector: Object.keys(i.nodeSelector).length ? i.nodeSelector : null, resources: { requests: i.resources.requests, limits: i.resources.limits } }]),
  );
  const azure = t.row.azureState;
  const failed = azure?.provisioningState === 'Failed';
  return {
    id: `${ctx.workspaceId}/computes/${t.row.name}`,
    name: t.row.name,
    type: `${WORKSPACE_TYPE}/computes`,
    location: t.cluster.region || ARM_LOCATION,
    tags: {},
    systemData: systemData(t.row.createdAt, null, t.row.updatedAt),
    properties: {
      computeType: 'Kubernetes',
      computeLocation: t.cluster.region || t.cluster.location,
      description: t.row.description || undefined,
      provisioningState: t.row.backend === 'azureml' ? ((azure?.provisioningState as 'Succeeded' | undefined) ?? 'Creating') : 'Succeeded',
      provisioningErrors: failed && azure?.error ? [{ error: { code: 'ComputeProvisioningFailed', message: azure.error } }] : undefined,
      createdOn: t.row.createdAt.toISOString(),
      modifiedOn: t.row.updatedAt.toISOString(),
      resourceId: t.row.azureComputeId ?? `/harbormaster/clusters/${t.cluster.name}`,
      isAttachedCompute: true,
      disableLocalAuth: true,
      properties: {
        namespace: t.row.namespace,
        defaultInstanceType: t.row.defaultInstanceType,
        instanceTypes,
      },
    },
  } as Wire<ComputeResource>;
}

export const workspaceRoutes: ArmRoute[] = [
  { method: 'GET', path: '', permission: 'workspaces.read', handler: async (ctx) => onTheWire(await workspaceResource(ctx)), example: {} },
  {
    method: 'GET',
    path: '/computes',
    permission: 'compute.read',
    handler: async (ctx) => {
      const targets = await listComputeTargets(ctx.db, ctx.workspace);
      // One read of each cluster (its live cache) for all of its targets.
      const snapshots = new Map<string, Promise<ClusterSnapshot | undefined>>();
      const snapshotOf = (t: ComputeTargetRecord) => {
        if (!snapshots.has(t.cluster.name)) {
          snapshots.set(t.cluster.name, getClusterRow(ctx.db, t.cluster.name).then((row) => clusterSnapshot(ctx.db, row, { waitMs: 2000 })).catch(() => undefined));
        }
        return snapshots.get(t.cluster.name)!;
      };
      return { value: await Promise.all(targets.map(async (t) => computeResource(ctx.db, ctx, t, await snapshotOf(t)))) };
    },
    example: {},
  },
  {
    method: 'GET',
    path: '/computes/{name}',
    permission: 'compute.read',
    handler: async (ctx) => computeResource(ctx.db, ctx, await getComputeTarget(ctx.db, ctx.workspace, ctx.route.name)),
    example: { route: { name: 'rbac-example' } },
  },
];
