// Jobs for the job-page specs: a token for the API (as automation would submit), job YAML with the testbed's
// `harbormaster.io/sim-*` tags (run time, exit code), and a compute target without a quota (`e2e-big`) with
// instance types that ask for 4 and 8 GPUs — the test cluster's GPU nodes have 4 each, so 8 never fits and two
// 4-GPU pods fill the pool.
import { expect, request, type APIRequestContext, type Page } from '@playwright/test';
import { adminApi, E2E_CLUSTER, namespaceFree } from './compute-fixture';

export const BIG_TARGET = 'e2e-big';
export const GPU4 = 'e2e-gpu-4';
export const GPU8 = 'e2e-gpu-8';

const gpuType = (name: string, gpus: number) => `apiVersion: amlarc.azureml.com/v1alpha1
kind: InstanceType
metadata:
  name: ${name}
spec:
  nodeSelector:
    kubernetes.azure.com/agentpool: gpupool
  resources:
    requests: {cpu: "1", memory: 2Gi}
    limits: {cpu: "2", memory: 4Gi, nvidia.com/gpu: ${gpus}}
`;

/** e2e-gpu-4, e2e-gpu-8 and the target e2e-big in vision (no quota: only the nodes limit it). Idempotent. */
export async function ensureBigTarget() {
  const api = await adminApi();
  try {
    const types = ((await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`)).json()).items ?? []).map((i: { name: string }) => i.name);
    for (const [name, gpus] of [[GPU4, 4], [GPU8, 8]] as const) {
      if (types.includes(name)) continue;
      const r = await api.post(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`, { headers: { 'content-type': 'application/yaml' }, data: gpuType(name, gpus) });
      expect(r.status(), await r.text()).toBe(200);
    }
    const targets = ((await (await api.get('/api/v1/workspaces/vision/computes')).json()).items ?? []).map((t: { name: string }) => t.name);
    if (!targets.includes(BIG_TARGET)) {
      await namespaceFree(api, 'vision', BIG_TARGET);
      const r = await api.post('/api/v1/workspaces/vision/computes', { data: { cluster: E2E_CLUSTER, name: BIG_TARGET, defaultInstanceType: 'gpu-1' } });
      expect(r.status(), await r.text()).toBe(201);
    }
  } finally {
    await api.dispose();
  }
}

/** Detaches e2e-big (its namespace and workloads go) and deletes the instance types the specs added. */
export async function removeBigTarget() {
  const api = await adminApi();
  try {
    await api.delete(`/api/v1/workspaces/vision/computes/${BIG_TARGET}?force=true`);
    for (const name of [GPU4, GPU8]) await api.delete(`/api/v1/clusters/${E2E_CLUSTER}/instance-types/${name}`);
  } finally {
    await api.dispose();
  }
}

/** An API client with a fresh personal token of the signed-in page's user; `dispose()` revokes it. */
export async function tokenApi(page: Page, what: string): Promise<APIRequestContext & { revoke: () => Promise<void> }> {
  const created = await page.request.post('/api/v1/tokens', { data: { name: `e2e-${what}-${Date.now()}`, expiresIn: '1d' } });
  expect(created.status(), await created.text()).toBe(201);
  const { token, id } = await created.json();
  const api = await request.newContext({ baseURL: process.env.HM_E2E_BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  return Object.assign(api, {
    revoke: async () => {
      await api.dispose();
      await page.request.delete(`/api/v1/tokens/${id}`);
    },
  });
}

export interface JobYaml {
  displayName: string;
  compute: string;
  instanceType?: string;
  instanceCount?: number;
  /** Go duration the testbed pod runs ("20s"). */
  duration?: string;
  exitCode?: number;
}

export function jobYaml(j: JobYaml): string {
  const tags = [j.duration && `harbormaster.io/sim-duration: ${j.duration}`, j.exitCode !== undefined && `harbormaster.io/sim-exit-code: "${j.exitCode}"`].filter(Boolean);
  return `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
display_name: ${j.displayName}
experiment_name: e2e-job-page
command: python train.py --epochs 10
environment:
  image: busybox:1.36
compute: azureml:${j.compute}
${j.instanceType || j.instanceCount ? `resources:\n${j.instanceType ? `  instance_type: ${j.instanceType}\n` : ''}${j.instanceCount ? `  instance_count: ${j.instanceCount}\n` : ''}` : ''}${tags.length ? `tags:\n${tags.map((t) => `  ${t}`).join('\n')}\n` : ''}`;
}

/** Submits through the API; answers the job's name. */
export async function submitJob(api: APIRequestContext, j: JobYaml): Promise<string> {
  const r = await api.post('/api/v1/workspaces/vision/jobs', { headers: { 'content-type': 'application/yaml' }, data: jobYaml(j) });
  expect(r.status(), await r.text()).toBe(201);
  return (await r.json()).name;
}

export async function jobStatus(api: APIRequestContext, name: string): Promise<string> {
  return (await (await api.get(`/api/v1/workspaces/vision/jobs/${name}`)).json()).status;
}

/** Cancels what is still running (cleanup; a job that already ended answers 409, which is fine). */
export async function cancelJobs(api: APIRequestContext, names: Array<string | undefined>) {
  for (const n of names) if (n) await api.post(`/api/v1/workspaces/vision/jobs/${n}/cancel`);
}
