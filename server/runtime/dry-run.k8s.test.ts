// `?dryRun=true` never changes a cluster or the DB (DESIGN §3, §4). The action registry is enumerated like the
// RBAC matrix does: every action that declares cluster effects (clusterEffects: true — the pipeline refuses
// effects from any other) must have a fixture here, is run with dryRun against the local API server, must
// succeed (so the dry run really went through validation and the API server's dry run), and afterwards every
// object on the cluster and every row in the database is as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, uniqueName, waitFor } from '@/testbed/test-helpers';
import { allActions } from '../actions/registry';
import { runAction } from '../actions/run';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { KubeClient } from '../kube/client';
import { kubeConfig } from '@/testbed/test-helpers';
import { installAndWait, purgeAndWait, registerTestCluster } from '../services/clusters.k8s-support';
import { stopLoop } from './intents';
import { azureConnections, clusterAzureExtensions, clusters, workspaceAzureLinks, workspaces } from '../db/schema';

const CLUSTER = 'tb-dryrun';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-dryrun-k8s-'));

/** Kinds Harbormaster creates or deletes anywhere; what changes with status only (generation stays) is compared by spec generation. */
const KINDS: Array<{ path: string; byGeneration?: boolean }> = [
  { path: '/api/v1/namespaces' },
  { path: '/api/v1/configmaps' },
  { path: '/api/v1/secrets' },
  { path: '/api/v1/serviceaccounts' },
  { path: '/api/v1/services' },
  { path: '/api/v1/resourcequotas', byGeneration: true },
  { path: '/apis/networking.k8s.io/v1/networkpolicies' },
  { path: '/apis/rbac.authorization.k8s.io/v1/roles' },
  { path: '/apis/rbac.authorization.k8s.io/v1/rolebindings' },
  { path: '/apis/rbac.authorization.k8s.io/v1/clusterroles' },
  { path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings' },
  { path: '/apis/apps/v1/deployments', byGeneration: true },
  { path: '/apis/apps/v1/daemonsets', byGeneration: true },
  { path: '/apis/policy/v1/poddisruptionbudgets', byGeneration: true },
  { path: '/apis/batch/v1/jobs', byGeneration: true },
  { path: '/apis/autoscaling/v2/horizontalpodautoscalers', byGeneration: true },
  { path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', byGeneration: true },
  { path: '/apis/amlarc.azureml.com/v1alpha1/instancetypes' },
];

type Meta = { uid: string; name: string; namespace?: string; resourceVersion: string; generation?: number; deletionTimestamp?: string; labels?: Record<string, string> };

/**
 * Every object of KINDS, except in namespaces that an earlier suite was already deleting at the first snapshot
 * (`terminating`): their objects vanish on their own while the namespace terminates. Anything else that
 * appears, changes or goes — a namespace a dry run created included — shows.
 */
async function clusterSnapshot(terminating?: Set<string>): Promise<Record<string, string>> {
  const c = new KubeClient(kubeConfig());
  try {
    const out: Record<string, string> = {};
    const namespaces = await c.get<{ items: Array<{ metadata: Meta }> }>('/api/v1/namespaces');
    const skip = terminating ?? new Set(namespaces.items.filter((n) => n.metadata.deletionTimestamp).map((n) => n.metadata.name));
    for (const k of KINDS) {
      const list = await c.get<{ items: Array<{ metadata: Meta }> }>(k.path);
      for (const o of list.items) {
        const m = o.metadata;
        if (skip.has(k.path === '/api/v1/namespaces' ? m.name : (m.namespace ?? ''))) continue;
        // Objects whose status moves on by itself (a running Job, a Deployment's replicas) keep their spec generation.
        const version = k.byGeneration ? `gen ${m.generation} labels ${JSON.stringify(m.labels ?? {})}` : `rv ${m.resourceVersion}`;
        out[`${k.path} ${m.namespace ?? ''}/${m.name}`] = `${m.uid} ${version} ${m.deletionTimestamp ? 'deleting' : ''}`;
      }
    }
    out['(terminating namespaces left out)'] = [...skip].sort().join(',');
    return out;
  } finally {
    c.close();
  }
}

async function dbSnapshot(cast: Cast): Promise<Record<string, string>> {
  const db = cast.db.db;
  const tables = (await db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as unknown as { rows: Array<{ tablename: string }> };
  const out: Record<string, string> = {};
  for (const { tablename } of tables.rows) {
    const r = (await db.execute(sql.raw(`SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${tablename}" t`))) as unknown as { rows: Array<{ n: string; h: string }> };
    out[tablename] = `${r.rows[0].n} ${r.rows[0].h}`;
  }
  return out;
}

describe.skipIf(k8sSkipReason)('?dryRun=true changes nothing, for every action with cluster effects', () => {
  let cast: Cast;
  const jobName = uniqueName('dry-job');
  const sweepName = uniqueName('dry-sweep');
  const ns = uniqueName('hm-dry');
  const endpoint = uniqueName('dry-ep');
  const deployment = (name: string, image = 'python:3.12-slim') => ({ name, environment: { image }, instance_type: 'dry-small' });
  const fixtures: Record<string, () => Record<string, unknown>> = {
    'clusters.extension.install': () => ({ name: CLUSTER, settings: { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'NodePort', allowInsecureConnections: true, inferenceRouterHA: false, installNvidiaDevicePlugin: true }, confirm: true }),
    'clusters.extension.uninstall': () => ({ name: CLUSTER }),
    'compute.attach': () => ({ workspace: 'forecasting', name: 'dry-attach', cluster: CLUSTER, createNamespace: true }),
    'compute.update': () => ({ workspace: 'vision', name: 'dry-target', quota: { cpu: '3', memory: '5Gi' } }),
    'compute.detach': () => ({ workspace: 'vision', name: 'dry-target', force: true, deleteNamespace: true }),
    'instancetypes.apply': () => ({ cluster: CLUSTER, form: { name: 'dry-new', cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi', gpu: '' } }),
    'instancetypes.update': () => ({ cluster: CLUSTER, name: 'dry-small', form: { name: 'dry-small', cpuRequest: '250m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi', gpu: '' } }),
    'instancetypes.delete': () => ({ cluster: CLUSTER, name: 'dry-unused' }),
    'jobs.submit': () => ({ workspace: 'vision', yaml: `name: ${uniqueName('dry-submit')}\ncommand: echo hi\nenvironment: {image: python:3.11-slim}\ncompute: azureml:dry-target\n` }),
    'jobs.cancel': () => ({ workspace: 'vision', name: jobName }),
    'jobs.rerun': () => ({ workspace: 'vision', name: jobName }),
    // A sweep whose only trial was canceled: starting its next trial is due (nothing runs the controller here).
    'sweeps.startTrials': () => ({ workspace: 'vision', name: sweepName }),
    // An endpoint with blue (all traffic) and green (none), served by the router (issue 14).
    'endpoints.create': () => ({ workspace: 'vision', endpoint: { name: uniqueName('dry-new-ep'), compute: 'azureml:dry-serving', auth_mode: 'key' } }),
    'endpoints.update': () => ({ workspace: 'vision', name: endpoint, traffic: { blue: 90, green: 10 } }),
    'endpoints.delete': () => ({ workspace: 'vision', name: endpoint }),
    'endpoints.regenerateKeys': () => ({ workspace: 'vision', name: endpoint, keyType: 'secondary' }),
    'deployments.create': () => ({ workspace: 'vision', endpoint, deployment: deployment('red') }),
    'deployments.update': () => ({ workspace: 'vision', endpoint, name: 'blue', deployment: deployment('blue', 'python:3.13-slim') }),
    'deployments.delete': () => ({ workspace: 'vision', endpoint, name: 'green' }),
    // Azure ML's extension through ARM (ARM is only called after commit, so a dry run needs no ARM here).
    'clusters.azureExtension.install': () => ({ name: 'dry-aks', settings: { enableTraining: true } }),
    'clusters.azureExtension.update': () => ({ name: 'dry-aks-aml', settings: { enableTraining: true, installNvidiaDevicePlugin: true } }),
    'clusters.azureExtension.remove': () => ({ name: 'dry-aks-aml' }),
    // Attach through Azure ML (ARM only after commit): forecasting is linked to an Azure ML workspace of dry-aks's subscription.
    'compute.attachAzure': () => ({ workspace: 'forecasting', name: 'dry-aml', cluster: 'dry-aks' }),
  };

  beforeAll(async () => {
    process.env.HARBORMASTER_DATA_DIR = dataDir;
    process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
    resetEnvCache();
    cast = await createCast();
    const admin = cast.caller('admin');
    await registerTestCluster(cast, CLUSTER);
    // Two AKS registrations from Azure (their credentials are not needed for a dry run), one with Azure ML's extension.
    const aks = (n: string) => `/subscriptions/00000000-0000-4000-8000-0000000000dd/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${n}`;
    await cast.db.db.insert(clusters).values({ name: 'dry-aks', kind: 'aks', location: 'cloud', connectionMode: 'azure', azureResourceId: aks('dry-aks') });
    const [aml] = await cast.db.db.insert(clusters).values({ name: 'dry-aks-aml', kind: 'aks', location: 'cloud', connectionMode: 'azure', azureResourceId: aks('dry-aks-aml'), extensionProvider: 'azureml' }).returning();
    const [conn] = await cast.db.db.insert(azureConnections).values({ name: 'dry-conn', kind: 'managed_identity', tenantId: '72f988bf-0000-4000-8000-00000000c0de' }).returning();
    const [fc] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'forecasting'));
    const mlWs = '/subscriptions/00000000-0000-4000-8000-0000000000dd/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws-dry';
    await cast.db.db.insert(workspaceAzureLinks).values({ workspaceId: fc.id, connectionId: conn.id, subscriptionId: '00000000-0000-4000-8000-0000000000dd', resourceGroup: 'rg', workspaceName: 'ws-dry', armId: mlWs });
    await cast.db.db.insert(clusterAzureExtensions).values({ clusterId: aml.id, operation: 'install', state: 'succeeded', provisioningState: 'Succeeded', configurationSettings: { enableTraining: 'True' } });
    const { ext } = await installAndWait(cast, CLUSTER, { settings: { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'NodePort', allowInsecureConnections: true, inferenceRouterHA: false } });
    expect(ext.status).toBe('installed');
    for (const [name, cpu] of [['dry-small', '500m'], ['dry-unused', '1']] as const) {
      await runAction('instancetypes.apply', { cluster: CLUSTER, form: { name, cpuRequest: cpu, cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi', gpu: '' } }, admin);
    }
    await runAction('compute.attach', { workspace: 'vision', name: 'dry-target', cluster: CLUSTER, namespace: ns, createNamespace: true, defaultInstanceType: 'dry-small', allowedInstanceTypes: ['dry-small', 'defaultinstancetype'], quota: { cpu: '8', memory: '16Gi' } }, admin);
    const r = await runAction<{ status: string }>('jobs.submit', { workspace: 'vision', yaml: `name: ${jobName}\ncommand: sleep 1d\nenvironment: {image: python:3.11-slim}\ncompute: azureml:dry-target\ntags: {harbormaster.io/sim-duration: 1h}\n` }, cast.caller('dsVision'));
    expect(r.status).toBe('Queued');
    await runAction(
      'jobs.submit',
      {
        workspace: 'vision',
        yaml: `name: ${sweepName}\ntype: sweep\ntrial: {command: sleep 1d, environment: {image: python:3.11-slim}}\ncompute: azureml:dry-target\nsearch_space: {x: {type: choice, values: [1, 2, 3]}}\nobjective: {goal: minimize, primary_metric: loss}\nlimits: {max_total_trials: 3, max_concurrent_trials: 1}\ntags: {harbormaster.io/sim-duration: 1h}\n`,
      },
      cast.caller('dsVision'),
    );
    await runAction('jobs.cancel', { workspace: 'vision', name: `${sweepName}_0` }, cast.caller('dsVision'));
    // The endpoint lives on a target of its own: a target that serves endpoints cannot be detached.
    await runAction('compute.attach', { workspace: 'vision', name: 'dry-serving', cluster: CLUSTER, namespace: `${ns}-serving`, createNamespace: true, defaultInstanceType: 'dry-small', allowedInstanceTypes: ['dry-small'] }, admin);
    const ds = cast.caller('dsVision');
    await runAction('endpoints.create', { workspace: 'vision', endpoint: { name: endpoint, compute: 'azureml:dry-serving', auth_mode: 'key' } }, ds);
    for (const d of ['blue', 'green']) await runAction('deployments.create', { workspace: 'vision', endpoint, deployment: deployment(d) }, ds);
    await runAction('endpoints.update', { workspace: 'vision', name: endpoint, traffic: { blue: 100 } }, ds);
    // Let the job's pod settle (scheduled, running), so only a dry run could move anything now.
    await new Promise((res) => setTimeout(res, 3000));
  }, 180_000);

  afterAll(async () => {
    stopLoop();
    if (cast) {
      await runAction('endpoints.delete', { workspace: 'vision', name: endpoint }, cast.caller('dsVision')).catch(() => undefined);
      await runAction('compute.detach', { workspace: 'vision', name: 'dry-serving', force: true, deleteNamespace: true }, cast.caller('admin')).catch(() => undefined);
      await runAction('compute.detach', { workspace: 'vision', name: 'dry-target', force: true, deleteNamespace: true }, cast.caller('admin')).catch(() => undefined);
      await purgeAndWait(cast, CLUSTER).catch(() => undefined);
    }
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('has a fixture for every action that declares cluster effects', () => {
    const withEffects = allActions().filter((a) => a.clusterEffects).map((a) => a.name).sort();
    expect(withEffects.length).toBeGreaterThanOrEqual(10);
    expect(withEffects).toEqual(Object.keys(fixtures).sort());
  });

  it.each(Object.keys(fixtures).sort())('%s with dryRun leaves every cluster object and every DB row as it was', async (name) => {
    const who = /^(jobs|sweeps|endpoints|deployments)\./.test(name) ? cast.caller('dsVision') : cast.caller('admin');
    const cluster0 = await clusterSnapshot();
    const terminating = new Set(cluster0['(terminating namespaces left out)'].split(',').filter(Boolean));
    const db0 = await dbSnapshot(cast);
    const result = await runAction(name, fixtures[name](), who, { dryRun: true });
    expect(result).toBeTruthy();
    // Give anything that might have been started in the background a moment to show itself.
    await new Promise((res) => setTimeout(res, 1500));
    await waitFor(async () => true, { what: 'settle' });
    expect(await dbSnapshot(cast)).toEqual(db0);
    expect(await clusterSnapshot(terminating)).toEqual(cluster0);
  });
});
