// Clusters from Azure and Azure ML's extension: what needs no real cluster and no reachable ARM — input and settings
// checks, refusals, permissions, dry runs, and an ARM that cannot be reached (the change stays pending, nothing lost).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createCast, call, type Cast } from '@/test/fixtures';
import * as azureExtensionRoute from '@/app/api/v1/clusters/[cluster]/azure-extension/route';
import * as refreshRoute from '@/app/api/v1/clusters/[cluster]/refresh-credentials/route';
import * as fromAzureRoute from '@/app/api/v1/clusters/from-azure/route';
import { clusterAzureExtensions, clusterExtensions, clusters, intents } from '../db/schema';
import { runAction } from '../actions/run';
import { stopLoop } from '../runtime/intents';
import { clusterConnection, getClusterRow } from '../services/clusters';
import { configureArmRetries } from './clients';
import { insertConnection } from './connections';
import { toAzureConfigurationSettings } from '@/lib/extension/settings';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 11).toString('base64');

const SUB = '5a4b3c2d-0000-4000-8000-0000000000cd';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-db`;
let cast: Cast;
const admin = () => cast.users.admin.token;
const db = () => cast.db.db;

beforeAll(async () => {
  cast = await createCast();
  configureArmRetries({ maxRetries: 0, retryDelayInMs: 1, maxRetryDelayInMs: 5 });
  // ARM and the identity provider at an address nobody answers on.
  const conn = await insertConnection(db(), { name: 'unreachable', kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: '00000000-0000-4000-8000-0000000000c1', clientSecret: 'db-test-secret-never-shown', authorityHost: 'https://127.0.0.1:1', armEndpoint: 'https://127.0.0.1:1' }, null);
  // A cluster registered from Azure whose credentials were never stored, and a plain kubeconfig cluster.
  await db().insert(clusters).values({ id: randomUUID(), name: 'aks-db', kind: 'aks', location: 'cloud', connectionMode: 'azure', azureResourceId: AKS_ID, azureConnectionId: conn.id });
  await db().insert(clusters).values({ id: randomUUID(), name: 'plain', kind: 'kubernetes', location: 'on-prem', connectionMode: 'inCluster' });
});

afterAll(async () => {
  stopLoop();
  configureArmRetries(null);
  await cast?.cleanup();
});

const put = (name: string, body: unknown, token = admin(), dryRun = false) =>
  call(azureExtensionRoute.PUT, { token, method: 'PUT', path: `/api/v1/clusters/${name}/azure-extension${dryRun ? '?dryRun=true' : ''}`, params: { cluster: name }, body });

describe('clusters from Azure (no ARM needed)', () => {
  it('a cluster taking its credentials from Azure without stored ones says how to get them', async () => {
    const row = await getClusterRow(db(), 'aks-db');
    expect(() => clusterConnection(row)).toThrow(/gets its credentials from Azure and has none stored: refresh them from Azure \(POST \/api\/v1\/clusters\/aks-db\/refresh-credentials\)/);
  });

  it('checks the input: the resource id must be an AKS or Arc cluster; the connection must exist', async () => {
    const bad = await call(fromAzureRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/clusters/from-azure', body: { connection: 'unreachable', resourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm', name: 'vm', location: 'cloud' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('resourceId');
    const noConn = await call(fromAzureRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/clusters/from-azure', body: { connection: 'nope', resourceId: AKS_ID, name: 'x', location: 'cloud' } });
    expect(noConn.status).toBe(404);
    const unreachable = await call(fromAzureRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/clusters/from-azure', body: { connection: 'unreachable', resourceId: AKS_ID, name: 'x', location: 'cloud' } });
    expect(unreachable.status).toBe(503);
    expect(unreachable.text).not.toContain('db-test-secret-never-shown');
    expect(await db().select().from(clusters).where(eq(clusters.name, 'x'))).toEqual([]);
  });

  it('refreshing credentials is only for clusters registered from Azure', async () => {
    const r = await call(refreshRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/clusters/plain/refresh-credentials', params: { cluster: 'plain' } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/was not registered from Azure/);
  });
});

describe('Azure ML extension through ARM (no ARM needed)', () => {
  it('is refused on a cluster not registered from Azure', async () => {
    const r = await put('plain', { settings: {} });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/was not registered from Azure/);
  });

  it('validates the settings with Harbormaster\'s schema and refuses Harbormaster-only settings', async () => {
    const tlsMissing = await put('aks-db', { settings: { enableInference: true, inferenceRouterServiceType: 'loadBalancer', sslCname: 'x.example.com' } });
    expect(tlsMissing.status).toBe(400);
    expect(tlsMissing.json.errors.map((e: { path: string }) => e.path)).toEqual(['settings.sslSecret']);
    const hmOnly = await put('aks-db', { settings: { imageRegistry: 'mirror.example.com' } });
    expect(hmOnly.status).toBe(400);
    expect(hmOnly.json.errors).toEqual([{ path: 'settings.imageRegistry', message: expect.stringMatching(/Harbormaster's own extension/) }]);
    const unknown = await put('aks-db', { settings: { bogus: 1 } });
    expect(unknown.json.errors[0]).toMatchObject({ path: 'settings.bogus' });
  });

  it('maps the settings to Azure ML\'s configurationSettings', () => {
    expect(
      toAzureConfigurationSettings({ enableTraining: true, enableInference: false, allowInsecureConnections: false, inferenceRouterHA: true, installNvidiaDevicePlugin: false, nodeSelector: { pool: 'gpu' }, routerImage: 'nginx' } as never),
    ).toEqual({ enableTraining: 'True', enableInference: 'False', allowInsecureConnections: 'False', inferenceRouterHA: 'True', installNvidiaDevicePlugin: 'False', 'nodeSelector.pool': 'gpu' });
  });

  it('auditors read the state, only ops admins change it; a dry run records nothing', async () => {
    const seen = await call(azureExtensionRoute.GET, { token: cast.users.auditor.token, path: '/api/v1/clusters/aks-db/azure-extension', params: { cluster: 'aks-db' } });
    expect(seen.status).toBe(200);
    expect(seen.json).toMatchObject({ cluster: 'aks-db', provider: null, state: 'none', installed: false, protectedSettings: [] });
    expect((await put('aks-db', { settings: {} }, cast.users.auditor.token)).status).toBe(403);
    const dry = await put('aks-db', { settings: { enableTraining: true } }, admin(), true);
    expect(dry.status).toBe(200);
    expect(await db().select().from(clusterAzureExtensions)).toEqual([]);
    expect((await getClusterRow(db(), 'aks-db')).extensionProvider).toBeNull();
  });

  it('update and remove need an installed extension', async () => {
    await expect(runAction('clusters.azureExtension.update', { name: 'aks-db', settings: {} }, cast.caller('admin'))).rejects.toMatchObject({ code: 'conflict' });
    await expect(runAction('clusters.azureExtension.remove', { name: 'aks-db' }, cast.caller('admin'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('ARM unreachable: the install is recorded, the intent stays pending (retried), and a second change waits its turn', async () => {
    const r = await put('aks-db', { settings: { enableTraining: true } });
    expect(r.status, r.text).toBe(202);
    expect(r.json.extension).toMatchObject({ provider: 'azureml', operation: 'install', state: 'pending' });
    const row = await getClusterRow(db(), 'aks-db');
    expect(row.extensionProvider).toBe('azureml');
    let intent: typeof intents.$inferSelect | undefined;
    for (let i = 0; i < 50; i++) {
      [intent] = await db().select().from(intents).where(eq(intents.action, 'clusters.azureExtension.install'));
      if (intent?.lastError) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(intent).toMatchObject({ status: 'pending', kind: 'azure.arm' });
    expect(intent!.attempts).toBeGreaterThanOrEqual(1);
    expect(intent!.lastError).toBeTruthy();
    const [rec] = await db().select().from(clusterAzureExtensions);
    expect(rec).toMatchObject({ state: 'pending', operation: 'install' });
    const again = await put('aks-db', { settings: { enableTraining: false } });
    expect(again.status).toBe(409);
    expect(again.json.detail).toMatch(/is in progress/);
    // Harbormaster's own extension is refused while the cluster's provider is Azure ML.
    const hm = await runAction('clusters.extension.install', { name: 'aks-db', settings: {} }, cast.caller('admin')).catch((e) => e);
    expect(hm).toMatchObject({ code: 'conflict', message: expect.stringMatching(/uses Azure ML's extension/) });
  });

  it('Azure ML\'s install is refused while Harbormaster\'s extension is recorded as installed', async () => {
    const id = randomUUID();
    await db().insert(clusters).values({ id, name: 'aks-hm', kind: 'aks', location: 'cloud', connectionMode: 'azure', azureResourceId: AKS_ID.replace('aks-db', 'aks-hm'), azureConnectionId: (await getClusterRow(db(), 'aks-db')).azureConnectionId });
    await db().insert(clusterExtensions).values({ clusterId: id, status: 'installed', version: '1.0.0' });
    const r = await put('aks-hm', { settings: {} });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(/has Harbormaster's ML extension \(installed\)/);
  });
});
