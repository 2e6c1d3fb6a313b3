// ARM stand-in against the local test cluster, driven by the real Azure SDK clients: AKS and Arc discovery with
// credentials that really reach the cluster, the Azure ML extension (protected settings never echoed), attach /
// detach as Kubernetes compute, command jobs that run as real Kubernetes Jobs (Completed, Failed, Canceled), and
// every fault switch (429 + Retry-After, 403, 500, outage, a long-running operation that ends Failed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { CommandJob, Kubernetes } from '@azure/arm-machinelearning';
import { k8sSkipReason, kubeConfig, kubeconfigPath, testNamespace, waitFor } from '../test-helpers';
import { startArmStandIn, type ArmStandIn } from './stand-in.mjs';
import { armClients, removeStandInNamespaces, standInRequest, type ArmClients } from './test-clients';

const SUB = '6c1b7e0a-0000-4000-8000-0000000000aa';
const RG = 'rg-ml-k8s';
const ARC_RG = 'rg-edge';
const WS = 'ws-k8s';
const AKS = 'aks-westeurope';
const ARC = 'arc-factory';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}`;
const ARC_ID = `/subscriptions/${SUB}/resourceGroups/${ARC_RG}/providers/Microsoft.Kubernetes/connectedClusters/${ARC}`;
const SECRET_CERT = 'PROTECTED-CERT-4c9d1f0e-never-echoed';
const SECRET_KEY = 'PROTECTED-KEY-7a2b3c4d-never-echoed';
const SECRET_KEY_2 = 'PROTECTED-KEY-ROTATED-91e8-never-echoed';
const AML_EXTENSION = {
  extensionType: 'Microsoft.AzureML.Kubernetes',
  releaseTrain: 'stable',
  autoUpgradeMinorVersion: true,
  scope: { cluster: { releaseNamespace: 'azureml' } },
  configurationSettings: { enableTraining: 'True', enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer', allowInsecureConnections: 'False', inferenceRouterHA: 'False', sslCname: 'scoring.contoso.example' },
  configurationProtectedSettings: { sslCertPemFile: SECRET_CERT, sslKeyPemFile: SECRET_KEY },
};

describe.skipIf(k8sSkipReason)('ARM stand-in on the local cluster, through the real Azure SDK clients', () => {
  const ns = testNamespace('arm-aml');
  let dataDir: string;
  let standIn: ArmStandIn;
  let arm: ArmClients;
  let noRetry: ArmClients;
  const computeProps = (): Kubernetes => ({
    computeType: 'Kubernetes',
    resourceId: AKS_ID,
    properties: {
      namespace: ns.name,
      defaultInstanceType: 'cpu-small',
      instanceTypes: {
        'cpu-small': { nodeSelector: null as unknown as Record<string, string>, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
      },
    },
  });
  const commandJob = (command: string, extra: Partial<CommandJob> = {}): { properties: CommandJob } => ({
    properties: {
      jobType: 'Command',
      command,
      environmentId: 'azureml:AzureML-sklearn-1.5@latest',
      computeId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/computes/k8s-a`,
      resources: { instanceType: 'cpu-small', instanceCount: 1 },
      ...extra,
    },
  });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm-stand-in-k8s-'));
    const kubeconfig = fs.readFileSync(kubeconfigPath(), 'utf8');
    standIn = await startArmStandIn({
      dataDir,
      pageSize: 2,
      environments: { 'azureml:AzureML-sklearn-1.5@latest': 'mcr.microsoft.com/azureml/curated/sklearn-1.5:latest' },
      workspaces: [{ subscriptionId: SUB, resourceGroup: RG, name: WS, location: 'westeurope' }],
      clusters: [
        { kind: 'aks', subscriptionId: SUB, resourceGroup: RG, name: AKS, location: 'westeurope', kubeconfig },
        { kind: 'aks', subscriptionId: SUB, resourceGroup: 'rg-other', name: 'aks-other', location: 'eastus', kubeconfig },
        { kind: 'aks', subscriptionId: SUB, resourceGroup: 'rg-other', name: 'aks-third', location: 'eastus', kubeconfig },
        { kind: 'arc', subscriptionId: SUB, resourceGroup: ARC_RG, name: ARC, location: 'westeurope', kubeconfig },
      ],
    });
    arm = armClients(standIn, SUB);
    noRetry = armClients(standIn, SUB, { maxRetries: 0 });
  });
  afterAll(async () => {
    await standIn?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (!k8sSkipReason) await removeStandInNamespaces(kubeConfig().makeApiClient(CoreV1Api));
  });

  async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  }

  /** Proves the kubeconfig ARM returned reaches the real cluster. */
  async function namespacesWith(kubeconfigBytes: Uint8Array): Promise<string[]> {
    const kc = new KubeConfig();
    kc.loadFromString(Buffer.from(kubeconfigBytes).toString('utf8'));
    return (await kc.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata!.name!);
  }

  it('discovers AKS clusters (list over pages, by resource group, get) and fetches a user kubeconfig that works', async () => {
    const all = await collect(arm.aks.managedClusters.list());
    expect(all.map((c) => c.name).sort()).toEqual(['aks-other', AKS, 'aks-third'].sort());
    const byRg = await collect(arm.aks.managedClusters.listByResourceGroup(RG));
    expect(byRg.map((c) => c.id)).toEqual([AKS_ID]);
    const aks = await arm.aks.managedClusters.get(RG, AKS);
    // arm-containerservice 25.x flattens `properties` into the model.
    expect(aks).toMatchObject({ id: AKS_ID, location: 'westeurope', provisioningState: 'Succeeded', kubernetesVersion: expect.stringMatching(/^1\.\d+\.\d+$/) });
    expect(aks.agentPoolProfiles?.[0]?.count).toBeGreaterThan(0);

    const creds = await arm.aks.managedClusters.listClusterUserCredentials(RG, AKS);
    expect(creds.kubeconfigs?.map((k) => k.name)).toEqual(['clusterUser']);
    const yaml = Buffer.from(creds.kubeconfigs![0].value!).toString('utf8');
    expect(yaml).toContain(`current-context: ${AKS}`);
    expect(yaml).toContain(`clusterUser_${RG}_${AKS}`);
    expect(await namespacesWith(creds.kubeconfigs![0].value!)).toContain(ns.name);
    const log = standIn.requests().find((r) => r.method === 'POST' && r.path.endsWith('/listClusterUserCredential'));
    expect(log).toMatchObject({ apiVersion: '2026-04-01', status: 200 });
  });

  it('discovers Arc connected clusters (lower-case resourcegroups routes) and returns a direct kubeconfig', async () => {
    const bySub = await collect(arm.arc.connectedClusterOperations.listBySubscription());
    expect(bySub.map((c) => c.id)).toEqual([ARC_ID]);
    const byRg = await collect(arm.arc.connectedClusterOperations.listByResourceGroup(ARC_RG));
    expect(byRg.map((c) => c.name)).toEqual([ARC]);
    const arc = await arm.arc.connectedClusterOperations.get(ARC_RG, ARC);
    expect(arc).toMatchObject({ connectivityStatus: 'Connected', provisioningState: 'Succeeded', distribution: 'generic' });
    expect(arc.totalNodeCount).toBeGreaterThan(0);
    const creds = await arm.arc.connectedClusterOperations.listClusterUserCredential(ARC_RG, ARC, { authenticationMethod: 'Token', clientProxy: false });
    expect(await namespacesWith(creds.kubeconfigs![0].value!)).toContain(ns.name);
    expect(standIn.requests().some((r) => r.path.includes('/resourcegroups/') && r.apiVersion === '2021-10-01')).toBe(true);
  });

  it('refuses to attach a cluster that has no Azure ML extension', async () => {
    const attempt = arm.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'k8s-arc', { location: 'westeurope', properties: { ...computeProps(), resourceId: ARC_ID } }, { updateIntervalInMs: 10 });
    await expect(attempt).rejects.toMatchObject({ statusCode: 400, code: 'BadRequest', message: expect.stringContaining('Microsoft.AzureML.Kubernetes extension is not installed') });
  });

  it('installs the Azure ML extension as a long-running operation; protected settings are recorded, never returned', async () => {
    const created = await arm.extensions.extensions.beginCreateAndWait(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml', AML_EXTENSION, { updateIntervalInMs: 10 });
    expect(created).toMatchObject({ provisioningState: 'Succeeded', extensionType: 'Microsoft.AzureML.Kubernetes', configurationSettings: AML_EXTENSION.configurationSettings });
    expect(created.configurationProtectedSettings ?? {}).toEqual({});
    expect(created.statuses?.[0]).toMatchObject({ level: 'Information', displayStatus: 'Deployed' });
    // The operation was polled at least twice (InProgress, then Succeeded) before the final GET.
    const polls = standIn.requests().filter((r) => /\/extensions\/azureml\/operations\//.test(r.path));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    // Its release namespace was made on the real cluster.
    await kubeConfig().makeApiClient(CoreV1Api).readNamespace({ name: 'azureml' });

    const recorded = [...standIn.state.extensions.values()].find((e) => e.name === 'azureml')!;
    expect(recorded.protectedSettings).toEqual({ sslCertPemFile: SECRET_CERT, sslKeyPemFile: SECRET_KEY });

    const got = await arm.extensions.extensions.get(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml');
    expect(got.configurationProtectedSettings ?? {}).toEqual({});
    const listed = await collect(arm.extensions.extensions.list(RG, 'Microsoft.ContainerService', 'managedClusters', AKS));
    expect(listed.map((e) => e.name)).toEqual(['azureml']);

    // Update: settings merge, protected settings are replaced wholesale.
    const updated = await arm.extensions.extensions.beginUpdateAndWait(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml',
      { configurationSettings: { inferenceRouterHA: 'True' }, configurationProtectedSettings: { sslKeyPemFile: SECRET_KEY_2 } }, { updateIntervalInMs: 10 });
    expect(updated.provisioningState).toBe('Succeeded');
    expect(updated.configurationSettings).toMatchObject({ inferenceRouterHA: 'True', enableTraining: 'True' });
    expect(recorded.protectedSettings).toEqual({ sslKeyPemFile: SECRET_KEY_2 });

    // The extension operation-status route the SDK also exposes.
    const opId = polls[0].path.split('/').pop()!;
    const status = await arm.extensions.operationStatus.get(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml', opId);
    expect(status.status).toBe('Succeeded');

    // What an out-of-process test sees: names and digests only.
    const viaAdmin = await standInRequest(standIn, 'GET', '/__standin/extensions');
    expect(viaAdmin.json.value[0]).toMatchObject({ protectedSettingNames: ['sslKeyPemFile'], protectedSettingsSha256: { sslKeyPemFile: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.stringify(viaAdmin.json)).not.toContain(SECRET_KEY_2);
  });

  it('installs, lists and removes an extension on the Arc cluster', async () => {
    const monitor = { extensionType: 'azuremonitor-containers', releaseTrain: 'Stable', configurationSettings: { 'omsagent.env.clusterName': ARC }, configurationProtectedSettings: { 'omsagent.secret.key': SECRET_KEY } };
    await arm.extensions.extensions.beginCreateAndWait(ARC_RG, 'Microsoft.Kubernetes', 'connectedClusters', ARC, 'monitor', monitor, { updateIntervalInMs: 10 });
    const listed = await collect(arm.extensions.extensions.list(ARC_RG, 'Microsoft.Kubernetes', 'connectedClusters', ARC));
    expect(listed.map((e) => [e.name, e.provisioningState])).toEqual([['monitor', 'Succeeded']]);
    await arm.extensions.extensions.beginDeleteAndWait(ARC_RG, 'Microsoft.Kubernetes', 'connectedClusters', ARC, 'monitor', { forceDelete: false, updateIntervalInMs: 10 });
    await expect(arm.extensions.extensions.get(ARC_RG, 'Microsoft.Kubernetes', 'connectedClusters', ARC, 'monitor')).rejects.toMatchObject({ statusCode: 404 });
    const del = standIn.requests().find((r) => r.method === 'DELETE' && r.path.endsWith('/extensions/monitor'));
    expect(del).toMatchObject({ status: 202, apiVersion: '2023-05-01' });
  });

  it('attaches the AKS cluster as Kubernetes compute (LRO: Creating → Succeeded) and lists and gets it', async () => {
    const poller = await arm.ml.computeOperations.beginCreateOrUpdate(RG, WS, 'k8s-a', { location: 'westeurope', properties: computeProps() }, { updateIntervalInMs: 10 });
    // The SDK polled once (InProgress); the resource shows the operation under way.
    expect(((await arm.ml.computeOperations.get(RG, WS, 'k8s-a')).properties as Kubernetes).provisioningState).toBe('Creating');
    const compute = await poller.pollUntilDone();
    const props = compute.properties as Kubernetes;
    expect(props).toMatchObject({ computeType: 'Kubernetes', provisioningState: 'Succeeded', isAttachedCompute: true, resourceId: AKS_ID });
    expect(props.properties).toMatchObject({ namespace: ns.name, defaultInstanceType: 'cpu-small', extensionInstanceReleaseTrain: 'stable' });
    expect(props.properties?.relayConnectionString ?? null).toBeNull();
    expect(compute.id).toBe(`/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/computes/k8s-a`);
    expect(compute.type).toBe('Microsoft.MachineLearningServices/workspaces/computes');
    const listed = await collect(arm.ml.computeOperations.list(RG, WS));
    expect(listed.map((c) => c.name)).toEqual(['k8s-a']);
    expect(((await arm.ml.computeOperations.get(RG, WS, 'k8s-a')).properties as Kubernetes).createdOn).toBeInstanceOf(Date);
    const put = standIn.requests().find((r) => r.method === 'PUT' && r.path.endsWith('/computes/k8s-a'));
    expect(put).toMatchObject({ status: 201, apiVersion: '2022-10-01' });

    // The wire protocol itself: PUT again (200, absolute Azure-AsyncOperation, Retry-After: 0), InProgress, then Succeeded.
    const computePath = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/computes/k8s-a`;
    const again = await standInRequest(standIn, 'PUT', `${computePath}?api-version=2022-10-01`, { body: { location: 'westeurope', properties: computeProps() } });
    expect([again.status, again.json.properties.provisioningState, again.headers['retry-after']]).toEqual([200, 'Updating', '0']);
    const statusUrl = String(again.headers['azure-asyncoperation']);
    expect(statusUrl.startsWith(`${standIn.url}/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/computeOperationsStatus/`)).toBe(true);
    const statusPath = statusUrl.slice(standIn.url.length);
    expect((await standInRequest(standIn, 'GET', statusPath)).json.status).toBe('InProgress');
    expect((await standInRequest(standIn, 'GET', statusPath)).json).toMatchObject({ status: 'Succeeded', endTime: expect.any(String) });
    expect((await standInRequest(standIn, 'GET', `${computePath}?api-version=2022-10-01`)).json.properties.provisioningState).toBe('Succeeded');
  });

  it('runs a command job as a real Kubernetes Job on the attached cluster until Completed', async () => {
    const created = await arm.ml.jobs.createOrUpdate(RG, WS, 'train-ok', commandJob('echo training; sleep 1', { environmentVariables: { EPOCHS: '3' }, displayName: 'Train OK' }));
    expect(created.properties).toMatchObject({ jobType: 'Command', status: 'NotStarted', displayName: 'Train OK' });
    const seen = new Set<string>();
    await waitFor(async () => {
      const j = await arm.ml.jobs.get(RG, WS, 'train-ok');
      seen.add(j.properties.status!);
      return j.properties.status === 'Completed';
    }, { what: 'job train-ok Completed', timeoutMs: 60_000, intervalMs: 250 });
    expect([...seen].some((s) => ['Queued', 'Preparing', 'Running'].includes(s))).toBe(true);

    const job = standIn.state.jobs.get(`/subscriptions/${SUB}/resourcegroups/${RG}/providers/microsoft.machinelearningservices/workspaces/${WS}/jobs/train-ok`.toLowerCase())!;
    const k = await kubeConfig().makeApiClient(BatchV1Api).readNamespacedJob({ name: job.k8sName, namespace: ns.name });
    const container = k.spec!.template.spec!.containers[0];
    expect(container).toMatchObject({
      image: 'mcr.microsoft.com/azureml/curated/sklearn-1.5:latest',
      command: ['/bin/sh', '-c', 'echo training; sleep 1'],
      env: [{ name: 'EPOCHS', value: '3' }],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    });
  });

  it('reports Failed when the pod fails, and pages through jobs with absolute nextLinks', async () => {
    await arm.ml.jobs.createOrUpdate(RG, WS, 'train-fails', commandJob('exit 3', { properties: { 'harbormaster.io/sim-exit-code': '3', 'harbormaster.io/sim-duration': '1s' } }));
    await waitFor(async () => (await arm.ml.jobs.get(RG, WS, 'train-fails')).properties.status === 'Failed', { what: 'job train-fails Failed', timeoutMs: 60_000, intervalMs: 250 });
    await arm.ml.jobs.createOrUpdate(RG, WS, 'train-third', commandJob('echo third'));
    const all = await collect(arm.ml.jobs.list(RG, WS));
    expect(all.map((j) => j.name).sort()).toEqual(['train-fails', 'train-ok', 'train-third']);
    const pages = standIn.requests().filter((r) => r.method === 'GET' && r.path.endsWith(`/workspaces/${WS}/jobs`));
    expect(pages.length).toBeGreaterThanOrEqual(2);
  });

  it('cancels a running job: POST …/cancel as an LRO, the Kubernetes Job is deleted, status Canceled', async () => {
    await arm.ml.jobs.createOrUpdate(RG, WS, 'train-long', commandJob('sleep 600', { properties: { 'harbormaster.io/sim-duration': '600s' } }));
    await waitFor(async () => (await arm.ml.jobs.get(RG, WS, 'train-long')).properties.status === 'Running', { what: 'job train-long Running', timeoutMs: 60_000, intervalMs: 250 });
    await arm.ml.jobs.beginCancelAndWait(RG, WS, 'train-long', { updateIntervalInMs: 10 });
    expect((await arm.ml.jobs.get(RG, WS, 'train-long')).properties.status).toBe('Canceled');
    const job = [...standIn.state.jobs.values()].find((j) => j.name === 'train-long')!;
    await waitFor(async () => {
      try {
        await kubeConfig().makeApiClient(BatchV1Api).readNamespacedJob({ name: job.k8sName, namespace: ns.name });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    }, { what: 'Kubernetes Job deleted', timeoutMs: 30_000 });
    const cancel = standIn.requests().filter((r) => r.path.includes('/jobs/train-long/cancel') || r.path.includes('mfeOperation'));
    expect(cancel.map((r) => r.status)).toEqual(expect.arrayContaining([202, 200]));
  });

  it('429: the SDK waits for Retry-After, then succeeds (fault set through the admin route)', async () => {
    const set = await standInRequest(standIn, 'POST', '/__standin/faults', { body: { kind: 'throttle', method: 'GET', path: `/workspaces/${WS}$`, retryAfter: 1, count: 1 } });
    expect(set.status).toBe(201);
    const t0 = Date.now();
    expect((await arm.ml.workspaces.get(RG, WS)).name).toBe(WS);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const tries = standIn.requests().filter((r) => r.path.endsWith(`/workspaces/${WS}`)).slice(-2);
    expect(tries.map((r) => [r.status, r.fault ?? null])).toEqual([[429, 'throttle'], [200, null]]);
  });

  it('403: AuthorizationFailed names the action and the scope', async () => {
    standIn.addFault({ kind: 'forbidden', method: 'PUT', path: '/computes/k8s-denied$' });
    const attempt = arm.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'k8s-denied', { location: 'westeurope', properties: computeProps() }, { updateIntervalInMs: 10 });
    await expect(attempt).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringMatching(/perform action 'Microsoft\.MachineLearningServices\/workspaces\/computes\/write' over scope '\/subscriptions\/.*\/computes\/k8s-denied'/),
    });
  });

  it('500: retried by the SDK when transient, surfaced when it persists', async () => {
    standIn.addFault({ kind: 'error', method: 'GET', path: '/managedClusters/aks-westeurope$', count: 1 });
    expect((await arm.aks.managedClusters.get(RG, AKS)).name).toBe(AKS);
    standIn.addFault({ kind: 'error', method: 'GET', path: '/managedClusters/aks-westeurope$', count: 1 });
    await expect(noRetry.aks.managedClusters.get(RG, AKS)).rejects.toMatchObject({ statusCode: 500, code: 'InternalServerError' });
  });

  it('outage: 503 for every request, connection reset, connection refused; all clear afterwards', async () => {
    const id = standIn.addFault({ kind: 'outage' });
    await expect(noRetry.subscriptions.subscriptions.get(SUB)).rejects.toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    await expect(noRetry.ml.workspaces.get(RG, WS)).rejects.toMatchObject({ statusCode: 503 });
    await standIn.removeFault(id);

    standIn.addFault({ kind: 'outage', mode: 'reset' });
    await expect(noRetry.ml.workspaces.get(RG, WS)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|REQUEST_SEND_ERROR/) });
    await standIn.clearFaults();

    standIn.addFault({ kind: 'outage', mode: 'refuse' });
    await waitFor(async () => {
      try {
        await noRetry.ml.workspaces.get(RG, WS);
        return false;
      } catch (err) {
        return /ECONNREFUSED/.test(`${(err as { code?: string }).code} ${(err as Error).message}`);
      }
    }, { what: 'connection refused', timeoutMs: 10_000 });
    await standIn.clearFaults();
    expect((await arm.ml.workspaces.get(RG, WS)).name).toBe(WS);
  });

  it('a long-running operation that ends Failed surfaces its error, and the resource shows it', async () => {
    standIn.addFault({ kind: 'lroFail', method: 'PUT', path: '/extensions/flux$', code: 'ExtensionOperationFailed', message: 'Helm installation failed: timed out waiting for the condition' });
    const ext = arm.extensions.extensions.beginCreateAndWait(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'flux', { extensionType: 'microsoft.flux' }, { updateIntervalInMs: 10 });
    await expect(ext).rejects.toThrow(/ExtensionOperationFailed.*Helm installation failed: timed out waiting for the condition/);
    const failed = await arm.extensions.extensions.get(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'flux');
    expect(failed).toMatchObject({ provisioningState: 'Failed', errorInfo: { code: 'ExtensionOperationFailed' } });

    standIn.addFault({ kind: 'lroFail', method: 'PUT', path: '/computes/k8s-b$', code: 'ComputeAttachFailed', message: 'Cluster is unreachable' });
    const attach = arm.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'k8s-b', { location: 'westeurope', properties: computeProps() }, { updateIntervalInMs: 10 });
    await expect(attach).rejects.toThrow(/ComputeAttachFailed.*Cluster is unreachable/);
    const compute = (await arm.ml.computeOperations.get(RG, WS, 'k8s-b')).properties as Kubernetes;
    expect(compute.provisioningState).toBe('Failed');
    expect(compute.provisioningErrors?.[0]?.error).toMatchObject({ code: 'ComputeAttachFailed', message: 'Cluster is unreachable' });
  });

  it('detaches the compute (DELETE with underlyingResourceAction=Detach as an LRO) and removes the extension', async () => {
    await arm.ml.computeOperations.beginDeleteAndWait(RG, WS, 'k8s-a', 'Detach', { updateIntervalInMs: 10 });
    await expect(arm.ml.computeOperations.get(RG, WS, 'k8s-a')).rejects.toMatchObject({ statusCode: 404 });
    const del = standIn.requests().find((r) => r.method === 'DELETE' && r.path.endsWith('/computes/k8s-a'));
    expect(del?.status).toBe(202);
    await arm.extensions.extensions.beginDeleteAndWait(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml', { updateIntervalInMs: 10 });
    await expect(arm.extensions.extensions.get(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('never put a protected setting in any response body or in the request log', () => {
    const everything = [...arm.bodies, ...noRetry.bodies, JSON.stringify(standIn.requests())].join('\n');
    expect(arm.bodies.length).toBeGreaterThan(20);
    for (const secret of [SECRET_CERT, SECRET_KEY, SECRET_KEY_2]) expect(everything).not.toContain(secret);
  });
});
