// Jobs against the local API server (testbed): every conformance job file and every distribution type goes
// through POST …/jobs?dryRun=true, whose objects the API server checks with a server-side dry run; then a real
// submit with its code creates the Job (and its owned token Secret), the pod's token fetches the snapshot,
// Idempotency-Key replays, the status is read back, and cancel removes it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { call, createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { LABELS } from '@/lib/domain';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { KubeClient } from '../kube/client';
import { serverSideApply } from '../kube/apply';
import { kubeObject } from '../kube/plan';
import { instanceTypeCrd } from '../kube/manifests/instance-type-crd';
import { castWithCluster } from './clusters.k8s-support';
import { verifyFetchToken } from './code-assets';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as jobRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/route';
import * as cancelRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/cancel/route';
import * as blobRoute from '@/app/api/v1/code/[sha256]/[[...name]]/route';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();
const CLUSTER = 'tb-jobs';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-jobs-k8s-'));

describe.skipIf(k8sSkipReason)('jobs on the local API server', () => {
  const ns = testNamespace('hm-jobs');
  const gpu2 = uniqueName('jt-gpu2');
  const gpu8 = uniqueName('jt-gpu8');
  let cast: Cast;
  const params = { workspace: 'vision' };
  const batch = () => kubeConfig().makeApiClient(BatchV1Api);
  const core = () => kubeConfig().makeApiClient(CoreV1Api);

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    const client = new KubeClient(kubeConfig());
    await serverSideApply(client, kubeObject(instanceTypeCrd()));
    await waitFor(async () => {
      try {
        await client.get('/apis/amlarc.azureml.com/v1alpha1/instancetypes');
        return true;
      } catch {
        return false;
      }
    }, { what: 'the InstanceType CRD to be served' });
    for (const [name, gpus] of [[gpu2, 2], [gpu8, 8]] as const) {
      await serverSideApply(client, {
        apiVersion: 'amlarc.azureml.com/v1alpha1',
        kind: 'InstanceType',
        metadata: { name },
        spec: { nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpupool' }, resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': gpus } } },
      });
    }
    client.close();
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([
      { workspaceId: vision.id, name: 'cpu-cluster', clusterId: cluster.id, namespace: ns.name, defaultInstanceType: 'defaultinstancetype', serviceAccount: 'default' },
      { workspaceId: vision.id, name: 'gpu-cluster', clusterId: cluster.id, namespace: ns.name, defaultInstanceType: gpu2, allowedInstanceTypes: [gpu2, gpu8], serviceAccount: 'default' },
      { workspaceId: vision.id, name: 'gone-ns', clusterId: cluster.id, namespace: uniqueName('missing'), serviceAccount: 'default' },
    ]);
  });
  afterAll(async () => {
    const client = new KubeClient(kubeConfig());
    for (const name of [gpu2, gpu8]) await client.request('DELETE', `/apis/amlarc.azureml.com/v1alpha1/instancetypes/${name}`).catch(() => undefined);
    client.close();
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (text: string, opts: { dryRun?: boolean; key?: string } = {}) =>
    call(jobsRoute.POST as never, {
      method: 'POST',
      path: `/api/v1/workspaces/vision/jobs${opts.dryRun === false ? '' : '?dryRun=true'}`,
      token: cast.users.dsVision.token,
      rawBody: text,
      headers: { 'content-type': 'application/yaml', ...(opts.key ? { 'idempotency-key': opts.key } : {}) },
      params,
    });
  const messages = (r: { json: { warnings?: Array<{ message: string }> } }) => (r.json.warnings ?? []).map((w) => w.message).join('\n');

  it('checks every conformance job file’s objects with the API server (server-side dry run)', async () => {
    const files = fs.readdirSync(CONFORMANCE).filter((f) => f.includes('__jobs__'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    const verdicts: Record<string, string> = {};
    for (const f of files) {
      const text = fs.readFileSync(path.join(CONFORMANCE, f), 'utf8').replace(/^compute:.*$/m, `compute: azureml:${/gpu/.test(f) ? 'gpu-cluster' : 'cpu-cluster'}`);
      const r = await post(text);
      if (r.status === 200) {
        expect(messages(r), f).not.toMatch(/not (validated|checked) by the API server|could not be read/);
        expect(r.json.objects.length, f).toBeGreaterThan(0);
        verdicts[f] = 'valid';
      } else {
        expect(r.status, `${f}: ${r.text}`).toBe(400);
        expect(r.json.errors.length).toBeGreaterThan(0);
        verdicts[f] = `refused: ${r.json.errors.map((e: { path: string }) => e.path).join(', ')}`;
      }
    }
    expect(verdicts).toMatchObject({
      'cli__jobs__single-step__basics__hello-iris.yml': 'refused: code',
      'cli__jobs__single-step__r__iris__job.yml': 'refused: environment.build',
      'cli__jobs__single-step__basics__hello-world.yml': 'valid',
      'cli__jobs__single-step__pytorch__cifar-distributed__job.yml': 'valid',
      'cli__jobs__single-step__lightgbm__iris__job-sweep.yml': 'valid',
      'cli__jobs__single-step__tensorflow__mnist__job.yml': 'valid',
    });
  });

  const distributed = (distribution: string, count: number) => `command: python train.py
environment: {image: python:3.11-slim}
compute: azureml:gpu-cluster
resources: {instance_count: ${count}}
distribution: ${distribution}
`;

  it.each([
    ['pytorch on 2 nodes × 2 processes', distributed('{type: pytorch, process_count_per_instance: 2}', 2), ['Job', 'Service']],
    ['tensorflow with a parameter server', distributed('{type: tensorflow, worker_count: 2, parameter_server_count: 1}', 3), ['Job', 'Service']],
    ['tensorflow with more workers than instances', distributed('{type: tensorflow, worker_count: 4, parameter_server_count: 1}', 2), ['Job', 'Service']],
    ['mpi on 2 nodes', distributed('{type: mpi, process_count_per_instance: 4}', 2), ['Job', 'Secret', 'Service']],
    ['mpi on one node', distributed('{type: mpi, process_count_per_instance: 4}', 1), ['Job']],
  ])('checks %s with the API server, tolerating the GPU pool’s taint', async (_what, text, kinds) => {
    const r = await post(text);
    expect(r.status, r.text).toBe(200);
    expect(r.json.objects.map((o: { kind: string }) => o.kind).sort()).toEqual(kinds);
    const job = r.json.objects.find((o: { kind: string }) => o.kind === 'Job');
    expect(job.spec.template.spec.tolerations).toContainEqual({ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' });
    expect(job.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.azure.com/agentpool': 'gpupool' });
    expect(r.json.placement).toMatchObject({ instanceType: { name: gpu2 }, reachable: true });
    expect(messages(r)).not.toMatch(/not (validated|checked) by the API server/);
  });

  it('warns when no node can ever fit the instance type, when the cluster is too small, and when there is no room right now', async () => {
    const never = await post(distributed('{type: pytorch}', 1).replace('resources: {instance_count: 1}', `resources: {instance_count: 1, instance_type: ${gpu8}}`));
    expect(never.status).toBe(200);
    expect(never.json.warnings).toContainEqual({ path: 'resources.instance_type', message: expect.stringMatching(/no node of cluster .* can run an instance of/) });
    const tooMany = await post(distributed('{type: pytorch}', 6));
    expect(tooMany.json.warnings).toContainEqual({ path: 'resources.instance_type', message: expect.stringMatching(/holds at most 4 instance\(s\) .* fewer than the 6 instance/) });
    // Other work takes 3 of the 4 GPUs of each GPU node: a 2-GPU instance fits nowhere right now.
    const hogs = ['tb-gpu-0', 'tb-gpu-1'].map((node) => ({
      metadata: { name: uniqueName(`hog-${node}`), namespace: ns.name },
      spec: {
        nodeName: node,
        tolerations: [{ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
        containers: [{ name: 'hog', image: 'busybox:1.36', resources: { requests: { 'nvidia.com/gpu': '3' }, limits: { 'nvidia.com/gpu': '3' } } }],
      },
    }));
    for (const pod of hogs) await core().createNamespacedPod({ namespace: ns.name, body: pod as never });
    try {
      const busy = await waitFor(async () => {
        const r = await post(distributed('{type: pytorch}', 1));
        return r.json.warnings?.some((w: { message: string }) => /no capacity right now/.test(w.message)) ? r : undefined;
      }, { what: 'the no-capacity warning', timeoutMs: 30_000, intervalMs: 500 });
      expect(busy.status).toBe(200);
      expect(busy.json.warnings).toContainEqual({ path: 'resources.instance_type', message: expect.stringMatching(/no capacity right now: 0 of the 1 instance/) });
      expect(busy.json.placement.canStartNow).toBe(0);
    } finally {
      for (const pod of hogs) await core().deleteNamespacedPod({ name: pod.metadata.name, namespace: ns.name, gracePeriodSeconds: 0 }).catch(() => undefined);
    }
  });

  it('refuses, naming compute, a target whose namespace is gone', async () => {
    const r = await post('command: echo hi\nenvironment: {image: busybox:1.36}\ncompute: azureml:gone-ns\n');
    expect(r.status).toBe(400);
    expect(r.json.errors).toContainEqual({ path: 'compute', message: expect.stringMatching(/namespace .* does not exist/) });
  });

  it('submits with its code, replays the Idempotency-Key, serves the code to the pod’s token, reads the status and cancels', async () => {
    const yamlText = `command: python main.py
code: src
environment: {image: python:3.11-slim}
compute: azureml:cpu-cluster
name: submit-with-code
`;
    const form = () => {
      const f = new FormData();
      f.append('job', yamlText);
      f.append('files', new Blob(['print("hello from harbormaster")\n']), 'src/main.py');
      return f;
    };
    const send = async (f: FormData, key: string) => {
      const req = new NextRequest('http://127.0.0.1/api/v1/workspaces/vision/jobs', { method: 'POST', headers: { authorization: `Bearer ${cast.users.dsVision.token}`, 'idempotency-key': key }, body: f });
      const res = await jobsRoute.POST(req, { params: Promise.resolve(params) });
      return { status: res.status, headers: res.headers, json: JSON.parse(await res.text()) };
    };
    const first = await send(form(), 'submit-key-1');
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    expect(first.json).toMatchObject({ name: 'submit-with-code', status: 'Queued' });
    const again = await send(form(), 'submit-key-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const changed = form();
    changed.set('job', yamlText.replace('main.py', 'other.py'));
    expect((await send(changed, 'submit-key-1')).status).toBe(422);

    const listed = await batch().listNamespacedJob({ namespace: ns.name, labelSelector: `${LABELS.job}=submit-with-code` });
    expect(listed.items).toHaveLength(1);
    const job = listed.items[0];
    expect(job.metadata?.labels).toMatchObject({ [LABELS.managedBy]: 'harbormaster', [LABELS.workspace]: 'vision', [LABELS.compute]: 'cpu-cluster' });
    const secret = await core().readNamespacedSecret({ name: 'submit-with-code-code', namespace: ns.name });
    expect(secret.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: job.metadata?.name, uid: job.metadata?.uid });

    // What the init container does: fetch the snapshot with the token from its Secret.
    const token = Buffer.from(secret.data!.token, 'base64').toString('utf8');
    const check = verifyFetchToken(token);
    expect(check.ok).toBe(true);
    const url = job.spec!.template.spec!.initContainers![0].env!.find((e) => e.name === 'HM_CODE_URL')!.value!;
    const sha = url.split('/').pop()!;
    const fetched = await call(blobRoute.GET as never, { path: `/api/v1/code/${sha}`, headers: { authorization: `Bearer ${token}` }, params: { sha256: sha } as never });
    expect(fetched.status).toBe(200);

    const detail = await waitFor(async () => {
      const d = await call(jobRoute.GET as never, { token: cast.users.auditor.token, params: { workspace: 'vision', name: 'submit-with-code' } });
      return d.json.live ? d : undefined;
    }, { what: 'the job detail with a live status' });
    expect(['Queued', 'Running', 'Completed', 'Failed']).toContain(detail.json.status);
    expect(detail.json.objects.find((o: { kind: string }) => o.kind === 'Secret').stringData.token).toBe('<redacted>');
    const list = await call(jobsRoute.GET as never, { token: cast.users.dsVision.token, params });
    expect(list.json.items.map((j: { name: string }) => j.name)).toContain('submit-with-code');

    const cancel = await call(cancelRoute.POST as never, { method: 'POST', token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'submit-with-code' } });
    expect(cancel.status).toBe(200);
    expect(cancel.json.status).toBe('Canceled');
    await waitFor(async () => (await batch().listNamespacedJob({ namespace: ns.name, labelSelector: `${LABELS.job}=submit-with-code` })).items.length === 0, { what: 'the Job to be deleted' });
    expect((await call(blobRoute.GET as never, { path: `/api/v1/code/${sha}`, headers: { authorization: `Bearer ${token}` }, params: { sha256: sha } as never })).status).toBe(403);
    expect((await call(cancelRoute.POST as never, { method: 'POST', token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'submit-with-code' } })).status).toBe(409);
  });
});
