// testbed/cluster.mjs lifecycle: a second cluster runs beside the test cluster, `up` on a healthy cluster is a
// no-op, `up` after a crash (processes killed, stale leases) recovers, and `down` leaves no process and no port.
// testbed/sim-logs.mjs: a pod annotated harbormaster.io/sim-log: command serves what its command echoes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Log, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { MAIN_CONTAINER } from '@/server/kube/manifests/job';
import { LAUNCHER_SCRIPT } from '@/server/kube/manifests/launcher.job';
import { down, up } from './cluster.mjs';
import { k8sSkipReason, kubeConfig, kubeconfigPath, testNamespace, uniqueName, waitFor } from './test-helpers';

type ClusterInfo = Awaited<ReturnType<typeof up>>;

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function readyNodeNames(kubeconfigPath: string): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
  return nodes
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata!.name!)
    .sort();
}

describe.skipIf(k8sSkipReason)('testbed cluster lifecycle', () => {
  let stateDir = '';
  let second: ClusterInfo | undefined;

  beforeAll(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-k8s-second-'));
  });
  afterAll(async () => {
    if (!stateDir) return;
    await down({ stateDir, quiet: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs a second cluster (onprem-factory profile) beside the test cluster', async () => {
    second = await up({ profile: 'onprem-factory', stateDir });
    const first = kubeConfig().getCurrentCluster()!.server;
    expect(second.apiServerUrl).not.toBe(first);
    expect(await readyNodeNames(second.kubeconfigPath)).toEqual(['fab-cpu-01', 'fab-cpu-02', 'fab-cpu-03', 'fab-edge-line3-01', 'fab-gpu-01']);
    // the test cluster is untouched and still answers with its own nodes
    expect(await readyNodeNames(kubeconfigPath())).toHaveLength(6);
  });

  it('treats `up` on a healthy cluster as a no-op', async () => {
    const again = await up({ profile: 'onprem-factory', stateDir, quiet: true });
    expect(again.pids).toEqual(second!.pids);
    expect(again.apiServerUrl).toBe(second!.apiServerUrl);
  });

  it('recovers with `up` after its processes were killed', async () => {
    for (const pid of Object.values(second!.pids)) process.kill(pid, 'SIGKILL');
    await waitFor(() => Object.values(second!.pids).every((pid) => !alive(pid)), { what: 'killed processes to exit', timeoutMs: 10_000 });
    const restarted = await up({ profile: 'onprem-factory', stateDir, quiet: true });
    expect(Object.values(restarted.pids).some((pid) => Object.values(second!.pids).includes(pid))).toBe(false);
    // etcd data survived, and KWOK took the nodes over at once (stale node leases are removed before it starts)
    expect(await readyNodeNames(restarted.kubeconfigPath)).toHaveLength(5);
    second = restarted;
  });

  it('`down` stops every process and frees every port', async () => {
    const { pids, ports } = second!;
    await down({ stateDir, quiet: true });
    for (const [name, pid] of Object.entries(pids)) expect(alive(pid), `${name} (pid ${pid})`).toBe(false);
    for (const [name, port] of Object.entries(ports)) expect(await listening(port), `${name} port ${port}`).toBe(false);
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
    expect(state.running).toBe(false);
  });
});

describe.skipIf(k8sSkipReason)('per-pod logs from the pod command (testbed/sim-logs.mjs)', () => {
  const ns = testNamespace('sim-logs');
  const metric = (loss: number, step: number) => `HARBORMASTER_METRIC loss=${loss} step=${step}`;
  // As server/kube/manifests/job.ts runs a job: the user's rendered command is element [4] of the main container's command.
  const script = (first: string, second: string) => `echo "${first}"; sleep 1; echo "${second}"`;

  function job(name: string, command: string, annotations: Record<string, string>): V1Job {
    return {
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { annotations },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: MAIN_CONTAINER, image: 'busybox:1.37', command: ['/bin/sh', '-c', LAUNCHER_SCRIPT, 'harbormaster-launcher', command] }],
          },
        },
      },
    };
  }

  async function podOf(jobName: string, what: string, ok: (p: V1Pod) => boolean): Promise<V1Pod> {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    return waitFor(
      async () => (await core.listNamespacedPod({ namespace: ns.name, labelSelector: `job-name=${jobName}` })).items.find(ok),
      { what: `${what} of Job ${jobName}`, timeoutMs: 30_000 },
    );
  }

  it('streams the echoed lines on the script timeline, keeps them after the end, and leaves other pods the sample', async () => {
    const kc = kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    // a start delay leaves time to start following the log while the pod is still Pending
    const sim = { 'harbormaster.io/sim-log': 'command', 'harbormaster.io/sim-duration': '4s', 'harbormaster.io/sim-start-delay': '2s' };
    const [a, b, plain] = [uniqueName('sim-a'), uniqueName('sim-b'), uniqueName('plain')];
    await batch.createNamespacedJob({ namespace: ns.name, body: job(a, script(metric(0.9, 1), metric(0.5, 2)), sim) });
    await batch.createNamespacedJob({ namespace: ns.name, body: job(b, script(metric(0.7, 1), metric(0.3, 2)), sim) });
    await batch.createNamespacedJob({ namespace: ns.name, body: job(plain, 'echo not served', { 'harbormaster.io/sim-duration': '2s' }) });

    // The contract: the ready annotation comes after the pod's Logs object, and before the pod may run.
    const pod = await podOf(a, 'scheduled pod with sim-log-ready', (p) => !!p.spec?.nodeName && p.metadata?.annotations?.['harbormaster.io/sim-log-ready'] === 'true');
    const podName = pod.metadata!.name!;
    expect(pod.status?.phase).toBe('Pending');
    const logs = (await custom.getNamespacedCustomObject({ group: 'kwok.x-k8s.io', version: 'v1alpha1', namespace: ns.name, plural: 'logs', name: podName })) as {
      metadata: { ownerReferences: { kind: string; uid: string }[] };
    };
    expect(logs.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', uid: pod.metadata!.uid })]);

    const arrivals: { at: number; line: string }[] = [];
    let partial = '';
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) arrivals.push({ at: Date.now(), line });
    });
    // kwok's follow never ends by itself (it cannot tell the container ended): the test stops it.
    const following = new Log(kc).log(ns.name, podName, MAIN_CONTAINER, out, { follow: true, timestamps: true });
    try {
      await waitFor(() => arrivals.length >= 2, { what: 'two followed lines', timeoutMs: 30_000 });
    } finally {
      (await following).abort();
    }
    expect(arrivals.map((l) => l.line.replace(/^\S+ /, ''))).toEqual([metric(0.9, 1), metric(0.5, 2)]);
    const gap = arrivals[1].at - arrivals[0].at;
    expect(gap).toBeGreaterThan(700);
    expect(gap).toBeLessThan(2500);
    const [t1, t2] = arrivals.map((l) => Date.parse(l.line.split(' ')[0]));
    expect(t2 - t1).toBe(1000);

    for (const [name, lines] of [
      [a, [metric(0.9, 1), metric(0.5, 2)]],
      [b, [metric(0.7, 1), metric(0.3, 2)]],
    ] as const) {
      const done = await podOf(name, 'Succeeded pod', (p) => p.status?.phase === 'Succeeded');
      const text = await core.readNamespacedPodLog({ name: done.metadata!.name!, namespace: ns.name, container: MAIN_CONTAINER });
      expect(text).toBe(lines.map((l) => `${l}\n`).join(''));
    }

    const other = await podOf(plain, 'Succeeded pod', (p) => p.status?.phase === 'Succeeded');
    const sample = await core.readNamespacedPodLog({ name: other.metadata!.name!, namespace: ns.name, container: MAIN_CONTAINER });
    expect(sample).toMatch(/^\[harbormaster-sim\] container started/);
    expect(sample).not.toContain('not served');

    // the Logs object goes with its pod (ownerReference, garbage collector)
    await batch.deleteNamespacedJob({ name: a, namespace: ns.name, propagationPolicy: 'Background' });
    await waitFor(
      () =>
        custom.getNamespacedCustomObject({ group: 'kwok.x-k8s.io', version: 'v1alpha1', namespace: ns.name, plural: 'logs', name: podName }).then(
          () => false,
          (err: { code?: number }) => err.code === 404,
        ),
      { what: `Logs ${podName} to be garbage-collected`, timeoutMs: 30_000 },
    );
  });
});
