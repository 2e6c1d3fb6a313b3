// The usual start of an /arm/ database test: the test cast and the `vision` workspace's compute target
// `k8s-compute` on a registered cluster nobody answers for (`aks-test`): jobs are recorded and wait for it.
import { eq } from 'drizzle-orm';
import { createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { clusters, computeTargets, workspaces } from '@/server/db/schema';
import { registerTestCluster } from '@/server/services/clusters.k8s-support';

export async function castWithUnreachableCompute(namespace: string): Promise<{ cast: Cast; cluster: typeof clusters.$inferSelect }> {
  const cast = await createCast();
  await registerTestCluster(cast, 'aks-test', { kubeconfig: unreachableKubeconfig(), allowUnreachable: true });
  const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
  const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'aks-test'));
  await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'k8s-compute', clusterId: cluster.id, namespace, defaultInstanceType: 'defaultinstancetype' });
  return { cast, cluster };
}
