import 'server-only';
import type { ExtensionSettings, InstanceTypeSpec, Taint } from '@/lib/domain';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { withDefaultInstanceType, type ListedInstanceType } from '@/lib/instance-types';
import { placementTaints } from '@/lib/compute/placement';
import type { DbOrTx } from '../db';
import { isKubeError } from '../kube/errors';
import type { ComputeTargetRecord } from './compute-targets';
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
