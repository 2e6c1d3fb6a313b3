// Models from jobs on the local API server (issue: model registry with lineage): a job with a model output
// completes, the registrar registers it as a version with the job's lineage (target, cluster, the PVC path it
// wrote to, image, inputs); a later job that takes `azureml:<model>:<version>` as an input gets that PVC path
// mounted read-only; an unknown version is refused naming the input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import { startJobStatusReconciler } from '../runtime/job-status';
import { startModelRegistrar } from '../runtime/models';
import { castWithCluster } from './clusters.k8s-support';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as versionRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/[version]/route';

const CLUSTER = 'tb-models';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-models-k8s-'));

describe.skipIf(k8sSkipReason)('models from jobs on the local API server', () => {
  const ns = testNamespace('hm-models');
  const pvName = uniqueName('hm-models-pv');
  let cast: Cast;
  let stops: Array<() => void> = [];
  const params = { workspace: 'vision' };

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    // A PVC labelled as Azure ML's: job outputs go there (and stay). Bound to a static volume (the testbed has no
    // provisioner), or pods using it would never be scheduled.
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.createPersistentVolume({
      body: { metadata: { name: pvName }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], storageClassName: '', hostPath: { path: `/tmp/${pvName}` }, persistentVolumeReclaimPolicy: 'Delete' } },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: ns.name,
      body: { metadata: { name: 'ml-data', labels: { 'ml.azure.com/pvc': 'true' } }, spec: { accessModes: ['ReadWriteMany'], storageClassName: '', volumeName: pvName, resources: { requests: { storage: '1Gi' } } } },
    });
    await waitFor(async () => (await core.readNamespacedPersistentVolumeClaim({ name: 'ml-data', namespace: ns.name })).status?.phase === 'Bound', { what: 'the PVC to be bound' });
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([{ workspaceId: vision.id, name: 'cpu', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype'] }]);
    stops = [startJobStatusReconciler(cast.db.db, { tickMs: 500 }), startModelRegistrar(cast.db.db, { tickMs: 500 })];
  }, 120_000);

  afterAll(async () => {
    for (const s of stops) s();
    stopLoop();
    await kubeConfig().makeApiClient(CoreV1Api).deletePersistentVolume({ name: pvName }).catch(() => undefined);
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const submit = async (yaml: string, expectStatus = [201, 202]) => {
    const r = await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', token: cast.users.dsVision.token, rawBody: yaml, headers: { 'content-type': 'application/yaml' }, params });
    expect(expectStatus, r.text).toContain(r.status);
    return r;
  };

  it('a completed job’s model output becomes a version with its lineage, and a later job mounts it', async () => {
    const job = uniqueName('train');
    const model = uniqueName('clf');
    await submit(
      `name: ${job}\ncommand: python train.py --epochs \${{inputs.epochs}} --out \${{outputs.model}}\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\ninputs: {epochs: 3}\noutputs: {model: {type: mlflow_model, name: ${model}}}\ntags: {harbormaster.io/sim-duration: 2s}\n`,
    );
    const v = await waitFor(
      async () => {
        const r = await call(versionRoute.GET as never, { path: `/api/v1/workspaces/vision/models/${model}/versions/1`, token: cast.users.dsVision.token, params: { ...params, name: model, version: '1' } });
        return r.status === 200 ? r.json : undefined;
      },
      { what: `model ${model} version 1`, timeoutMs: 60_000 },
    );
    expect(v).toMatchObject({
      name: model,
      version: '1',
      type: 'mlflow_model',
      path: `azureml://jobs/${job}/outputs/model`,
      location: { kind: 'job-output', storage: { cluster: CLUSTER, namespace: ns.name, claim: 'ml-data', path: `jobs/${job}/outputs/model` } },
      lineage: { job: { name: job, computeTarget: 'cpu', cluster: CLUSTER, namespace: ns.name, image: 'python:3.11-slim', inputs: { epochs: '3' }, status: 'Completed', exists: true }, deployments: [] },
    });

    // A job that takes the model as an input: the PVC path is mounted read-only where the input is expected.
    const scorer = uniqueName('score');
    await submit(`name: ${scorer}\ncommand: python score.py --model \${{inputs.model}}\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\ninputs: {model: {type: mlflow_model, path: "azureml:${model}:1"}}\ntags: {harbormaster.io/sim-duration: 1s}\n`);
    const k8sJob = await kubeConfig().makeApiClient(BatchV1Api).readNamespacedJob({ name: scorer, namespace: ns.name });
    const pod = k8sJob.spec!.template.spec!;
    const vol = pod.volumes!.find((x) => x.persistentVolumeClaim?.claimName === 'ml-data' && x.persistentVolumeClaim.readOnly);
    expect(vol).toBeTruthy();
    const mount = pod.containers[0].volumeMounts!.find((m) => m.name === vol!.name);
    expect(mount).toMatchObject({ mountPath: '/mnt/azureml/inputs/model', subPath: `jobs/${job}/outputs/model`, readOnly: true });
    expect(pod.containers[0].command!.join(' ')).toContain('python score.py --model /mnt/azureml/inputs/model');

    // @latest resolves; an unknown version is refused naming the input.
    await submit(`command: python score.py --model \${{inputs.m}}\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\ninputs: {m: {type: mlflow_model, path: "azureml:${model}@latest"}}\ntags: {harbormaster.io/sim-duration: 1s}\n`);
    const bad = await submit(`command: python score.py --model \${{inputs.m}}\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\ninputs: {m: {type: mlflow_model, path: "azureml:${model}:7"}}\n`, [400]);
    expect(bad.json.detail).toBe(`inputs.m.path: azureml:${model}:7: model ${model} has no version 7`);
  }, 120_000);
});
