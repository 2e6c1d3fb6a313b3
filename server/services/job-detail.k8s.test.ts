// Run and watch jobs on the local API server (issue: run and watch jobs): a 2-instance PyTorch job runs to
// Completed with one pod per rank wired to rank 0; a job asking for more GPUs than any node has, a quota
// overflow and an untolerated taint each explain themselves in the job's `pending`; logs per rank answer
// text/plain; re-run submits the same document under a new name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { KubeClient } from '../kube/client';
import { serverSideApply } from '../kube/apply';
import { instanceTypeCrd } from '../kube/manifests/instance-type-crd';
import { runAction } from '../actions/run';
import { stopLoop } from '../runtime/intents';
import { startJobStatusReconciler } from '../runtime/job-status';
import { castWithCluster } from './clusters.k8s-support';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as jobRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/route';
import * as logsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/logs/route';
import * as rerunRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/rerun/route';

const CLUSTER = 'tb-detail';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-detail-k8s-'));

describe.skipIf(k8sSkipReason)('run and watch jobs on the local API server', () => {
  const ns = testNamespace('hm-detail');
  const quotaNs = uniqueName('hm-quota');
  const types = { gpu8: uniqueName('gpu8'), gpu4: uniqueName('gpu4'), gpuNoSel: uniqueName('gpu-nosel'), big: uniqueName('big-cpu') };
  let cast: Cast;
  let stop: () => void = () => undefined;
  const params = { workspace: 'vision' };

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    const client = new KubeClient(kubeConfig());
    await serverSideApply(client, instanceTypeCrd() as never);
    await waitFor(() => client.get('/apis/amlarc.azureml.com/v1alpha1/instancetypes').then(() => true, () => false), { what: 'the InstanceType CRD' });
    const it = (name: string, nodeSelector: Record<string, string>, requests: Record<string, string>, limits: Record<string, string | number>) =>
      serverSideApply(client, { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceType', metadata: { name }, spec: { nodeSelector, resources: { requests, limits } } } as never);
    const gpuPool = { 'kubernetes.azure.com/agentpool': 'gpupool' };
    await it(types.gpu8, gpuPool, { cpu: '2', memory: '4Gi' }, { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': 8 });
    await it(types.gpu4, gpuPool, { cpu: '2', memory: '4Gi' }, { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': 4 });
    await it(types.gpuNoSel, {}, { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 1 });
    await it(types.big, {}, { cpu: '2', memory: '2Gi' }, { cpu: '2', memory: '2Gi' });
    client.close();
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([
      { workspaceId: vision.id, name: 'cpu', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype', types.gpuNoSel, types.big] },
      { workspaceId: vision.id, name: 'gpu', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', defaultInstanceType: types.gpu4, allowedInstanceTypes: [types.gpu8, types.gpu4] },
    ]);
    // A target with a small quota (the ResourceQuota is real: the API server refuses pods over it).
    await runAction('compute.attach', { workspace: 'vision', name: 'small', cluster: CLUSTER, namespace: quotaNs, createNamespace: true, allowedInstanceTypes: [types.big, 'defaultinstancetype'], quota: { cpu: '1', memory: '4Gi' } }, cast.caller('admin'));
    stop = startJobStatusReconciler(cast.db.db, { tickMs: 500 });
  }, 120_000);

  afterAll(async () => {
    stop();
    stopLoop();
    if (cast) await runAction('compute.detach', { workspace: 'vision', name: 'small', force: true, deleteNamespace: true }, cast.caller('admin')).catch(() => undefined);
    const client = new KubeClient(kubeConfig());
    for (const n of Object.values(types)) await client.request('DELETE', `/apis/amlarc.azureml.com/v1alpha1/instancetypes/${n}`).catch(() => undefined);
    client.close();
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const submit = async (yaml: string) => {
    const r = await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', token: cast.users.dsVision.token, rawBody: yaml, headers: { 'content-type': 'application/yaml' }, params });
    expect([201, 202], r.text).toContain(r.status);
    return r.json.name as string;
  };
  const detail = async (name: string) => {
    const r = await call(jobRoute.GET as never, { path: `/api/v1/workspaces/vision/jobs/${name}`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(r.status, r.text).toBe(200);
    return r.json;
  };
  const pendingOf = async (name: string, code: string) => {
    let last: { pending: { reasons: Array<{ code: string; message: string; resource?: string; pool?: string }>; alternatives: Array<{ computeTarget: string; instanceType: string }> } | null } | undefined;
    await waitFor(async () => {
      last = await detail(name);
      return !!last?.pending?.reasons.some((r) => r.code === code);
    }, { what: `job ${name} pending with ${code}`, timeoutMs: 30_000 });
    return last!.pending!;
  };

  it('runs a 2-instance PyTorch job to Completed, one pod per rank, every rank pointed at rank 0', async () => {
    const name = uniqueName('ddp');
    await submit(`name: ${name}\ncommand: python train.py\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\nresources: {instance_count: 2}\ndistribution: {type: pytorch}\n`);
    await waitFor(async () => (await detail(name)).status === 'Completed', { what: `${name} Completed`, timeoutMs: 60_000 });
    const d = await detail(name);
    expect(d.ranks.map((r: { rank: number }) => r.rank).sort()).toEqual([0, 1]);
    expect(d.ranks.every((r: { exitCode?: number; phase: string }) => r.phase === 'Succeeded')).toBe(true);
    expect(d.transitions.map((t: { status: string }) => t.status)).toEqual(expect.arrayContaining(['NotStarted', 'Queued', 'Completed']));
    const pods = (await kubeConfig().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns.name, labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
    expect(pods.length).toBe(2);
    for (const p of pods) {
      const env = Object.fromEntries((p.spec!.containers[0].env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
      expect(env.MASTER_ADDR).toBe(`${name}-0.${name}`);
      expect(env.WORLD_SIZE).toBe('2');
      expect(env.NODE_RANK).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
    expect(pods.map((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1']);

    const logs = await call(logsRoute.GET as never, { path: `/api/v1/workspaces/vision/jobs/${name}/logs?rank=1&download=true`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(logs.status, logs.text).toBe(200);
    expect(logs.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(logs.headers.get('content-disposition')).toMatch(/-rank1\.log/);
    const bad = await call(logsRoute.GET as never, { path: `/api/v1/workspaces/vision/jobs/${name}/logs?rank=5`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(/^rank: /);

    const again = await call(rerunRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/jobs/${name}/rerun`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(again.status, again.text).toBe(201);
    expect(again.json.name).toMatch(new RegExp(`^${name}-rerun-`));
    expect((await detail(again.json.name)).spec.command).toBe('python train.py');
  });

  it('explains a job asking for more GPUs than any node has: the resource, the pool, and what fits now', async () => {
    const name = await submit(`command: python train.py\nenvironment: {image: python:3.11-slim}\ncompute: azureml:gpu\nresources: {instance_type: ${types.gpu8}}\n`);
    const p = await pendingOf(name, 'insufficient');
    const r = p.reasons.find((x) => x.code === 'insufficient')!;
    expect(r).toMatchObject({ resource: 'nvidia.com/gpu', pool: 'gpupool' });
    expect(r.message).toMatch(/needs 8 nvidia\.com\/gpu per instance; the most free on one node of pool gpupool is 4/);
    expect(p.alternatives).toContainEqual(expect.objectContaining({ computeTarget: 'gpu', instanceType: types.gpu4 }));
  });

  it('explains a quota overflow with the quota’s own numbers', async () => {
    const name = await submit(`command: python train.py\nenvironment: {image: python:3.11-slim}\ncompute: azureml:small\nresources: {instance_type: ${types.big}}\n`);
    const p = await pendingOf(name, 'quota');
    expect(p.reasons.find((x) => x.code === 'quota')!.message).toMatch(/quota .* is used up: requested .*cpu=2.*limit .*cpu=1/);
  });

  it('names the taint a GPU size without a pool selector does not tolerate', async () => {
    const name = await submit(`command: python train.py\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\nresources: {instance_type: ${types.gpuNoSel}}\n`);
    const p = await pendingOf(name, 'untolerated_taint');
    expect(p.reasons.find((x) => x.code === 'untolerated_taint')!.message).toMatch(/sku/);
  });
});
