import 'server-only';
import { instanceTypeOption } from '@/lib/jobs/instance-type-options';
import type { DbOrTx } from '../db';
import { listComputeTargets } from './compute-targets';
import { targetInstanceTypes } from './compute-targets-view';
import { listEnvironments } from './environments';

// What the New job page needs, as plain data: the workspace's compute targets with the instance types each
// allows and how many can start now, and the workspace's environments. Clusters are read in parallel from
// their live caches; one that cannot be read is shown with "capacity unknown", not as a broken page.

export interface JobEditorData {
  targets: Array<{
    name: string;
    cluster: string;
    namespace: string;
    defaultInstanceType: string;
    live: boolean;
    error?: string;
    instanceTypes: ReturnType<typeof instanceTypeOption>[];
  }>;
  environments: Array<{ reference: string; image: string }>;
}

export async function jobEditorData(db: DbOrTx, workspace: string): Promise<JobEditorData> {
  const list = await listComputeTargets(db, workspace);
  const targets = await Promise.all(
    list.map(async (t) => {
      const base = { name: t.row.name, cluster: t.cluster.name, namespace: t.row.namespace, defaultInstanceType: t.row.defaultInstanceType };
      try {
        const v = await targetInstanceTypes(db, t, { waitMs: 2000 });
        return { ...base, live: v.live, error: v.errors[0]?.message, instanceTypes: v.items.map(instanceTypeOption) };
      } catch (e) {
        return { ...base, live: false, error: (e as Error).message, instanceTypes: [] };
      }
    }),
  );
  const environments = (await listEnvironments(db, workspace)).map((e) => ({ reference: e.reference, image: e.image }));
  return { targets, environments };
}
