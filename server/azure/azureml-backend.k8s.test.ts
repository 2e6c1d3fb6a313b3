// The azureml backend end to end on the local cluster through the ARM stand-in (which plays Azure ML: a command job
// on an attached Kubernetes compute becomes a real Kubernetes Job there): link a workspace, attach a registered AKS
// cluster as Kubernetes compute (refused first without the Azure ML extension, with Harbormaster's explanation),
// submit jobs that Azure ML runs (Completed, Canceled with their Kubernetes Job gone), detach; and the failure
// switches: an attach whose long-running operation ends Failed, 429 on jobs.get, 403 on submit, an ARM outage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startArmStandIn, type ArmStandIn } from '@/testbed/arm/stand-in.mjs';
import { removeStandInNamespaces } from '@/testbed/arm/test-clients';
import { k8sSkipReason, kubeconfigPath, kubeConfig, testNamespace, waitFor } from '@/testbed/test-helpers';
import { createCast, type Cast } from '@/test/fixtures';
import { withIssuer, type Issuer } from '@/test/oidc';
import * as attachRoute from '@/app/api/v1/workspaces/[workspace]/compute/azure/route';
import { call } from '@/test/fixtures';
import { clusters, computeTargets, intents, jobs, jobTransitions } from '../db/schema';
import { runAction } from '../actions/run';
import type { AppError } from '../errors';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import { startAzureMlStatusPoller } from '../runtime/azureml-status';
import { registerTestCluster } from '../services/clusters.k8s-support';
import { listComputeTargetViews } from '../services/compute-targets-view';
import { jobDetail } from '../services/job-detail';
import { jobLogs } from '../services/job-logs';
import { armClients, configureArmRetries } from './clients';
import { credentialFor } from './credentials';
import { getConnection } from './connections';

/** A promise that must reject: its error. */
const refused = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: unknown) => e as AppError & { statusCode?: number });

const SUB = '6c1b7e0a-0000-4000-8000-0000000000bb';
const RG = 'rg-ml';
const WS = 'ws-vision';
const AKS = 'aks-aml';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}`;
const SP = { clientId: 'a1b2c3d4-0000-4000-8000-00000000a3c1', clientSecret: 'sp-secret-aml-never-shown' };
const CLUSTER = 'tb-azureml';

describe.skipIf(k8sSkipReason)('azureml backend: compute attached through ARM, jobs run by Azure ML on the local cluster', () => {
  const ns = testNamespace('aml-jobs');
  let dir: string;
  let cast: Cast;
  let issuer: Issuer;
  let stopIssuer: () => Promise<void>;
  let arm: ArmStandIn;
  let stopPoller: () => void;
  const db = () => cast.db.db;
  const admin = () => cast.caller('admin');
  const jobRow = async (name: string) => (await db().select().from(jobs).where(eq(jobs.name, name)).limit(1))[0];
  const submit = (name: string, command: string, properties: Record<string, string> = {}) =>
    runAction<{ uid: string; status: string }>('jobs.submit', { workspace: 'vision', job: { name, command, environment: { image: 'busybox:1.36' }, compute: 'azureml:aml1', properties } }, cast.caller('dsVision'));
  const armJob = async (name: string) => (await mlClient()).jobs.get(RG, WS, name);
  const mlClient = async () => armClients(await getConnection(db(), 'aml'), credentialFor(await getConnection(db(), 'aml'), { db: db() })).ml(SUB);
  const kubeJobsOf = async (armJobName: string) => {
    const list = await kubeConfig().makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns.name });
    return list.items.filter((j) => j.metadata?.annotations?.['ml.azure.com/job-id']?.endsWith(`/jobs/${armJobName}`));
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-azureml-'));
    cast = await createCast();
    ({ issuer, stop: stopIssuer } = await withIssuer({ servicePrincipals: [SP] }));
    arm = await startArmStandIn({
      dataDir: path.join(dir, 'arm'),
      log: () => {},
      issuer: { jwksUri: `${issuer.url}/jwks`, ca: issuer.caPem },
      workspaces: [{ subscriptionId: SUB, resourceGroup: RG, name: WS, location: 'westeurope' }],
      clusters: [{ kind: 'aks', subscriptionId: SUB, resourceGroup: RG, name: AKS, location: 'westeurope', kubeconfig: fs.readFileSync(kubeconfigPath(), 'utf8') }],
    });
    configureArmRetries({ retryDelayInMs: 5, maxRetryDelayInMs: 20 });
    await runAction('azureConnections.create', { name: 'aml', kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: SP.clientId, clientSecret: SP.clientSecret, authorityHost: issuer.url, armEndpoint: arm.url, caPem: `${arm.caPem}\n${issuer.caPem}` }, admin());
    await runAction('workspaces.linkAzure', { workspace: 'vision', connection: 'aml', subscriptionId: SUB, resourceGroup: RG, workspaceName: WS }, admin());
    // The cluster, registered as the existing tests do, with its Azure resource id.
    await registerTestCluster(cast, CLUSTER);
    await db().update(clusters).set({ azureResourceId: AKS_ID }).where(eq(clusters.name, CLUSTER));
    stopPoller = startAzureMlStatusPoller(db(), { tickMs: 250 });
  }, 120_000);

  afterAll(async () => {
    stopPoller?.();
    stopLoop();
    configureArmRetries(null);
    await arm?.close();
    await stopIssuer?.();
    if (!k8sSkipReason) await removeStandInNamespaces(kubeConfig().makeApiClient(CoreV1Api));
    dropAllClusterCaches();
    await cast?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to attach without the Azure ML extension: ARM’s error verbatim on the target plus the explanation; a detach clears it', async () => {
    const err = await refused(runAction('compute.attachAzure', { workspace: 'vision', name: 'aml0', cluster: CLUSTER, namespace: ns.name }, admin()));
    expect(err.message).toMatch(/Microsoft\.AzureML\.Kubernetes extension is not installed/);
    expect(err.message).toMatch(/install it on the cluster page/);
    const t = (await listComputeTargetViews(db(), 'vision')).items.find((x) => x.name === 'aml0')!;
    expect(t).toMatchObject({ backend: 'azureml', azureState: { provisioningState: 'Failed', explanation: expect.stringMatching(/no Azure ML extension/) } });
    expect(t.azureState!.error).toMatch(/^BadRequest: Cannot attach Kubernetes cluster/);
    await runAction('compute.detach', { workspace: 'vision', name: 'aml0' }, admin());
    expect(await db().select().from(computeTargets).where(eq(computeTargets.name, 'aml0'))).toHaveLength(0);
  }, 60_000);

  it('validates the workspace link, the cluster’s Azure id and the compute name before anything is recorded', async () => {
    const e1 = await refused(runAction('compute.attachAzure', { workspace: 'forecasting', name: 'aml9', cluster: CLUSTER }, admin()));
    expect(e1.message).toMatch(/not linked to an Azure ML workspace/);
    const e2 = await refused(runAction('compute.attachAzure', { workspace: 'vision', name: 'aml-', cluster: CLUSTER }, admin()));
    expect(e2.fieldErrors?.[0]?.path).toBe('name');
  });

  it('attaches through ARM (POST …/compute/azure): the stand-in shows the Kubernetes compute Succeeded', async () => {
    // The Azure ML extension, installed through the stand-in's ARM API directly (as the extension feature would).
    const conn = await getConnection(db(), 'aml');
    const ext = armClients(conn, credentialFor(conn, { db: db() })).extensions(SUB);
    await ext.extensions.beginCreateAndWait(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml', {
      extensionType: 'Microsoft.AzureML.Kubernetes',
      releaseTrain: 'stable',
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: { enableTraining: 'True' },
    }, { updateIntervalInMs: 50 });
    const r = await call(attachRoute.POST, { method: 'POST', token: cast.users.admin.token, params: { workspace: 'vision' }, body: { name: 'aml1', cluster: CLUSTER, namespace: ns.name }, path: '/api/v1/workspaces/vision/compute/azure' });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ compute: { name: 'aml1', backend: 'azureml', namespace: ns.name, defaultInstanceType: 'defaultinstancetype', azureState: { provisioningState: 'Succeeded' } } });
    const c = await (await mlClient()).computeOperations.get(RG, WS, 'aml1');
    expect(c.properties).toMatchObject({ computeType: 'Kubernetes', resourceId: AKS_ID, provisioningState: 'Succeeded', properties: { namespace: ns.name, defaultInstanceType: 'defaultinstancetype' } });
    expect(Object.keys((c.properties as { properties: { instanceTypes: object } }).properties.instanceTypes)).toEqual(['defaultinstancetype']);
    // One PUT: the operation was still running after the first attempt's poll, and a later attempt resumed its
    // poller (its state kept on the target, not shown) instead of starting it again.
    expect(arm.requests().filter((q) => q.method === 'PUT' && /\/computes\/aml1$/i.test(q.path))).toHaveLength(1);
    const [intent] = await db().select().from(intents).where(eq(intents.action, 'compute.attachAzure')).orderBy(desc(intents.seq)).limit(1);
    expect(intent).toMatchObject({ status: 'done' });
    expect(intent.attempts).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(r.json)).not.toMatch(/lroState|intentId/);
  }, 90_000);

  it('runs a job through Azure ML: record azureml, a real Kubernetes Job on the cluster, Completed from ARM with its transitions', async () => {
    const r = await submit('aml-ok', 'echo hello', { 'harbormaster.io/sim-duration': '6s' });
    expect(r.status).toBe('NotStarted');
    const row = await jobRow('aml-ok');
    expect(row).toMatchObject({ backend: 'azureml', azureJobName: 'aml-ok' });
    expect(row.azureJobId).toMatch(/\/workspaces\/ws-vision\/jobs\/aml-ok$/i);
    // Azure ML (the stand-in) creates its Kubernetes Job in the compute's namespace on the local cluster.
    await waitFor(async () => (await kubeJobsOf('aml-ok')).length === 1, { what: 'Kubernetes Job of aml-ok', timeoutMs: 20_000 });
    await waitFor(async () => (await jobRow('aml-ok')).status === 'Completed', { what: 'aml-ok Completed', timeoutMs: 90_000, intervalMs: 250 });
    const steps = (await db().select().from(jobTransitions).where(eq(jobTransitions.jobId, row.id))).map((t) => t.status);
    expect(steps[0]).toBe('NotStarted');
    expect(steps.at(-1)).toBe('Completed');
    expect(steps).toContain('Running');
    expect((await jobRow('aml-ok')).startedAt).not.toBeNull();
    // Live detail from the registered cluster: the poller found Azure ML's Kubernetes Job; its pod and its log.
    expect((await jobRow('aml-ok')).objectName).toMatch(/^aml-aml-ok-/);
    const detail = await waitFor(async () => {
      const d = await jobDetail(db(), 'vision', 'aml-ok', { explain: false });
      return d.ranks.length ? d : undefined;
    }, { what: 'aml-ok pod in the job detail', timeoutMs: 20_000 });
    expect(detail.ranks[0].pod).toMatch(/^aml-aml-ok-/);
    const logs = await jobLogs(db(), 'vision', 'aml-ok', { rank: 0, follow: false });
    const text = typeof logs.stream === 'string' ? logs.stream : await new Response(logs.stream).text();
    // The log is read from Azure ML's pod on the cluster (the testbed's simulated container says so).
    expect(logs.pod).toBe(detail.ranks[0].pod);
    expect(text).toMatch(/container started/);
  }, 120_000);

  it('a job that fails: Failed, with the reason from its pod on the registered cluster and its Azure ML studio page', async () => {
    await submit('aml-fail', 'exit 3', { 'harbormaster.io/sim-duration': '1s', 'harbormaster.io/sim-exit-code': '3' });
    await waitFor(async () => (await jobRow('aml-fail')).status === 'Failed', { what: 'aml-fail Failed', timeoutMs: 90_000, intervalMs: 250 });
    // jobs.get says only Failed (no error detail in Azure ML's contract), and where to look: services.Studio.
    const a = await armJob('aml-fail');
    expect(a.properties.status).toBe('Failed');
    expect(Object.keys(a.properties.properties ?? {}).filter((k) => /error/i.test(k))).toEqual([]);
    const studio = a.properties.services?.Studio?.endpoint;
    expect(studio).toMatch(/^https:\/\/ml\.azure\.com\/runs\/aml-fail\?wsid=/);
    const j = await jobRow('aml-fail');
    expect(j.statusMessage).toContain('Azure ML: Failed — Error: container main exited with code 3 (BackoffLimitExceeded)');
    expect(j.statusMessage).toContain(`Details in Azure ML studio: ${studio}`);
    expect(j.finishedAt).not.toBeNull();
  }, 120_000);

  it('refuses what Azure ML cannot run from here, naming the field', async () => {
    const sweep = await refused(runAction('jobs.submit', { workspace: 'vision', job: { type: 'sweep', compute: 'azureml:aml1', trial: { command: 'echo ${{search_space.lr}}', environment: { image: 'busybox:1.36' } }, sampling_algorithm: 'random', search_space: { lr: { type: 'choice', values: [1, 2] } }, objective: { goal: 'minimize', primary_metric: 'loss' }, limits: { max_total_trials: 2 } } }, cast.caller('dsVision')));
    expect(sweep.fieldErrors?.map((f: { path: string }) => f.path)).toContain('type');
    const multi = await refused(runAction('jobs.submit', { workspace: 'vision', job: { command: 'echo', environment: { image: 'busybox:1.36' }, compute: 'azureml:aml1', resources: { instance_count: 2 } } }, cast.caller('dsVision')));
    expect(multi.fieldErrors?.map((f: { path: string }) => f.path)).toContain('resources.instance_count');
  });

  it('cancels through Azure ML: Canceled, and its Kubernetes Job is gone', async () => {
    await submit('aml-long', 'sleep 600', { 'harbormaster.io/sim-duration': '600s' });
    await waitFor(async () => (await jobRow('aml-long')).status === 'Running', { what: 'aml-long Running', timeoutMs: 90_000, intervalMs: 250 });
    await runAction('jobs.cancel', { workspace: 'vision', name: 'aml-long' }, cast.caller('dsVision'));
    expect((await armJob('aml-long')).properties.status).toBe('Canceled');
    expect((await jobRow('aml-long')).status).toBe('Canceled');
    expect((await jobRow('aml-long')).statusMessage).toMatch(/Azure ML canceled it/);
    await waitFor(async () => (await kubeJobsOf('aml-long')).length === 0, { what: 'Kubernetes Job of aml-long gone', timeoutMs: 30_000 });
  }, 120_000);

  it('429 on jobs.get: the poller records the throttling, honours Retry-After, and the status still arrives', async () => {
    configureArmRetries({ maxRetries: 0, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
    try {
      // Throttle the status reads of this job before it exists in ARM.
      arm.addFault({ kind: 'throttle', method: 'GET', path: '/jobs/aml-throttled$', retryAfter: 3, count: 1 });
      await submit('aml-throttled', 'echo hi', { 'harbormaster.io/sim-duration': '1s' });
      const throttled = await waitFor(async () => {
        const j = await jobRow('aml-throttled');
        return j.azureError ? j : undefined;
      }, { what: 'throttling recorded', timeoutMs: 30_000, intervalMs: 50 });
      expect(throttled.azureError).toMatch(/throttling .* retry after 3 s/);
      expect(throttled.azureNextPollAt!.getTime() - Date.now()).toBeGreaterThan(1500);
      await waitFor(async () => (await jobRow('aml-throttled')).status === 'Completed', { what: 'aml-throttled Completed', timeoutMs: 90_000, intervalMs: 250 });
      expect((await jobRow('aml-throttled')).azureError).toBeNull();
    } finally {
      configureArmRetries({ retryDelayInMs: 5, maxRetryDelayInMs: 20 });
    }
  }, 120_000);

  it('403 on submit: the job fails with the role and scope to assign', async () => {
    const id = arm.addFault({ kind: 'forbidden', method: 'PUT', path: '/jobs/aml-denied$' });
    const err = await refused(submit('aml-denied', 'echo hi'));
    arm.removeFault(id);
    expect(err.message).toMatch(/Azure ML refused job aml-denied/);
    const j = await jobRow('aml-denied');
    expect(j.status).toBe('Failed');
    expect(j.statusMessage).toMatch(/Microsoft\.MachineLearningServices\/workspaces\/jobs\/write/);
    expect(j.statusMessage).toMatch(/Assign AzureML Data Scientist .* on \/subscriptions\//);
  }, 60_000);

  it('ARM outage: the submit stays pending (NotStarted, waiting for Azure ML) and finishes once ARM is back', async () => {
    const id = arm.addFault({ kind: 'outage', mode: '503', method: 'PUT', path: '/jobs/aml-outage$' });
    const r = await submit('aml-outage', 'echo hi', { 'harbormaster.io/sim-duration': '1s' });
    expect(r.status).toBe('NotStarted');
    const j = await jobRow('aml-outage');
    expect(j.statusMessage).toMatch(/waiting for Azure ML: .*(503|ServiceUnavailable|failed)/);
    expect(j.azureJobName).toBeNull();
    arm.removeFault(id);
    await waitFor(async () => (await jobRow('aml-outage')).status === 'Completed', { what: 'aml-outage Completed after the outage', timeoutMs: 90_000, intervalMs: 250 });
  }, 120_000);

  it('an attach whose long-running operation ends Failed: ARM’s error verbatim on the target', async () => {
    arm.addFault({ kind: 'lroFail', method: 'PUT', path: '/computes/aml2$', code: 'ComputeProvisioningFailed', message: 'Relay connection to the cluster timed out (stand-in).' });
    const err = await refused(runAction('compute.attachAzure', { workspace: 'vision', name: 'aml2', cluster: CLUSTER, namespace: ns.name }, admin()));
    expect(err.message).toMatch(/ComputeProvisioningFailed/);
    const t = (await listComputeTargetViews(db(), 'vision')).items.find((x) => x.name === 'aml2')!;
    expect(t.azureState).toMatchObject({ provisioningState: 'Failed', error: expect.stringMatching(/ComputeProvisioningFailed.*Relay connection to the cluster timed out \(stand-in\)\./) });
    await runAction('compute.detach', { workspace: 'vision', name: 'aml2' }, admin());
  }, 60_000);

  it('detaches: compute.detach on the azureml target detaches it in Azure ML (underlyingResourceAction Detach)', async () => {
    await runAction('compute.detach', { workspace: 'vision', name: 'aml1' }, admin());
    const gone = await refused((await mlClient()).computeOperations.get(RG, WS, 'aml1'));
    expect(gone.statusCode).toBe(404);
    expect(arm.requests().some((q) => q.method === 'DELETE' && /computes\/aml1$/i.test(q.path))).toBe(true);
    expect(await db().select().from(computeTargets).where(eq(computeTargets.name, 'aml1'))).toHaveLength(0);
  }, 60_000);
});
