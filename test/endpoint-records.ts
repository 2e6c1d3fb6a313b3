// Online endpoints recorded straight into a test database, as the console records them (keys sealed, normalized
// deployment specs, Service addresses), so a test can feed the inference router from records
// (server/services/router-sync.ts routerEndpoints) without a cluster.
import { eq } from 'drizzle-orm';
import { normalizeDeployment } from '@/lib/aml/online-spec';
import type { Db } from '@/server/db';
import { clusters, computeTargets, onlineDeployments, onlineEndpoints, workspaces } from '@/server/db/schema';
import { sealKeys } from '@/server/services/endpoints';

export interface RecordedDeployment {
  name: string;
  /** "host:port" of its Service; absent: not ready yet. */
  address?: string;
  weight: number;
  mirrorPercent?: number;
  /** A custom container's scoring path (default /score). */
  scoringPath?: string;
  /** request_settings.request_timeout_ms (default Azure ML's 5000). */
  timeoutMs?: number;
}

export interface RecordedEndpoint {
  name: string;
  keys: [string, string];
  deployments: RecordedDeployment[];
}

/** A workspace, cluster and compute target for the records; answers the cluster's id. */
export async function recordCluster(db: Db, name = 'router-test'): Promise<{ clusterId: string; workspaceId: string; computeTargetId: string }> {
  const [ws] = await db.insert(workspaces).values({ name: `${name}-ws`, displayName: name }).returning();
  const [cluster] = await db.insert(clusters).values({ name, kind: 'kubernetes', location: 'on-prem', connectionMode: 'kubeconfig' }).returning();
  const [target] = await db.insert(computeTargets).values({ workspaceId: ws.id, name: 'serving', clusterId: cluster.id, namespace: `${name}-ns` }).returning();
  return { clusterId: cluster.id, workspaceId: ws.id, computeTargetId: target.id };
}

export async function recordEndpoints(db: Db, where: { clusterId: string; workspaceId: string; computeTargetId: string }, eps: RecordedEndpoint[]): Promise<void> {
  for (const ep of eps) {
    const [row] = await db
      .insert(onlineEndpoints)
      .values({
        workspaceId: where.workspaceId,
        computeTargetId: where.computeTargetId,
        clusterId: where.clusterId,
        name: ep.name,
        traffic: Object.fromEntries(ep.deployments.filter((d) => d.weight).map((d) => [d.name, d.weight])),
        mirrorTraffic: Object.fromEntries(ep.deployments.filter((d) => d.mirrorPercent).map((d) => [d.name, d.mirrorPercent!])),
        keysEnc: 'pending',
        provisioningState: 'Succeeded',
      })
      .returning();
    await db.update(onlineEndpoints).set({ keysEnc: sealKeys(row.id, { primaryKey: ep.keys[0], secondaryKey: ep.keys[1] }) }).where(eq(onlineEndpoints.id, row.id));
    for (const d of ep.deployments) {
      const parsed = normalizeDeployment(
        {
          name: d.name,
          environment: { image: 'docker.io/library/python:3.12-slim', ...(d.scoringPath ? { inference_config: { liveness_route: { port: 5001, path: '/' }, readiness_route: { port: 5001, path: '/' }, scoring_route: { port: 5001, path: d.scoringPath } } } : {}) },
          ...(d.timeoutMs ? { request_settings: { request_timeout_ms: d.timeoutMs } } : {}),
        },
        { endpointName: ep.name },
      );
      if (!parsed.ok) throw new Error(`deployment ${d.name}: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      await db.insert(onlineDeployments).values({
        endpointId: row.id,
        name: d.name,
        spec: parsed.spec,
        instanceType: 'defaultinstancetype',
        objectName: `${ep.name}-${d.name}`,
        serviceAddress: d.address ?? null,
        state: d.address ? 'Healthy' : 'Provisioning',
      });
    }
  }
}
