import 'server-only';
import type { ExtensionSettings, InstanceTypeSpec, Taint } from '@/lib/domain';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { DEFAULT_INSTANCE_TYPE, DEFAULT_INSTANCE_TYPE_NAME, withDefaultInstanceType, type ListedInstanceType } from '@/lib/instance-types';
import { placementTaints } from '@/lib/compute/placement';
import type { DbOrTx } from '../db';
import { isKubeError } from '../kube/errors';
import { AppError, type FieldError } from '../errors';
import { allowsInstanceType, getComputeTarget, listComputeTargets, type ComputeTargetRecord } from './compute-targets';
import { extensionRow, getClusterRow, liveCache, type ClusterRow } from './clusters';
import { clusterSnapshot, type ClusterSnapshot } from './instance-types';
import { targetInstanceTypes, type TargetInstanceTypeDto } from './compute-targets-view';

// Where a job runs and whether it can start now, from the compute-target feature's services (the same live
// snapshot, fit, tolerations and quota arithmetic the Compute pages show, so the job form's "can start N now"
// and the submit warnings agree with them), plus what only jobs need: the extension's full settings (proxy,
// registry, pull secret) and the namespace's ML PVCs.

/** Azure ML's PVC convention: PVCs with this label in the compute namespace are mounted into ML workloads. */
export const ML_PVC_LABEL = 'ml.azure.com/pvc';
export const ML_PVC_MOUNTPATH = 'ml.azure.com/mountpath';

export interface JobPlacement {
  row: ClusterRow;
  snapshot: ClusterSnapshot;
  /** Whether nodes and pods could be read. */
  live: boolean;
  problem?: string;
  /** Instance types offered (custom resources + the implicit default); undefined when unknown. */
  instanceTypes?: ListedInstanceType[];
  settings: ExtensionSettings;
  extensionStatus: string;
}

const FALLBACK_SETTINGS = (() => {
  const r = parseExtensionSettings({});
  if (!r.ok) throw new Error('default extension settings do not parse');
  return r.value;
})();

/** Reads the target's cluster (live cache; waits at most `waitMs` for a first sync) and its extension settings. */
export async function jobPlacement(db: DbOrTx, target: ComputeTargetRecord, waitMs = 3000): Promise<JobPlacement> {
  const row = await getClusterRow(db, target.cluster.name);
  const ext = await extensionRow(db, row.id);
  const settings = ext && ext.status !== 'notInstalled' && ext.settings ? (ext.settings as ExtensionSettings) : FALLBACK_SETTINGS;
  const snapshot = await clusterSnapshot(db, row, { waitMs });
  return {
    row,
    snapshot,
    live: snapshot.live,
    problem: snapshot.errors[0]?.message,
    instanceTypes: snapshot.live ? withDefaultInstanceType(snapshot.instanceTypes) : undefined,
    settings,
    extensionStatus: ext?.status ?? 'notInstalled',
  };
}

/** Taints the job tolerates: those of the pool its instance type selects (lib/compute/placement.ts). */
export function jobTaints(it: InstanceTypeSpec, p: JobPlacement): Taint[] {
  return p.live ? placementTaints(it, p.snapshot.nodes, p.snapshot.extensionNodeSelector) : [];
}

/** The instance type's fit on the target with "can start now" (nodes and quota), when the cluster is live. */
export async function jobCapacity(db: DbOrTx, target: ComputeTargetRecord, p: JobPlacement, instanceType: string): Promise<TargetInstanceTypeDto | undefined> {
  if (!p.live) return undefined;
  const view = await targetInstanceTypes(db, target, { snapshot: p.snapshot });
  return view.items.find((i) => i.name === instanceType);
}

/** PVCs labelled for ML workloads in the namespace (one small read). */
export async function mlPvcs(p: JobPlacement, namespace: string): Promise<{ pvcs: { name: string; mountPath?: string }[]; problem?: string }> {
  if (!p.live) return { pvcs: [] };
  try {
    const list = await liveCache(p.row).client.get<{ items?: Array<{ metadata: { name: string; annotations?: Record<string, string> } }> }>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims`,
      { query: { labelSelector: `${ML_PVC_LABEL}=true` }, timeoutMs: 5000, what: `list ML PVCs in ${namespace}` },
    );
    const pvcs = (list?.items ?? []).map((x) => ({ name: x.metadata.name, mountPath: x.metadata.annotations?.[ML_PVC_MOUNTPATH] })).sort((a, b) => a.name.localeCompare(b.name));
    return { pvcs };
  } catch (e) {
    return { pvcs: [], problem: isKubeError(e) ? e.message : String(e) };
  }
}

/** A 400 naming every refused field (the one shape of a refused job or deployment file). */
export const refuse = (errors: FieldError[], summary?: string) =>
  new AppError('bad_request', summary ?? errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '), { fieldErrors: errors.map((e) => ({ path: e.path || '(body)', message: e.message })) });

/**
 * The compute target a job or endpoint names (`compute: azureml:<name>`); without one, the workspace's first,
 * with a warning saying so. An unknown name is refused listing the workspace's targets.
 */
export async function resolveTarget(db: DbOrTx, workspace: string, compute: string | undefined, warnings: Array<{ path: string; message: string }>): Promise<ComputeTargetRecord> {
  if (compute) {
    try {
      return await getComputeTarget(db, workspace, compute);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'not_found') throw e;
      const names = (await listComputeTargets(db, workspace)).map((t) => t.row.name);
      throw refuse([
        {
          path: 'compute',
          message: `no compute target "${compute}" in workspace ${workspace}; ${names.length ? `use one of: ${names.map((n) => `azureml:${n}`).join(', ')}` : 'this workspace has no compute targets yet (an ops admin attaches one)'}`,
        },
      ]);
    }
  }
  const all = await listComputeTargets(db, workspace);
  if (all.length === 0) throw refuse([{ path: 'compute', message: `is required: this workspace has no compute targets yet (an ops admin attaches a cluster to ${workspace})` }]);
  warnings.push({ path: 'compute', message: `no compute given; using azureml:${all[0].row.name}${all.length > 1 ? ` (the workspace also has ${all.slice(1).map((t) => t.row.name).join(', ')})` : ''}` });
  return all[0];
}

/**
 * The instance type `itName` on a target, from the live snapshot: refused (at `field`) when the target does not
 * allow it or the cluster does not have it; an unreachable cluster only gets the implicit default.
 */
export function resolveInstanceType(target: ComputeTargetRecord, snap: JobPlacement, itName: string, field: string): InstanceTypeSpec {
  if (!allowsInstanceType(target.row, itName)) {
    throw refuse([{ path: field, message: `instance type "${itName}" is not allowed on compute target ${target.row.name}; allowed: ${(target.row.allowedInstanceTypes ?? []).join(', ') || 'none'}` }]);
  }
  const found = snap.instanceTypes?.find((it) => it.name === itName);
  if (found) return found;
  if (snap.instanceTypes) {
    const offered = snap.instanceTypes.filter((it: ListedInstanceType) => allowsInstanceType(target.row, it.name)).map((it) => it.name);
    throw refuse([{ path: field, message: `instance type "${itName}" does not exist on cluster ${target.cluster.name}; available on ${target.row.name}: ${offered.join(', ') || 'none'}` }]);
  }
  if (itName !== DEFAULT_INSTANCE_TYPE_NAME) {
    throw new AppError('upstream_unavailable', `compute: cluster ${target.cluster.name} cannot be read (${snap.problem ?? 'unreachable'}), so instance type ${itName} cannot be looked up; try again when it is reachable`, {
      fieldErrors: [{ path: 'compute', message: `cluster ${target.cluster.name} is unreachable` }],
    });
  }
  return { ...DEFAULT_INSTANCE_TYPE, nodeSelector: {}, resources: { requests: { ...DEFAULT_INSTANCE_TYPE.resources.requests }, limits: { ...DEFAULT_INSTANCE_TYPE.resources.limits } } };
}
