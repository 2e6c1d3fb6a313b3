import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import { ENDPOINT_DEFAULTS } from '@/lib/endpoints/spec';
import type { Db, DbOrTx } from '../db';
import { computeTargets, onlineDeployments, onlineEndpoints, workspaces } from '../db/schema';
import { getObject } from '../kube/apply';
import { applyPlan, applySteps, type PlanResult } from '../kube/plan';
import { routerConfigObjects } from '../kube/manifests/extension-router';
import type { RouterEndpoint } from '../kube/router/nginx-config';
import { publish } from '../live/bus';
import { extensionRow, liveCache, type ClusterRow } from './clusters';
import { EXTENSION_VERSION } from '../kube/manifests/extension-common';
import { readKeys } from './endpoints';

// The inference router is fed from the DB (issue 14). Every change of endpoints, deployments, traffic or keys
// enqueues a `router.sync` intent for the cluster (server/runtime/intents.ts carries it out after commit, in
// the request that made the change, and retries it while the cluster is unreachable). Carrying it out reads the
// deployments' Service addresses, renders the configuration from the rows *as they are then* (so syncs that
// queue up behind each other all converge on the latest state), and applies the router's ConfigMap and key
// Secret; nginx in the router pods reloads them in place (server/kube/manifests/extension-router.ts).

const SERVICE_READ_TIMEOUT_MS = 5000;

/** The endpoints a cluster's router serves, from the DB alone (the extension installer renders the same). */
export async function routerEndpoints(db: DbOrTx, clusterId: string): Promise<RouterEndpoint[]> {
  const eps = await db.select().from(onlineEndpoints).where(and(eq(onlineEndpoints.clusterId, clusterId), inArray(onlineEndpoints.provisioningState, ['Creating', 'Updating', 'Succeeded', 'Failed'])));
  if (!eps.length) return [];
  const deps = await db.select().from(onlineDeployments).where(inArray(onlineDeployments.endpointId, eps.map((e) => e.id)));
  return eps.map((e) => {
    const keys = readKeys(e);
    return {
      name: e.name,
      keys: [keys.primaryKey, keys.secondaryKey],
      timeoutMs: ENDPOINT_DEFAULTS.requestTimeoutMs,
      deployments: deps
        .filter((d) => d.endpointId === e.id && d.state !== 'Deleting')
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d) => ({
          name: d.name,
          ...(d.serviceAddress ? { upstream: d.serviceAddress } : {}),
          weight: e.traffic[d.name] ?? 0,
          ...(e.mirrorTraffic[d.name] ? { mirrorPercent: e.mirrorTraffic[d.name] } : {}),
          timeoutMs: d.spec.requestSettings.requestTimeoutMs,
          path: d.spec.codeConfiguration ? ENDPOINT_DEFAULTS.scoringPath : (d.spec.environment.inferenceConfig?.scoringRoute.path ?? ENDPOINT_DEFAULTS.scoringPath),
        })),
    };
  });
}

/** Records each deployment's Service address, ClusterIP:port (the router's upstream), as the cluster has it now. */
async function refreshServiceAddresses(db: Db, cluster: ClusterRow): Promise<void> {
  const rows = await db
    .select({ id: onlineDeployments.id, objectName: onlineDeployments.objectName, serviceAddress: onlineDeployments.serviceAddress, namespace: computeTargets.namespace })
    .from(onlineDeployments)
    .innerJoin(onlineEndpoints, eq(onlineEndpoints.id, onlineDeployments.endpointId))
    .innerJoin(computeTargets, eq(computeTargets.id, onlineEndpoints.computeTargetId))
    .where(eq(onlineEndpoints.clusterId, cluster.id));
  const client = liveCache(cluster).client;
  for (const r of rows) {
    const svc = await getObject<{ spec?: { clusterIP?: string; ports?: Array<{ port?: number }> } }>(client, { apiVersion: 'v1', kind: 'Service', name: r.objectName, namespace: r.namespace }, SERVICE_READ_TIMEOUT_MS);
    const ip = svc?.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? svc.spec.clusterIP : null;
    const port = svc?.spec?.ports?.[0]?.port;
    const address = ip && port ? `${ip.includes(':') ? `[${ip}]` : ip}:${port}` : null;
    if (address !== r.serviceAddress) await db.update(onlineDeployments).set({ serviceAddress: address }).where(eq(onlineDeployments.id, r.id));
  }
}

async function publishEndpoints(db: Db, clusterId: string, names?: string[]) {
  const rows = await db
    .select({ name: onlineEndpoints.name, workspace: workspaces.name })
    .from(onlineEndpoints)
    .innerJoin(workspaces, eq(workspaces.id, onlineEndpoints.workspaceId))
    .where(eq(onlineEndpoints.clusterId, clusterId));
  for (const r of rows) if (!names || names.includes(r.name)) publish(`endpoints:${r.workspace}`, r.name);
}

/**
 * Renders the cluster's router configuration from the DB and applies it. When the cluster has no router (the
 * extension is not installed, or inference is off) there is nothing to apply: the endpoints say why.
 */
export async function syncRouter(db: Db, cluster: ClusterRow): Promise<PlanResult> {
  const ext = await extensionRow(db, cluster.id);
  const settings = ext?.settings as ExtensionSettings | undefined;
  const pending = and(eq(onlineEndpoints.clusterId, cluster.id), inArray(onlineEndpoints.provisioningState, ['Creating', 'Updating']));
  if (!ext || ext.status !== 'installed' || !settings?.enableInference) {
    const why = !ext || ext.status === 'notInstalled' ? `the ML extension is not installed on cluster ${cluster.name}` : ext.status !== 'installed' ? `the ML extension on cluster ${cluster.name} is ${ext.status}` : `inference is not enabled on cluster ${cluster.name} (enableInference=false)`;
    await db.update(onlineEndpoints).set({ provisioningMessage: `${why}: the endpoint is served once the router runs there` }).where(pending);
    await publishEndpoints(db, cluster.id);
    return { ok: true, unreachable: false, verdicts: [] };
  }
  try {
    await refreshServiceAddresses(db, cluster);
  } catch (e) {
    return { ok: false, unreachable: true, verdicts: [], message: `reading the deployments' Services: ${(e as Error).message}` };
  }
  const endpoints = await routerEndpoints(db, cluster.id);
  const { configMap, keysSecret } = routerConfigObjects({ settings, version: ext.version ?? EXTENSION_VERSION, endpoints });
  // Keys first: a configuration that names a new endpoint finds its keys already mounted.
  const result = await applyPlan(liveCache(cluster).client, applySteps([keysSecret, configMap]), { timeoutMs: 8000 });
  if (result.ok) {
    const changed = await db.update(onlineEndpoints).set({ provisioningState: 'Succeeded', provisioningMessage: null, updatedAt: new Date() }).where(pending).returning({ name: onlineEndpoints.name });
    await publishEndpoints(db, cluster.id, changed.length ? undefined : []);
  }
  return result;
}
