// Shared state of the compute specs (ops-compute, ds-compute, auditor-compute): the local test cluster
// (scripts/e2e.mjs starts it and passes HM_E2E_KUBECONFIG) registered as e2e-k8s with the ML extension.
// The ops admin spec defines the instance types and attaches the workspaces through the UI; when a spec of
// another role runs alone, `ensureComputeScenario` builds the same state through the API as the ops admin.
import fs from 'node:fs';
import { expect, request, type APIRequestContext } from '@playwright/test';

export const E2E_CLUSTER = 'e2e-k8s';
export const VISION_TARGET = 'e2e-gpu';
export const FORECASTING_TARGET = 'e2e-cpu';
export const kubeconfigPath = process.env.HM_E2E_KUBECONFIG ?? '';
export const noCluster = kubeconfigPath ? '' : 'no local Kubernetes cluster (HM_E2E_KUBECONFIG is not set)';

export const GPU1_YAML = `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: gpu-1
spec:
  nodeSelector:
    kubernetes.azure.com/agentpool: gpupool
  resources:
    requests: {cpu: "2", memory: 8Gi}
    limits: {cpu: "4", memory: 16Gi, nvidia.com/gpu: 1}
`;
export const CPU_SMALL_FORM = { name: 'cpu-small', nodeSelector: [{ key: 'kubernetes.azure.com/agentpool', value: 'cpupool' }], cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi', gpu: '' };

export async function adminApi(): Promise<APIRequestContext> {
  return request.newContext({ baseURL: process.env.HM_E2E_BASE_URL, storageState: 'e2e/.auth/admin.json' });
}

/** Registers the test cluster and installs the extension (idempotent). */
export async function ensureCluster(api: APIRequestContext) {
  const got = await api.get(`/api/v1/clusters/${E2E_CLUSTER}`);
  if (got.status() === 404) {
    const r = await api.post('/api/v1/clusters', {
      data: { name: E2E_CLUSTER, kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig: fs.readFileSync(kubeconfigPath, 'utf8') } },
    });
    expect(r.status(), await r.text()).toBe(201);
  }
  const ext = await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json();
  if (ext.status !== 'installed' && ext.status !== 'installing') {
    const r = await api.put(`/api/v1/clusters/${E2E_CLUSTER}/extension`, { data: { settings: E2E_EXTENSION_SETTINGS } });
    expect(r.status(), await r.text()).toBe(202);
  }
  await expect.poll(async () => (await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json()).status, { timeout: 120_000, message: 'extension installed' }).toBe('installed');
}

/** Training and inference (a plain-HTTP, single-replica router inside the cluster: online endpoints can be served). */
export const E2E_EXTENSION_SETTINGS = { enableTraining: true, enableInference: true, allowInsecureConnections: true, inferenceRouterServiceType: 'clusterIP', inferenceRouterHA: false };

/** The test cluster's extension with inference on (another spec may have installed it without). */
export async function ensureInference(api: APIRequestContext) {
  await ensureCluster(api);
  const ext = await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json();
  if (ext.settings?.enableInference) return;
  const r = await api.put(`/api/v1/clusters/${E2E_CLUSTER}/extension`, { data: { settings: { ...ext.settings, ...E2E_EXTENSION_SETTINGS } } });
  expect(r.status(), await r.text()).toBe(202);
  await expect.poll(async () => (await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json()).status, { timeout: 120_000, message: 'extension installed with inference' }).toBe('installed');
}

/** The whole scenario through the API, for specs that run without the ops admin spec before them. */
export async function ensureComputeScenario() {
  const api = await adminApi();
  try {
    await ensureCluster(api);
    const types = await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`)).json();
    const names = (types.items ?? []).map((i: { name: string }) => i.name);
    if (!names.includes('gpu-1')) expect((await api.post(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`, { headers: { 'content-type': 'application/yaml' }, data: GPU1_YAML })).status()).toBe(200);
    if (!names.includes('cpu-small')) expect((await api.post(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`, { data: CPU_SMALL_FORM })).status()).toBe(200);
    const attach = async (ws: string, body: Record<string, unknown>) => {
      const list = await (await api.get(`/api/v1/workspaces/${ws}/computes`)).json();
      if ((list.items ?? []).some((t: { name: string }) => t.name === body.name)) return;
      const r = await api.post(`/api/v1/workspaces/${ws}/computes`, { data: { cluster: E2E_CLUSTER, ...body } });
      expect(r.status(), await r.text()).toBe(201);
    };
    await attach('vision', { name: VISION_TARGET, defaultInstanceType: 'gpu-1', quota: { cpu: '16', memory: '64Gi', gpu: '2', pods: '20' } });
    await attach('forecasting', { name: FORECASTING_TARGET, defaultInstanceType: 'cpu-small', allowedInstanceTypes: ['cpu-small'], quota: { cpu: '8' } });
  } finally {
    await api.dispose();
  }
}

/**
 * Waits until the target's namespace is no longer terminating (a detach deletes the namespaces Harbormaster
 * created): asked through a dry-run attach, which refuses a namespace that is being deleted.
 */
export async function namespaceFree(api: APIRequestContext, workspace: string, name: string) {
  await expect
    .poll(async () => (await api.post(`/api/v1/workspaces/${workspace}/computes?dryRun=true`, { data: { name, cluster: E2E_CLUSTER } })).status(), { timeout: 60_000, message: `namespace of ${workspace}/${name} free` })
    .toBe(200);
}
