// testbed/cluster.mjs lifecycle: a second cluster runs beside the test cluster, `up` on a healthy cluster is a
// no-op, `up` after a crash (processes killed, stale leases) recovers, and `down` leaves no process and no port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { down, up } from './cluster.mjs';
import { k8sSkipReason, kubeConfig, kubeconfigPath, waitFor } from './test-helpers';

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
