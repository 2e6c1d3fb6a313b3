// The local Kubernetes testbed behaves like a real cluster where Harbormaster can see it: GPU nodes, the real
// scheduler (binding, taints, FailedScheduling), Jobs that run and finish, logs, Deployments, and the failure
// states simulated by annotations (testbed/README.md). Runs in the vitest project `k8s`.
import { beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  Log,
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';

const GPU = 'nvidia.com/gpu';
// An Azure ML (amlarc) InstanceType pins workloads with a nodeSelector; this is the GPU pool's AKS label.
const GPU_POOL_SELECTOR = { 'kubernetes.azure.com/agentpool': 'gpupool' };
const GPU_TOLERATION = { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' };

function container(resources: Record<string, string> = { cpu: '100m', memory: '128Mi' }): V1Container {
  return {
    name: 'main',
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
    command: ['python', 'train.py'],
    resources: { requests: resources, limits: resources },
  };
}

function jobBody(name: string, opts: { annotations?: Record<string, string>; gpus?: number } = {}): V1Job {
  const resources: Record<string, string> = { cpu: '1', memory: '2Gi' };
  if (opts.gpus) resources[GPU] = String(opts.gpus);
  return {
    metadata: { name },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: { app: name }, annotations: opts.annotations },
        spec: {
          restartPolicy: 'Never',
          ...(opts.gpus ? { nodeSelector: GPU_POOL_SELECTOR, tolerations: [GPU_TOLERATION] } : {}),
          containers: [container(resources)],
        },
      },
    },
  };
}

function deploymentBody(name: string, replicas: number, annotations?: Record<string, string>) {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [container()] },
      },
    },
  };
}

const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe.skipIf(k8sSkipReason)('local Kubernetes testbed', () => {
  const ns = testNamespace('testbed');
  // Created in beforeAll: a skipped suite still runs this callback to collect its tests.
  let kc: KubeConfig;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let apps: AppsV1Api;
  beforeAll(() => {
    kc = kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });

  const podsOf = async (app: string) =>
    (await core.listNamespacedPod({ namespace: ns.name, labelSelector: `app=${app}` })).items;
  const onePod = (app: string, what: string, pred: (p: V1Pod) => boolean, timeoutMs = 60_000) =>
    waitFor(async () => (await podsOf(app)).find(pred), { what: `${what} (app=${app})`, timeoutMs });

  it('lists Ready nodes, two of them GPU nodes with 4 GPUs, the AKS labels and the sku=gpu taint', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes.length).toBe(6);
    for (const n of nodes) {
      expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, n.metadata?.name).toBe('True');
    }
    const gpuNodes = nodes.filter((n) => Number(n.status?.capacity?.[GPU] ?? 0) > 0);
    expect(gpuNodes.map((n) => n.metadata?.name).sort()).toEqual(['tb-gpu-0', 'tb-gpu-1']);
    for (const n of gpuNodes) {
      expect(n.status?.allocatable?.[GPU]).toBe('4');
      expect(n.metadata?.labels).toMatchObject({ ...GPU_POOL_SELECTOR, 'kubernetes.azure.com/accelerator': 'nvidia' });
      expect(n.spec?.taints).toContainEqual({ key: 'sku', value: 'gpu', effect: 'NoSchedule' });
    }
    const edge = nodes.find((n) => n.metadata?.name === 'tb-edge-0');
    expect(edge?.metadata?.labels?.['kubernetes.io/arch']).toBe('arm64');
  });

  it('schedules a 1-GPU Job with the pool nodeSelector and toleration onto a GPU node, where it Succeeds', async () => {
    const name = uniqueName('gpu-job');
    await batch.createNamespacedJob({ namespace: ns.name, body: jobBody(name, { gpus: 1 }) });
    const job = await waitFor(
      async () => {
        const j = await batch.readNamespacedJob({ name, namespace: ns.name });
        return j.status?.succeeded === 1 ? j : undefined;
      },
      { what: `Job ${name} to succeed` },
    );
    expect(job.status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');
    const [pod] = await podsOf(name);
    expect(pod.spec?.nodeName).toMatch(/^tb-gpu-/);
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('leaves a 99-GPU Job Pending with a FailedScheduling event: Insufficient nvidia.com/gpu', async () => {
    const name = uniqueName('huge-job');
    await batch.createNamespacedJob({ namespace: ns.name, body: jobBody(name, { gpus: 99 }) });
    const pod = await onePod(name, 'pod created by the Job', () => true);
    const event = await waitFor(
      async () => {
        const events = await core.listNamespacedEvent({ namespace: ns.name, fieldSelector: 'reason=FailedScheduling' });
        return events.items.find((e) => e.involvedObject.name === pod.metadata?.name);
      },
      { what: 'FailedScheduling event' },
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toContain(`Insufficient ${GPU}`);
    const current = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace: ns.name });
    expect(current.status?.phase).toBe('Pending');
    expect(current.spec?.nodeName).toBeUndefined();
    expect(current.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
  });

  it('serves pod logs: a tail through readNamespacedPodLog and a followed stream through Log', async () => {
    const name = uniqueName('log-job');
    await batch.createNamespacedJob({ namespace: ns.name, body: jobBody(name) });
    const pod = await onePod(name, 'running pod', (p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded');
    const podName = pod.metadata!.name!;

    const tail = await core.readNamespacedPodLog({ name: podName, namespace: ns.name, container: 'main', tailLines: 2 });
    const lines = tail.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Training finished');

    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const controller = await new Log(kc).log(ns.name, podName, 'main', out, { follow: true });
    try {
      await waitFor(() => text.includes('Training finished'), { what: 'streamed log to reach the end', timeoutMs: 20_000 });
    } finally {
      controller.abort();
    }
    expect(text).toMatch(/^\[harbormaster-sim\] container started/);
    expect(text).toMatch(/epoch 10 validation accuracy/);
  });

  it('runs a Deployment of 2 replicas to 2 Ready pods', async () => {
    const name = uniqueName('web');
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deploymentBody(name, 2) });
    await waitFor(
      async () => {
        const d = await apps.readNamespacedDeployment({ name, namespace: ns.name });
        return d.status?.readyReplicas === 2 && d.status?.availableReplicas === 2;
      },
      { what: `Deployment ${name} 2/2 ready` },
    );
    const pods = await podsOf(name);
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status?.phase).toBe('Running');
      expect(isReady(p)).toBe(true);
      expect(p.status?.podIP).toMatch(/^10\.244\./);
    }
  });

  describe('failure annotations', () => {
    it('harbormaster.io/sim-exit-code: the Job pod Fails with exit code 1 (reason Error) and the Job fails', async () => {
      const name = uniqueName('fail-job');
      await batch.createNamespacedJob({ namespace: ns.name, body: jobBody(name, { annotations: { 'harbormaster.io/sim-exit-code': '1' } }) });
      const job = await waitFor(
        async () => {
          const j = await batch.readNamespacedJob({ name, namespace: ns.name });
          return j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
        },
        { what: `Job ${name} to fail` },
      );
      expect(job.status?.succeeded ?? 0).toBe(0);
      const [pod] = await podsOf(name);
      expect(pod.status?.phase).toBe('Failed');
      expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    });

    it('harbormaster.io/sim-image-pull-error: the pod stays Pending in ImagePullBackOff', async () => {
      const name = uniqueName('bad-image');
      await apps.createNamespacedDeployment({
        namespace: ns.name,
        body: deploymentBody(name, 1, { 'harbormaster.io/sim-image-pull-error': 'manifest unknown' }),
      });
      const pod = await onePod(name, 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff');
      expect(pod.status?.phase).toBe('Pending');
      expect(pod.spec?.nodeName).toBeTruthy();
      expect(pod.status?.containerStatuses?.[0].state?.waiting?.message).toContain('Back-off pulling image');
      expect(isReady(pod)).toBe(false);
      const events = await core.listNamespacedEvent({ namespace: ns.name, fieldSelector: `involvedObject.name=${pod.metadata!.name}` });
      expect(events.items.map((e) => e.message)).toContain('Error: ErrImagePull');
    });

    it('harbormaster.io/sim-crash-loop: CrashLoopBackOff with a rising restartCount', async () => {
      const name = uniqueName('crasher');
      await apps.createNamespacedDeployment({ namespace: ns.name, body: deploymentBody(name, 1, { 'harbormaster.io/sim-crash-loop': 'true' }) });
      const inBackOff = (p: V1Pod) => p.status?.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff';
      const first = await onePod(name, 'CrashLoopBackOff', inBackOff);
      const firstCount = first.status!.containerStatuses![0].restartCount;
      const later = await onePod(name, 'CrashLoopBackOff with more restarts', (p) => inBackOff(p) && p.status!.containerStatuses![0].restartCount > firstCount);
      const status = later.status!.containerStatuses![0];
      expect(status.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      expect(status.ready).toBe(false);
      expect(later.status?.phase).toBe('Running');
    });

    it('harbormaster.io/sim-never-ready: Running but never Ready, while a plain pod started with it is Ready', async () => {
      const name = uniqueName('never-ready');
      const control = uniqueName('control');
      await apps.createNamespacedDeployment({ namespace: ns.name, body: deploymentBody(name, 1, { 'harbormaster.io/sim-never-ready': 'true' }) });
      await apps.createNamespacedDeployment({ namespace: ns.name, body: deploymentBody(control, 1) });
      await onePod(control, 'control pod Ready', isReady);
      const pod = await onePod(name, 'Running pod', (p) => p.status?.phase === 'Running');
      // well past the control pod's start, it is still not Ready
      await new Promise((r) => setTimeout(r, 2000));
      const again = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace: ns.name });
      expect(again.status?.phase).toBe('Running');
      expect(again.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
      expect(again.status?.containerStatuses?.[0]).toMatchObject({ started: true, ready: false });
      const d = await apps.readNamespacedDeployment({ name, namespace: ns.name });
      expect(d.status?.readyReplicas ?? 0).toBe(0);
    });

    it('harbormaster.io/sim-node-down (node label): heartbeats stop, the node turns NotReady (Unknown), then recovers', async () => {
      const node = 'tb-edge-0';
      const patch = (labels: Record<string, string | null>) =>
        core.patchNode({ name: node, body: { metadata: { labels } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      const readyOf = async () => (await core.readNode({ name: node })).status?.conditions?.find((c) => c.type === 'Ready');
      await patch({ 'harbormaster.io/sim-node-down': 'true' });
      try {
        const notReady = await waitFor(async () => {
          const c = await readyOf();
          return c?.status !== 'True' ? c : undefined;
        }, { what: `${node} NotReady`, timeoutMs: 60_000 });
        expect(notReady.status).toBe('Unknown');
        expect(notReady.reason).toBe('NodeStatusUnknown');
        const tainted = await waitFor(async () => (await core.readNode({ name: node })).spec?.taints?.find((t) => t.key === 'node.kubernetes.io/unreachable'), {
          what: `${node} unreachable taint`,
        });
        expect(tainted.effect).toMatch(/NoSchedule|NoExecute/);
      } finally {
        await patch({ 'harbormaster.io/sim-node-down': null });
      }
      await waitFor(async () => (await readyOf())?.status === 'True', { what: `${node} Ready again`, timeoutMs: 60_000 });
    });
  });
});
