// Online endpoints, deployments and models through /arm/ as the Azure ML SDK meets them (issue 19), on a real
// database, with the compute target on a cluster nobody answers for (the ML extension recorded as installed with
// inference): ARM shapes, 201/200/202, the long-running operation headers and the operation status that follows the
// resource's provisioning state, listKeys/regenerateKeys audited as /api/v1's, refusals naming ARM's field with
// nothing recorded, auditors read-only, another workspace's data scientist told 404.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, count, desc, eq } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { castWithUnreachableCompute } from '@/test/arm/cast';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { auditEvents, clusterExtensions, modelVersions, onlineDeployments, onlineEndpoints } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import * as environmentsRoute from '@/app/api/v1/workspaces/[workspace]/environments/route';
import * as armRoute from '@/app/arm/[...path]/route';

// A request waits for its own intents (10 s in production); the cluster never answers here, so shorten the wait.
vi.mock('@/server/runtime/intents', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/server/runtime/intents')>();
  return { ...m, carryOut: (db: Parameters<typeof m.carryOut>[0], ids: string[], opts: Parameters<typeof m.carryOut>[2] = {}) => m.carryOut(db, ids, { ...opts, waitMs: 200 }) };
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-endpoints-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_REQUEST_WAIT_MS ??= '300'; // its cluster never answers: requests stop waiting for it sooner
resetEnvCache();

const SUB = 'sub-1';
const RG = 'rg-1';
const WSID = (ws = 'vision') => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
const EPV = 'api-version=2022-02-01-preview';
const DPV = 'api-version=2023-04-01-preview';
const MV = 'api-version=2023-08-01-preview';

type Who = keyof Cast['users'];
let cast: Cast;

beforeAll(async () => {
  let cluster: { id: string };
  ({ cast, cluster } = await castWithUnreachableCompute('vision-inference'));
  const settings = parseExtensionSettings({ enableTraining: true, enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true });
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  await cast.db.db.insert(clusterExtensions).values({ clusterId: cluster.id, status: 'installed', version: '1.0.0', settings: settings.value });
  const env = await call(environmentsRoute.POST, { token: cast.users.dsVision.token, params: { workspace: 'vision' }, path: '/api/v1/workspaces/vision/environments', body: { name: 'scoring', version: '1', image: 'docker.io/library/python:3.12-slim' } });
  expect(env.status, env.text).toBe(201);
});
afterAll(async () => {
  stopLoop();
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const arm = (method: string, p: string, o: { who?: Who | null; body?: unknown; ws?: string } = {}) =>
  call((armRoute as unknown as Record<string, Parameters<typeof call>[0]>)[method], {
    method,
    path: p.startsWith('http') ? new URL(p).pathname + new URL(p).search : `/arm${WSID(o.ws)}${p}`,
    token: o.who === null ? undefined : cast.users[o.who ?? 'dsVision'].token,
    body: o.body,
  });

/** As the SDK sends a KubernetesOnlineEndpoint. */
const endpointBody = (extra: Record<string, unknown> = {}) => ({
  location: 'local',
  properties: { authMode: 'Key', compute: `${WSID()}/computes/k8s-compute`, traffic: {}, mirrorTraffic: {}, properties: {}, ...extra },
  identity: { type: 'SystemAssigned' },
  tags: { team: 'vision' },
});
/** As the SDK sends a KubernetesOnlineDeployment. */
const deploymentBody = (extra: Record<string, unknown> = {}) => ({
  location: 'local',
  properties: {
    endpointComputeType: 'Kubernetes',
    environmentId: `${WSID()}/environments/scoring/versions/1`,
    model: `${WSID()}/models/classifier/versions/1`,
    instanceType: 'defaultinstancetype',
    scaleSettings: { scaleType: 'Default' },
    requestSettings: { requestTimeout: 'PT3S', maxConcurrentRequestsPerInstance: 2 },
    livenessProbe: { initialDelay: 'PT20S', period: 'PT5S', timeout: 'PT2S', successThreshold: 1, failureThreshold: 3 },
    environmentVariables: { MODE: 'fast' },
    appInsightsEnabled: false,
    properties: {},
    ...extra,
  },
  sku: { name: 'Default', capacity: 1 },
  tags: {},
});

const lastAudit = async (action: string) => (await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1))[0];
const endpointRows = async () => Number((await cast.db.db.select({ n: count() }).from(onlineEndpoints))[0].n);

describe('models through /arm/', () => {
  it('registers versions with an https path and a datastore path (201), reads them, the container (next version) and the lists', async () => {
    const put = await arm('PUT', `/models/classifier/versions/1?${MV}`, { body: { properties: { modelUri: 'https://models.example.com/classifier.onnx', modelType: 'custom_model', description: 'first', tags: { stage: 'dev' }, isAnonymous: false, isArchived: false } } });
    expect(put.status, put.text).toBe(201);
    expect(put.json).toMatchObject({
      id: `${WSID()}/models/classifier/versions/1`,
      name: '1',
      type: 'Microsoft.MachineLearningServices/workspaces/models/versions',
      properties: { modelUri: 'https://models.example.com/classifier.onnx', modelType: 'custom_model', description: 'first', tags: { stage: 'dev' }, isArchived: false },
    });
    expect((await lastAudit('models.create')).outcome).toBe('success');

    const container = await arm('GET', `/models/classifier?${MV}`, { who: 'auditor' });
    expect(container.status, container.text).toBe(200);
    expect(container.json.properties).toMatchObject({ latestVersion: '1', nextVersion: '2' });
    const list = await arm('GET', `/models?${MV}&listViewType=ActiveOnly`, { who: 'auditor' });
    expect(list.json.value.map((m: { name: string }) => m.name)).toEqual(['classifier']);
    const versions = await arm('GET', `/models/classifier/versions?${MV}&listViewType=ActiveOnly`);
    expect(versions.json.value.map((v: { name: string }) => v.name)).toEqual(['1']);
    const one = await arm('GET', `/models/classifier/versions/1?${MV}`);
    expect(one.json.properties.modelUri).toBe('https://models.example.com/classifier.onnx');
    // A datastore path as the SDK sends it (azureml://datastores/… made long).
    const uri = `azureml://subscriptions/${SUB}/resourcegroups/${RG}/workspaces/vision/datastores/workspaceblobstore/paths/models/detector`;
    const ds = await arm('PUT', `/models/detector/versions/3?${MV}`, { body: { properties: { modelUri: uri, modelType: 'custom_model' } } });
    expect(ds.status, ds.text).toBe(201);
    expect(ds.json.properties.modelUri).toBe(uri);
    expect((await arm('GET', `/models/detector?${MV}`)).json.properties).toMatchObject({ latestVersion: '3', nextVersion: '4' });
  });

  it('refuses a second PUT of the version (409) but archives and restores it; refuses a local path naming path, and an auditor; unknown models are ResourceNotFound', async () => {
    const again = await arm('PUT', `/models/classifier/versions/1?${MV}`, { body: { properties: { modelUri: 'https://models.example.com/other.onnx' } } });
    expect(again.status).toBe(409);
    // As the SDK's archive() and restore() send it: the version with isArchived flipped.
    const archived = await arm('PUT', `/models/classifier/versions/1?${MV}`, { body: { properties: { modelUri: 'https://models.example.com/classifier.onnx', modelType: 'custom_model', isArchived: true } } });
    expect(archived.status, archived.text).toBe(200);
    expect(archived.json.properties.isArchived).toBe(true);
    expect((await lastAudit('models.archive')).outcome).toBe('success');
    expect((await arm('GET', `/models/classifier/versions?${MV}&listViewType=ActiveOnly`)).json.value).toEqual([]);
    expect((await arm('GET', `/models/classifier/versions?${MV}&listViewType=ArchivedOnly`)).json.value.map((v: { name: string }) => v.name)).toEqual(['1']);
    const restored = await arm('PUT', `/models/classifier/versions/1?${MV}`, { body: { properties: { modelUri: 'https://models.example.com/classifier.onnx', isArchived: false } } });
    expect(restored.json.properties.isArchived).toBe(false);
    const local = await arm('PUT', `/models/local-one/versions/1?${MV}`, { body: { properties: { modelUri: './model' } } });
    expect(local.status, local.text).toBe(400);
    expect(local.json.error).toMatchObject({ code: 'ValidationError', target: 'path' });
    expect((await lastAudit('models.create')).outcome).toBe('failed');
    // The SDK's first step of an upload (the default datastore) is refused the same way.
    const upload = await arm('GET', `/datastores/workspaceblobstore?${MV}`);
    expect(upload.status).toBe(400);
    expect(upload.json.error).toMatchObject({ code: 'LocalUploadNotSupported', target: 'path' });
    const auditor = await arm('PUT', `/models/audited/versions/1?${MV}`, { who: 'auditor', body: { properties: { modelUri: 'https://models.example.com/a.onnx' } } });
    expect(auditor.status).toBe(403);
    expect(auditor.json.error.code).toBe('AuthorizationFailed');
    expect((await cast.db.db.select({ n: count() }).from(modelVersions))[0].n).toBe(2);
    const missing = await arm('GET', `/models/nope?${MV}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
    const hidden = await arm('GET', `/models/classifier/versions/1?${MV}`, { who: 'dsForecasting' });
    expect(hidden.status).toBe(404);
  });
});

describe('online endpoints and deployments through /arm/', () => {
  const EP = 'scorer';

  it('creates a Kubernetes endpoint as a long-running operation (201, Azure-AsyncOperation at this origin) whose status follows its provisioning state', async () => {
    const r = await arm('PUT', `/onlineEndpoints/${EP}?${EPV}`, { body: endpointBody() });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      id: `${WSID()}/onlineEndpoints/${EP}`,
      name: EP,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: expect.any(String),
      tags: { team: 'vision' },
      properties: { authMode: 'Key', compute: `${WSID()}/computes/k8s-compute`, provisioningState: 'Creating', traffic: {}, scoringUri: expect.stringContaining(`/api/v1/endpoint/${EP}/score`) },
    });
    expect(JSON.stringify(r.json)).not.toMatch(/primaryKey|secondaryKey/);
    const op = r.headers.get('azure-asyncoperation')!;
    expect(op).toMatch(new RegExp(`^http://(127\\.0\\.0\\.1|localhost)/arm${WSID()}/operations/[A-Za-z0-9_-]+\\?${EPV}$`));
    expect(r.headers.get('location')).toMatch(/\/operationResults\//);
    expect((await lastAudit('endpoints.create')).outcome).toBe('success');

    const running = await arm('GET', op, { who: 'auditor' });
    expect(running.status).toBe(200);
    expect(running.json.status).toBe('InProgress');
    const result = await arm('GET', r.headers.get('location')!);
    expect(result.status).toBe(202);
    // The router serves it: the endpoint's state says Succeeded and so does the operation.
    await cast.db.db.update(onlineEndpoints).set({ provisioningState: 'Succeeded' }).where(eq(onlineEndpoints.name, EP));
    expect((await arm('GET', op)).json.status).toBe('Succeeded');
    const done = await arm('GET', r.headers.get('location')!);
    expect(done.status).toBe(200);
    expect(done.json.properties.provisioningState).toBe('Succeeded');
    await cast.db.db.update(onlineEndpoints).set({ provisioningState: 'Failed', provisioningMessage: 'router refused' }).where(eq(onlineEndpoints.name, EP));
    expect((await arm('GET', op)).json).toMatchObject({ status: 'Failed', error: { message: 'router refused' } });
    await cast.db.db.update(onlineEndpoints).set({ provisioningState: 'Succeeded', provisioningMessage: null }).where(eq(onlineEndpoints.name, EP));

    const list = await arm('GET', `/onlineEndpoints?${EPV}`, { who: 'auditor' });
    expect(list.json.value.map((e: { name: string }) => e.name)).toEqual([EP]);
  });

  it('PUT of the existing endpoint updates it (200); a managed endpoint, mirrored traffic to a deployment it does not have and unknown fields are refused naming the field, audited, nothing recorded', async () => {
    const again = await arm('PUT', `/onlineEndpoints/${EP}?${EPV}`, { body: endpointBody({ description: 'scores images' }) });
    expect(again.status, again.text).toBe(200);
    expect(again.json.properties.description).toBe('scores images');
    expect(again.headers.get('azure-asyncoperation')).toBeTruthy();

    const before = await endpointRows();
    const managed = await arm('PUT', `/onlineEndpoints/managed-ep?${EPV}`, { body: { location: 'local', properties: { authMode: 'Key', traffic: {} }, identity: { type: 'SystemAssigned' } } });
    expect(managed.status, managed.text).toBe(400);
    expect(managed.json.error).toMatchObject({ code: 'ValidationError', target: 'properties.compute' });
    expect(managed.json.error.message).toMatch(/Kubernetes/);
    const failed = await lastAudit('endpoints.create');
    expect(failed).toMatchObject({ outcome: 'failed', workspace: 'vision' });
    // Mirrored traffic goes to the action, whose rules refuse it here (the endpoint has no deployment blue yet).
    const mirrored = await arm('PUT', `/onlineEndpoints/mirrored?${EPV}`, { body: endpointBody({ mirrorTraffic: { blue: 10 } }) });
    expect(mirrored.status, mirrored.text).toBe(400);
    expect(mirrored.json.error.details.map((d: { target: string }) => d.target)).toContain('properties.mirrorTraffic.blue');
    expect(mirrored.json.error.message).toMatch(/no deployment blue/);
    const unknown = await arm('PUT', `/onlineEndpoints/odd?${EPV}`, { body: endpointBody({ sslCertificate: 'x' }) });
    expect(unknown.json.error.target).toBe('properties.sslCertificate');
    // A refusal of the action names ARM's field too (auth_mode → properties.authMode).
    const token = await arm('PUT', `/onlineEndpoints/tokened?${EPV}`, { body: endpointBody({ authMode: 'AADToken' }) });
    expect(token.status, token.text).toBe(400);
    expect(token.json.error.details.map((d: { target: string }) => d.target)).toContain('properties.authMode');
    expect(await endpointRows()).toBe(before);
  });

  it('lists keys (audited like /api/v1) and regenerates one as an LRO (202 + Location); auditors may not; a key value is refused', async () => {
    const keys = await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`);
    expect(keys.status, keys.text).toBe(200);
    expect(keys.json).toEqual({ primaryKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), secondaryKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(await lastAudit('endpoints.listKeys')).toMatchObject({ outcome: 'success', targetName: EP, message: 'keys read' });

    const regen = await arm('POST', `/onlineEndpoints/${EP}/regenerateKeys?${EPV}`, { body: { keyType: 'Secondary' } });
    expect(regen.status, regen.text).toBe(202);
    const loc = regen.headers.get('location')!;
    expect(loc).toMatch(/^http:\/\/(127\.0\.0\.1|localhost)\/arm\//);
    expect([200, 204]).toContain((await arm('GET', loc)).status);
    const after = await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`);
    expect(after.json.primaryKey).toBe(keys.json.primaryKey);
    expect(after.json.secondaryKey).not.toBe(keys.json.secondaryKey);
    expect(await lastAudit('endpoints.regenerateKeys')).toMatchObject({ outcome: 'success', message: 'secondary key regenerated' });

    // As the SDK sends it: the key being replaced as keyValue.
    const sdkLike = await arm('POST', `/onlineEndpoints/${EP}/regenerateKeys?${EPV}`, { body: { keyType: 'Secondary', keyValue: after.json.secondaryKey } });
    expect(sdkLike.status, sdkLike.text).toBe(202);
    const third = await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`);
    expect(third.json.secondaryKey).not.toBe(after.json.secondaryKey);
    const valued = await arm('POST', `/onlineEndpoints/${EP}/regenerateKeys?${EPV}`, { body: { keyType: 'Primary', keyValue: 'a-key-of-my-choosing' } });
    expect(valued.status).toBe(400);
    expect(valued.json.error.target).toBe('keyValue');
    expect((await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`)).json.primaryKey).toBe(keys.json.primaryKey);

    const auditor = await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`, { who: 'auditor' });
    expect(auditor.status).toBe(403);
    expect(await lastAudit('endpoints.listKeys')).toMatchObject({ outcome: 'denied' });
    const other = await arm('POST', `/onlineEndpoints/${EP}/listKeys?${EPV}`, { who: 'dsForecasting' });
    expect(other.status).toBe(404);
    expect((await arm('GET', `/onlineEndpoints/${EP}?${EPV}`, { who: 'dsForecasting' })).status).toBe(404);
  });

  it('creates a Kubernetes deployment (201) with its settings in ARM terms; the operation follows the deployment to Succeeded', async () => {
    const r = await arm('PUT', `/onlineEndpoints/${EP}/deployments/blue?${DPV}`, { body: deploymentBody() });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      id: `${WSID()}/onlineEndpoints/${EP}/deployments/blue`,
      name: 'blue',
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Kubernetes',
        environmentId: `${WSID()}/environments/scoring/versions/1`,
        model: `${WSID()}/models/classifier/versions/1`,
        instanceType: 'defaultinstancetype',
        requestSettings: { requestTimeout: 'PT3S', maxConcurrentRequestsPerInstance: 2 },
        livenessProbe: { initialDelay: 'PT20S', period: 'PT5S', timeout: 'PT2S', failureThreshold: 3 },
        environmentVariables: { MODE: 'fast' },
        provisioningState: 'Creating',
      },
    });
    const [row] = await cast.db.db.select().from(onlineDeployments).where(eq(onlineDeployments.name, 'blue'));
    expect(row.spec).toMatchObject({ environment: { image: 'docker.io/library/python:3.12-slim' }, requestSettings: { requestTimeoutMs: 3000 }, livenessProbe: { initialDelaySeconds: 20, periodSeconds: 5 } });
    expect(row.modelVersionId).toBeTruthy();
    expect((await lastAudit('deployments.create')).outcome).toBe('success');

    const op = r.headers.get('azure-asyncoperation')!;
    expect((await arm('GET', op)).json.status).toBe('InProgress');
    await cast.db.db.update(onlineDeployments).set({ state: 'Healthy', readyReplicas: 1 }).where(eq(onlineDeployments.id, row.id));
    expect((await arm('GET', op)).json.status).toBe('Succeeded');
    await cast.db.db.update(onlineDeployments).set({ state: 'Unhealthy', reasons: [{ code: 'ImagePullLoopBackOff', message: 'no such image' }] }).where(eq(onlineDeployments.id, row.id));
    expect((await arm('GET', op)).json).toMatchObject({ status: 'Failed', error: { code: 'DeploymentFailed', message: expect.stringContaining('no such image') } });
    await cast.db.db.update(onlineDeployments).set({ state: 'Healthy', reasons: [] }).where(eq(onlineDeployments.id, row.id));

    const list = await arm('GET', `/onlineEndpoints/${EP}/deployments?${DPV}`, { who: 'auditor' });
    expect(list.json.value.map((d: { name: string; properties: { provisioningState: string } }) => [d.name, d.properties.provisioningState])).toEqual([['blue', 'Succeeded']]);

    const update = await arm('PUT', `/onlineEndpoints/${EP}/deployments/blue?${DPV}`, { body: deploymentBody({ environmentVariables: { MODE: 'slow' } }) });
    expect(update.status, update.text).toBe(200);
    expect(update.json.properties.environmentVariables).toEqual({ MODE: 'slow' });
  });

  it('refuses deployments naming ARM fields: managed, local code, zero minimum instances, an unknown field; auditors get 403', async () => {
    const count0 = Number((await cast.db.db.select({ n: count() }).from(onlineDeployments))[0].n);
    const managed = await arm('PUT', `/onlineEndpoints/${EP}/deployments/green?${DPV}`, { body: deploymentBody({ endpointComputeType: 'Managed' }) });
    expect(managed.json.error.target).toBe('properties.endpointComputeType');
    const code = await arm('PUT', `/onlineEndpoints/${EP}/deployments/green?${DPV}`, { body: deploymentBody({ codeConfiguration: { codeId: `${WSID()}/codes/abc/versions/1`, scoringScript: 'score.py' } }) });
    expect(code.status, code.text).toBe(400);
    expect(code.json.error.details.map((d: { target: string }) => d.target)).toContain('properties.codeConfiguration.codeId');
    const scale = await arm('PUT', `/onlineEndpoints/${EP}/deployments/green?${DPV}`, { body: deploymentBody({ scaleSettings: { scaleType: 'TargetUtilization', minInstances: 0, maxInstances: 2 } }) });
    expect(scale.status, scale.text).toBe(400);
    expect(scale.json.error.details.map((d: { target: string }) => d.target)).toContain('properties.scaleSettings.minInstances');
    const odd = await arm('PUT', `/onlineEndpoints/${EP}/deployments/green?${DPV}`, { body: deploymentBody({ privateNetworkConnection: true }) });
    expect(odd.json.error.target).toBe('properties.privateNetworkConnection');
    const auditor = await arm('PUT', `/onlineEndpoints/${EP}/deployments/green?${DPV}`, { who: 'auditor', body: deploymentBody() });
    expect(auditor.status).toBe(403);
    expect(Number((await cast.db.db.select({ n: count() }).from(onlineDeployments))[0].n)).toBe(count0);
    const missing = await arm('GET', `/onlineEndpoints/${EP}/deployments/none?${DPV}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
  });

  it('moves traffic with the endpoint PUT and PATCH; a deployment taking traffic cannot go; DELETE answers 202 and the operations finish', async () => {
    const put = await arm('PUT', `/onlineEndpoints/${EP}?${EPV}`, { body: endpointBody({ traffic: { blue: 100 } }) });
    expect(put.status, put.text).toBe(200);
    expect(put.json.properties.traffic).toEqual({ blue: 100 });
    const wrong = await arm('PATCH', `/onlineEndpoints/${EP}?${EPV}`, { body: { properties: { traffic: { blue: 100, green: 0 } } } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.details.map((d: { target: string }) => d.target)).toContain('properties.traffic.green');
    const busy = await arm('DELETE', `/onlineEndpoints/${EP}/deployments/blue?${DPV}`);
    expect(busy.status).toBe(409);
    const zero = await arm('PATCH', `/onlineEndpoints/${EP}?${EPV}`, { body: { properties: { traffic: { blue: 0 } } } });
    expect(zero.status, zero.text).toBe(200);

    const del = await arm('DELETE', `/onlineEndpoints/${EP}/deployments/blue?${DPV}`);
    expect(del.status, del.text).toBe(202);
    expect((await arm('GET', del.headers.get('azure-asyncoperation')!)).json.status).toBe('Succeeded');
    expect((await arm('GET', del.headers.get('location')!)).status).toBe(204);
    expect((await lastAudit('deployments.delete')).outcome).toBe('success');

    const auditor = await arm('DELETE', `/onlineEndpoints/${EP}?${EPV}`, { who: 'auditor' });
    expect(auditor.status).toBe(403);
    const gone = await arm('DELETE', `/onlineEndpoints/${EP}?${EPV}`);
    expect(gone.status, gone.text).toBe(202);
    expect((await arm('GET', gone.headers.get('azure-asyncoperation')!)).json.status).toBe('Succeeded');
    expect(await endpointRows()).toBe(0);
    expect(await cast.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'endpoints.delete'), eq(auditEvents.outcome, 'success')))).toHaveLength(1);
    const missing = await arm('GET', `/onlineEndpoints/${EP}?${EPV}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
  });
});
