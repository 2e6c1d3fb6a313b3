import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { clusters, onlineDeployments, onlineEndpoints } from '../db/schema';
import { syncClusterDeployments } from '../services/endpoint-status';
import { startClusterWatch } from './cluster-watch';

/**
 * The online deployments' status reconciler (leader only): on every change of a cluster's Harbormaster
 * Deployments, pods or events, re-derives the state of each deployment there (server/services/endpoint-status.ts)
 * and records and publishes what changed.
 */
export function startEndpointStatusReconciler(db: Db, opts: { tickMs?: number; debounceMs?: number } = {}): () => void {
  return startClusterWatch(db, {
    name: 'deployment status',
    ...opts,
    topicPrefix: 'deployments:',
    clusters: (d) =>
      d
        .selectDistinct({ c: clusters })
        .from(clusters)
        .innerJoin(onlineEndpoints, eq(onlineEndpoints.clusterId, clusters.id))
        .innerJoin(onlineDeployments, eq(onlineDeployments.endpointId, onlineEndpoints.id))
        .then((rows) => rows.map((r) => r.c)),
    informers: (cache) => [cache.workloadDeployments(), cache.pods(), cache.events()],
    sync: (d, row, cache) => syncClusterDeployments(d, row.id, cache),
  });
}
