// Clusters from Azure and the real Microsoft.AzureML.Kubernetes extension through ARM, on the local test cluster:
// the ARM stand-in (testbed/arm) serves an AKS cluster whose kubeconfig is the local cluster's, verifies every bearer
// token as a JWT of the local issuer (a service principal with a client secret), and records the extension settings
// it receives. Driven through the console's routes and the one action pipeline; the extension changes run after
// commit as azure.arm intents, polled by the intent loop until ARM's long-running operation ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { CoreV1Api } from '@kubernetes/client-node';
import { startArmStandIn, type ArmStandIn } from '@/testbed/arm/stand-in.mjs';
import { k8sSkipReason, kubeConfig, kubeconfigPath, waitFor } from '@/testbed/test-helpers';
import { createCast, call, type Cast } from '@/test/fixtures';
import { withIssuer, type Issuer } from '@/test/oidc';
import { armK8sSetup, armK8sTeardown } from '@/test/azure';
import * as fromAzureRoute from '@/app/api/v1/clusters/from-azure/route';
import * as refreshRoute from '@/app/api/v1/clusters/[cluster]/refresh-credentials/route';
import * as azureExtensionRoute from '@/app/api/v1/clusters/[cluster]/azure-extension/route';
import * as clusterRoute from '@/app/api/v1/clusters/[cluster]/route';
import * as extensionRoute from '@/app/api/v1/clusters/[cluster]/extension/route';
import * as discoveryRoute from '@/app/api/v1/azure/connections/[name]/clusters/route';
import { createPki, fullChain, type Issued, type Pki } from '../kube/router/test-pki';
import { auditEvents, clusterAzureExtensions, clusterExtensions, clusters, intents } from '../db/schema';
import { runAction } from '../actions/run';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 11).toString('base64');

const SUB = '7d3e5f10-0000-4000-8000-0000000000ab';
const RG = 'rg-ml-k8s';
const AKS = 'aks-westeurope';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}`;
const AKS2_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-second`;
const SP = { clientId: 'b2c3d4e5-0000-4000-8000-00000000a7c1', clientSecret: 'sp-secret-for-arm-Kq2!never-shown' };
const CNAME = 'scoring.contoso.example';
const EXT_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`;

describe.skipIf(k8sSkipReason)('clusters from Azure and Azure ML\'s extension through ARM, on the local cluster', () => {
  let dir: string;
  let cast: Cast;
  let issuer: Issuer;
  let stopIssuer: () => Promise<void>;
  let arm: ArmStandIn;
  let pki: Pki;
  let leaf: Issued;
  let rotated: Issued;
  const bodies: string[] = [];
  const logLines: string[] = [];
  const admin = () => cast.users.admin.token;
  const db = () => cast.db.db;

  async function req(handler: Parameters<typeof call>[0], method: string, p: string, params: Record<string, string>, body?: unknown) {
    const r = await call(handler, { token: admin(), method, path: p, params, body });
    bodies.push(r.text);
    return r;
  }
  const view = async (name: string) => (await req(azureExtensionRoute.GET, 'GET', `/api/v1/clusters/${name}/azure-extension`, { cluster: name })).json;
  /** Until the operation recorded on the cluster ends (the intent loop polls ARM). */
  async function settled(name: string, timeoutMs = 40_000) {
    let last: Record<string, any> = {};
    await waitFor(
      async () => {
        last = await view(name);
        return last.state === 'succeeded' || last.state === 'failed';
      },
      { what: `Azure ML extension operation on ${name} to end`, timeoutMs },
    );
    return last;
  }
  const ext = () => arm.state.extensions.get(EXT_PATH.toLowerCase());
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-clusters-arm-'));
    pki = createPki(path.join(dir, 'pki'));
    leaf = pki.issue('leaf', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    rotated = pki.issue('rotated', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    cast = await createCast();
    ({ issuer, stop: stopIssuer } = await withIssuer({ servicePrincipals: [SP] }));
    const kubeconfig = fs.readFileSync(kubeconfigPath(), 'utf8');
    arm = await startArmStandIn({
      dataDir: path.join(dir, 'arm'),
      log: () => {},
      issuer: { jwksUri: `${issuer.url}/jwks`, ca: issuer.caPem },
      clusters: [
        { kind: 'aks', subscriptionId: SUB, resourceGroup: RG, name: AKS, location: 'westeurope', kubeconfig },
        { kind: 'aks', subscriptionId: SUB, resourceGroup: RG, name: 'aks-second', location: 'northeurope', kubeconfig },
      ],
    });
    await armK8sSetup(cast, logLines, SP, { issuer, arm });
  }, 120_000);

  afterAll(async () => {
    await armK8sTeardown(k8sSkipReason ? undefined : kubeConfig().makeApiClient(CoreV1Api));
    await arm?.close();
    await stopIssuer?.();
    await cast?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the AKS cluster and registers it with credentials fetched from ARM that really reach the cluster', async () => {
    const found = await req(discoveryRoute.GET, 'GET', `/api/v1/azure/connections/sp/clusters?subscription=${SUB}`, { name: 'sp' });
    expect(found.status).toBe(200);
    expect(found.json.items.map((c: { id: string }) => c.id)).toContain(AKS_ID);

    const r = await req(fromAzureRoute.POST, 'POST', '/api/v1/clusters/from-azure', {}, { connection: 'sp', resourceId: AKS_ID, name: 'aks-we', location: 'cloud' });
    expect(r.status, r.text).toBe(201);
    expect(r.json.cluster).toMatchObject({ name: 'aks-we', kind: 'aks', region: 'westeurope', azureResourceId: AKS_ID, extensionProvider: null, connection: { mode: 'azure' } });
    expect(r.json.checks.reachable).toBe(true);
    expect(r.json.checks.version.gitVersion).toMatch(/^v1\./);
    const [row] = await db().select().from(clusters).where(eq(clusters.name, 'aks-we'));
    expect(row).toMatchObject({ connectionMode: 'azure', azureResourceId: AKS_ID, kind: 'aks' });
    expect(row.azureConnectionId).toBeTruthy();
    expect(row.credentialsEnc).toMatch(/^v1:/);
    // The stored (ARM) credentials serve the cluster's pages: the checks again, from the stored row.
    const check = await runAction<{ checks: { reachable: boolean } }>('clusters.check', { name: 'aks-we' }, cast.caller('admin'));
    expect(check.checks.reachable).toBe(true);
    expect(arm.requests().some((q) => q.method === 'POST' && /managedClusters\/aks-westeurope\/listClusterUserCredential$/i.test(q.path) && q.status === 200)).toBe(true);

    const missing = await req(fromAzureRoute.POST, 'POST', '/api/v1/clusters/from-azure', {}, { connection: 'sp', resourceId: AKS_ID.replace(AKS, 'aks-nope'), name: 'nope', location: 'cloud' });
    expect(missing.status).toBe(404);
    expect(missing.json.detail).toMatch(/aks-nope/);
  });

  it('refreshes the credentials from ARM', async () => {
    const [before] = await db().select().from(clusters).where(eq(clusters.name, 'aks-we'));
    arm.clearRequests();
    const r = await req(refreshRoute.POST, 'POST', '/api/v1/clusters/aks-we/refresh-credentials', { cluster: 'aks-we' });
    expect(r.status, r.text).toBe(200);
    expect(r.json.checks.reachable).toBe(true);
    const [after] = await db().select().from(clusters).where(eq(clusters.name, 'aks-we'));
    expect(after.credentialsVersion).toBe(before.credentialsVersion + 1);
    expect(after.connectionMode).toBe('azure');
    expect(arm.requests().filter((q) => /listClusterUserCredential$/i.test(q.path)).map((q) => q.status)).toEqual([200]);
  });

  it('installs Azure ML\'s extension through ARM: settings as configurationSettings, certificate and key as protected settings', async () => {
    const r = await req(azureExtensionRoute.PUT, 'PUT', '/api/v1/clusters/aks-we/azure-extension', { cluster: 'aks-we' }, {
      settings: { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'LoadBalancer', allowInsecureConnections: false, sslCname: CNAME, inferenceRouterHA: false },
      tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem },
    });
    expect(r.status, r.text).toBe(202);
    expect(r.json.extension).toMatchObject({ provider: 'azureml', operation: 'install', protectedSettings: ['scoringFe.sslCert', 'scoringFe.sslKey'], tls: { subject: expect.stringContaining(CNAME) } });
    const done = await settled('aks-we');
    expect(done).toMatchObject({ state: 'succeeded', provisioningState: 'Succeeded', lastError: null, provider: 'azureml', installed: true });
    expect(done.statuses.length).toBeGreaterThan(0);
    expect(done.configurationSettings).toMatchObject({ enableTraining: 'True', enableInference: 'True', inferenceRouterServiceType: 'loadBalancer', allowInsecureConnections: 'False', sslCname: CNAME, inferenceRouterHA: 'False' });

    // What ARM received: the type, train, scope, and the protected settings (base64 PEMs, as the az CLI sends them).
    const got = ext()!;
    expect(got).toMatchObject({ extensionType: 'Microsoft.AzureML.Kubernetes', releaseTrain: 'stable', provisioningState: 'Succeeded' });
    expect(got.protectedSettings).toEqual({ 'scoringFe.sslCert': b64(fullChain(pki, leaf)), 'scoringFe.sslKey': b64(leaf.keyPem) });
    // The stand-in creates the release namespace on the real cluster.
    const ns = await kubeConfig().makeApiClient(CoreV1Api).readNamespace({ name: 'azureml' });
    expect(ns.metadata?.name).toBe('azureml');
    // Stored encrypted only.
    const [rec] = await db().select().from(clusterAzureExtensions);
    expect(rec.protectedEnc).toMatch(/^v1:/);
    expect(JSON.stringify(rec)).not.toContain('PRIVATE KEY');
    // The cluster DTO names the provider.
    const c = await req(clusterRoute.GET, 'GET', '/api/v1/clusters/aks-we', { cluster: 'aks-we' });
    expect(c.json).toMatchObject({ extensionProvider: 'azureml', azureResourceId: AKS_ID, extension: { flavor: 'azureml', status: 'installed' }, azureExtension: { state: 'succeeded', operation: 'install', provisioningState: 'Succeeded', lastError: null } });
  });

  it('refuses Harbormaster\'s extension over Azure ML\'s, and Azure ML\'s over Harbormaster\'s', async () => {
    const hm = await req(extensionRoute.PUT, 'PUT', '/api/v1/clusters/aks-we/extension', { cluster: 'aks-we' }, { settings: { enableTraining: true } });
    expect(hm.status).toBe(409);
    expect(hm.json.detail).toMatch(/uses Azure ML's extension .*never installs its own over it/);

    // A second registration whose Harbormaster extension is recorded as installed.
    const r = await req(fromAzureRoute.POST, 'POST', '/api/v1/clusters/from-azure', {}, { connection: 'sp', resourceId: AKS2_ID, name: 'aks-ne', location: 'cloud', displayName: 'North' });
    expect(r.status, r.text).toBe(201);
    const [row] = await db().select().from(clusters).where(eq(clusters.name, 'aks-ne'));
    await db().insert(clusterExtensions).values({ clusterId: row.id, status: 'installed', version: '1.0.0', settings: { enableTraining: true } });
    await db().update(clusters).set({ extensionProvider: 'harbormaster' }).where(eq(clusters.id, row.id));
    const aml = await req(azureExtensionRoute.PUT, 'PUT', '/api/v1/clusters/aks-ne/azure-extension', { cluster: 'aks-ne' }, { settings: { enableTraining: true } });
    expect(aml.status).toBe(409);
    expect(aml.json.detail).toMatch(/has Harbormaster's ML extension \(installed\): Azure ML's extension is never installed over it/);
    expect(arm.state.extensions.has(EXT_PATH.replace(AKS, 'aks-second').toLowerCase())).toBe(false);
  });

  it('updates the settings (merged by ARM) and replaces the protected settings with a new certificate', async () => {
    const r = await req(azureExtensionRoute.PATCH, 'PATCH', '/api/v1/clusters/aks-we/azure-extension', { cluster: 'aks-we' }, {
      settings: { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'nodePort', allowInsecureConnections: false, sslCname: CNAME, inferenceRouterHA: false, nodeSelector: { pool: 'ml' } },
      tls: { certPem: fullChain(pki, rotated), keyPem: rotated.keyPem },
    });
    expect(r.status, r.text).toBe(202);
    const done = await settled('aks-we');
    expect(done).toMatchObject({ state: 'succeeded', operation: 'update', provisioningState: 'Succeeded' });
    expect(ext()!.configurationSettings).toMatchObject({ inferenceRouterServiceType: 'nodePort', 'nodeSelector.pool': 'ml' });
    expect(ext()!.protectedSettings).toEqual({ 'scoringFe.sslCert': b64(fullChain(pki, rotated)), 'scoringFe.sslKey': b64(rotated.keyPem) });
  });

  it('removes it through ARM; the provider is free again', async () => {
    const r = await req(azureExtensionRoute.DELETE, 'DELETE', '/api/v1/clusters/aks-we/azure-extension', { cluster: 'aks-we' });
    expect(r.status, r.text).toBe(202);
    const done = await settled('aks-we');
    expect(done).toMatchObject({ state: 'succeeded', operation: 'remove', provider: null, installed: false, provisioningState: null });
    expect(ext()).toBeUndefined();
  });

  const install = () =>
    req(azureExtensionRoute.PUT, 'PUT', '/api/v1/clusters/aks-we/azure-extension', { cluster: 'aks-we' }, {
      settings: { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: false, sslCname: CNAME, inferenceRouterHA: false },
      tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem },
    });
  const removeAndWait = async () => {
    await req(azureExtensionRoute.DELETE, 'DELETE', '/api/v1/clusters/aks-we/azure-extension', { cluster: 'aks-we' });
    expect((await settled('aks-we')).state).toBe('succeeded');
  };

  it('403 on the extension PUT: failed, naming the role to assign and the scope', async () => {
    arm.addFault({ kind: 'forbidden', method: 'PUT', path: '/extensions/azureml$' });
    expect((await install()).status).toBe(202);
    const done = await settled('aks-we');
    expect(done.state).toBe('failed');
    expect(done.lastError).toMatch(new RegExp(`Azure refused the action Microsoft\\.KubernetesConfiguration/extensions/write on /subscriptions/${SUB}/.*Assign Kubernetes Extension Contributor .* on /subscriptions/${SUB}/`));
    const [intent] = await db().select().from(intents).where(eq(intents.action, 'clusters.azureExtension.install')).orderBy(intents.seq);
    expect(intent).toBeTruthy();
    const failedAudit = (await db().select().from(auditEvents)).filter((a) => a.action === 'clusters.azureExtension.install' && a.outcome === 'failed');
    // The audit log records the refusal (its message is cut to the log's line length).
    expect(failedAudit.at(-1)?.message).toMatch(/refused the change after it was recorded: service principal .* may not install the Azure ML extension/);
  });

  it('a long-running operation that ends Failed: ARM\'s error verbatim', async () => {
    arm.addFault({ kind: 'lroFail', method: 'PUT', path: '/extensions/azureml$', code: 'ExtensionOperationFailed', message: 'Helm installation failed: timed out waiting for the condition' });
    expect((await install()).status).toBe(202);
    const done = await settled('aks-we');
    expect(done).toMatchObject({ state: 'failed', provisioningState: 'Failed' });
    expect(done.lastError).toMatch(/the operation ended Failed — .*ExtensionOperationFailed.*Helm installation failed: timed out waiting for the condition/);
  });

  it('429 with Retry-After, then success', async () => {
    arm.clearRequests();
    arm.addFault({ kind: 'throttle', method: 'PUT', path: '/extensions/azureml$', retryAfter: 1 });
    expect((await install()).status).toBe(202);
    expect(await settled('aks-we')).toMatchObject({ state: 'succeeded', provisioningState: 'Succeeded' });
    const puts = arm.requests().filter((q) => q.method === 'PUT' && q.path.toLowerCase().endsWith('/extensions/azureml'));
    expect(puts.map((q) => [q.status, q.fault ?? null])).toEqual([[429, 'throttle'], [expect.any(Number), null]]);
    await removeAndWait();
  });

  it('an ARM outage: the intent stays pending and finishes once ARM is back', async () => {
    const id = arm.addFault({ kind: 'outage' });
    expect((await install()).status).toBe(202);
    const [rec] = await db().select().from(clusterAzureExtensions);
    await waitFor(async () => {
      const [i] = (await db().select().from(intents).where(eq(intents.action, 'clusters.azureExtension.install')).orderBy(intents.seq)).slice(-1);
      return i.status === 'pending' && /Azure Resource Manager at .* failed|could not be reached/.test(i.lastError ?? '');
    }, { what: 'the intent waiting for ARM', timeoutMs: 20_000 });
    const during = await view('aks-we');
    expect(during.state).toBe('pending');
    expect(during.lastError).toMatch(/^waiting for Azure: /);
    expect(rec.clusterId).toBeTruthy();
    await arm.removeFault(id);
    const done = await settled('aks-we', 60_000);
    expect(done).toMatchObject({ state: 'succeeded', provisioningState: 'Succeeded', lastError: null });
    await removeAndWait();
  });

  it('never put a protected setting (or the service principal\'s secret) in a response, audit event, intent, record or log line', async () => {
    const audits = JSON.stringify(await db().select().from(auditEvents));
    const intentRows = JSON.stringify(await db().select().from(intents));
    const recs = JSON.stringify(await db().select().from(clusterAzureExtensions));
    const everything = [...bodies, audits, intentRows, recs, logLines.join('\n'), JSON.stringify(arm.requests())].join('\n');
    expect(bodies.length).toBeGreaterThan(20);
    const secrets = [leaf.keyPem, rotated.keyPem, b64(leaf.keyPem), b64(rotated.keyPem), b64(fullChain(pki, leaf)), SP.clientSecret];
    for (const s of secrets) expect(everything).not.toContain(s);
    expect(everything).not.toContain('PRIVATE KEY');
  });
});
