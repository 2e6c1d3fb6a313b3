// The "cluster still has compute targets" guard reads compute_targets itself: it holds with nothing but
// server/services/clusters.ts loaded (no compute-target module has to register anything first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../db/test-db';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { clusterAttachments } from './clusters';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t?.cleanup());

describe('clusterAttachments', () => {
  it('lists the compute targets on a cluster with their workspace and namespace, and none on another', async () => {
    const [vision, forecasting] = await t.db.insert(workspaces).values([{ name: 'vision' }, { name: 'forecasting' }]).returning();
    const [lyon, paris] = await t.db
      .insert(clusters)
      .values([
        { name: 'edge-lyon', kind: 'kubernetes', location: 'edge', connectionMode: 'inCluster' },
        { name: 'edge-paris', kind: 'kubernetes', location: 'edge', connectionMode: 'inCluster' },
      ])
      .returning();
    expect(await clusterAttachments(t.db, lyon.id)).toEqual([]);
    await t.db.insert(computeTargets).values([
      { workspaceId: vision.id, name: 'lyon-gpu', clusterId: lyon.id, namespace: 'vision-lyon' },
      { workspaceId: forecasting.id, name: 'lyon-cpu', clusterId: lyon.id, namespace: 'forecasting-lyon' },
      { workspaceId: vision.id, name: 'paris', clusterId: paris.id, namespace: 'vision-paris' },
    ]);
    expect(await clusterAttachments(t.db, lyon.id)).toEqual([
      { workspace: 'forecasting', name: 'lyon-cpu', namespace: 'forecasting-lyon' },
      { workspace: 'vision', name: 'lyon-gpu', namespace: 'vision-lyon' },
    ]);
    expect(await clusterAttachments(t.db, paris.id)).toEqual([{ workspace: 'vision', name: 'paris', namespace: 'vision-paris' }]);
  });
});
