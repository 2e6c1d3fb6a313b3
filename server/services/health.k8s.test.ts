// Every troubleshooting check, triggered by a real broken state of the local cluster (testbed failure
// annotations, nodes taken away from KWOK, deleted CRDs, odd instance types, a stale certificate …) and seen
// through GET-equivalent reads (clusterHealth with ping, as /api/v1/clusters/{name}/health does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import YAML from 'yaml';
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { HealthCheckCode, HealthCheckDto } from '@/lib/clusters/schemas';
import { createCast, type Cast } from '@/test/fixtures';
import { eq } from 'drizzle-orm';
import { k8sSkipReason, kubeConfig, kubeconfigPath, testNamespace, waitFor } from '@/testbed/test-helpers';
import { computeTargets, workspaces } from '../db/schema';
import { createPki, fullChain, opensslDate, type Pki } from '../kube/router/test-pki';
import { dropAllClusterCaches } from '../kube/cache';
import { getClusterRow } from './clusters';
import { clusterHealth } from './health';
import { installAndWait, registerTestCluster, testKubeconfig, purgeAndWait } from './clusters.k8s-support';

const NAME = 'tb-health';
const CNAME = 'ml.health.harbormaster.local';
const NODE_DOWN = 'harbormaster.io/sim-node-down';
const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;

describe.skipIf(k8sSkipReason)('health checks on real broken states', () => {
  let cast: Cast;
  let dir: string;
  let pki: Pki;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let crds: ApiextensionsV1Api;
  let objects: CustomObjectsApi;
  const settings = { enableInference: true, inferenceRouterServiceType: 'clusterIP', sslCname: CNAME, inferenceRouterHA: true };
  const targetNs = testNamespace('health-target');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-health-'));
    pki = createPki(dir);
    const kc = kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    crds = kc.makeApiClient(ApiextensionsV1Api);
    objects = kc.makeApiClient(CustomObjectsApi);
    cast = await createCast();
    await registerTestCluster(cast, NAME);
    const leaf = pki.issue('leaf', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    const { ext } = await installAndWait(cast, NAME, { settings, tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem } });
    if (ext.status !== 'installed') throw new Error(`install failed: ${ext.message}`);
  });
  afterAll(async () => {
    await purgeAndWait(cast, NAME);
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function health(name = NAME): Promise<Record<HealthCheckCode, HealthCheckDto>> {
    const report = await clusterHealth(cast.db.db, await getClusterRow(cast.db.db, name), { ping: true, waitMs: 5000 });
    return Object.fromEntries(report.checks.map((c) => [c.code, c])) as Record<HealthCheckCode, HealthCheckDto>;
  }
  /** Polls the health report until `pred` holds for the check (the cache follows the cluster through watches). */
  async function until(code: HealthCheckCode, pred: (c: HealthCheckDto) => boolean, what: string, timeoutMs = 40_000) {
    return waitFor(async () => {
      const c = (await health())[code];
      return pred(c) ? c : undefined;
    }, { what: `${code}: ${what}`, timeoutMs, intervalMs: 500 });
  }

  it('all checks pass on the freshly installed cluster', async () => {
    const h = await until('component_not_ready', (c) => c.status === 'ok', 'router ready');
    expect(h.detail).toMatch(/1 component ready: azureml-fe/);
    const all = await health();
    expect(Object.values(all).filter((c) => c.status !== 'ok').map((c) => `${c.code}: ${c.detail}`)).toEqual([]);
  });

  it('component_not_ready and warning_events: a router pod that cannot pull its image', async () => {
    const patch = (annotations: Record<string, string | null>) =>
      apps.patchNamespacedDeployment(
        { name: 'azureml-fe', namespace: 'azureml', body: { spec: { template: { metadata: { annotations } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await patch({ 'harbormaster.io/sim-image-pull-error': 'manifest unknown' });
    try {
      const c = await until('component_not_ready', (x) => x.status === 'error' && /ImagePullBackOff|ErrImagePull/.test(x.detail), 'image pull failure');
      expect(c.detail).toMatch(/Deployment azureml\/azureml-fe: 2 of 3 ready — pod azureml-fe-[a-z0-9-]+: (ErrImagePull|ImagePullBackOff): .*manifest unknown|Back-off pulling image/);
      expect(c.fix).toMatch(/ImagePullBackOff → check the image name/);
      const ev = await until('warning_events', (x) => x.status === 'warning', 'the kubelet\'s Failed events');
      expect(ev.detail).toMatch(/Failed on Pod azureml\/azureml-fe-.*Error: (ErrImagePull|ImagePullBackOff)/);
    } finally {
      await patch({ 'harbormaster.io/sim-image-pull-error': null });
    }
    await until('component_not_ready', (x) => x.status === 'ok', 'router ready again');
  });

  it('warning_events: a warning in the namespace of a compute target on the cluster counts, one elsewhere does not', async () => {
    const now = new Date().toISOString();
    await core.createNamespacedEvent({
      namespace: targetNs.name,
      body: {
        metadata: { name: 'train-abc.warning', namespace: targetNs.name },
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.',
        involvedObject: { kind: 'Pod', name: 'train-abc', namespace: targetNs.name },
        source: { component: 'default-scheduler' },
        firstTimestamp: now as never,
        lastTimestamp: now as never,
        count: 1,
      },
    });
    const row = await getClusterRow(cast.db.db, NAME);
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'health-target', clusterId: row.id, namespace: targetNs.name });
    try {
      const c = await until('warning_events', (x) => x.detail.includes(`${targetNs.name}/train-abc`), 'the scheduler warning in the target namespace');
      expect(c.status).toBe('warning');
      expect(c.detail).toMatch(new RegExp(`in the last hour in azureml, ${targetNs.name} — .*FailedScheduling on Pod ${targetNs.name}/train-abc: 0/4 nodes are available`));
    } finally {
      await cast.db.db.delete(computeTargets).where(eq(computeTargets.clusterId, row.id));
    }
    // Without the target its namespace is none of Harbormaster's business.
    const after = (await health()).warning_events;
    expect(after.detail).not.toContain(targetNs.name);
  });

  it('crd_missing: the InstanceType CRD deleted under an installed extension', async () => {
    await crds.deleteCustomResourceDefinition({ name: 'instancetypes.amlarc.azureml.com' });
    await waitFor(() => crds.readCustomResourceDefinition({ name: 'instancetypes.amlarc.azureml.com' }).then(() => false, isNotFound), { what: 'CRD deleted' });
    const c = (await health()).crd_missing;
    expect(c).toMatchObject({ status: 'error', detail: expect.stringMatching(/is missing although the ML extension is installed/) });
    const { ext } = await installAndWait(cast, NAME, { settings });
    expect(ext.status).toBe('installed');
    await until('crd_missing', (x) => x.status === 'ok', 'CRD back');
  });

  it('instancetype_no_node and instancetype_too_big: instance types no node can run', async () => {
    const body = (name: string, nodeSelector: Record<string, string>, cpu: string) => ({
      apiVersion: 'amlarc.azureml.com/v1alpha1',
      kind: 'InstanceType',
      metadata: { name },
      spec: { nodeSelector, resources: { requests: { cpu, memory: '1Gi' }, limits: { cpu, memory: '1Gi' } } },
    });
    const it = { group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes' };
    await objects.createClusterCustomObject({ ...it, body: body('health-nowhere', { 'kubernetes.azure.com/agentpool': 'h100pool' }, '1') });
    await objects.createClusterCustomObject({ ...it, body: body('health-huge', {}, '96') });
    try {
      const none = await until('instancetype_no_node', (x) => x.status === 'error', 'health-nowhere listed');
      expect(none.items).toEqual(['health-nowhere']);
      expect(none.detail).toMatch(/kubernetes.azure.com\/agentpool=h100pool/);
      const big = await until('instancetype_too_big', (x) => x.status === 'error', 'health-huge listed');
      expect(big.items).toEqual(['health-huge']);
      expect(big.detail).toMatch(/requests 96 CPU and the biggest matching node \(tb-gpu-\d+\) has 24 CPU allocatable/);
    } finally {
      await objects.deleteClusterCustomObject({ ...it, name: 'health-nowhere' });
      await objects.deleteClusterCustomObject({ ...it, name: 'health-huge' });
    }
    await until('instancetype_too_big', (x) => x.status === 'ok', 'instance types gone');
  });

  it('node_not_ready: a node whose kubelet stops reporting', async () => {
    const target = (await core.listNode()).items.map((n) => n.metadata!.name!).find((n) => n.startsWith('tb-edge'))!;
    await core.patchNode({ name: target, body: { metadata: { labels: { [NODE_DOWN]: 'true' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    try {
      const c = await until('node_not_ready', (x) => x.status === 'error', `${target} NotReady`, 60_000);
      expect(c.items).toEqual([target]);
      expect(c.detail).toMatch(new RegExp(`${target} \\(NodeStatusUnknown: Kubelet stopped posting node status`));
    } finally {
      await core.patchNode({ name: target, body: { metadata: { labels: { [NODE_DOWN]: null } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    }
    await until('node_not_ready', (x) => x.status === 'ok', `${target} Ready again`, 60_000);
  });

  it('gpu_capacity_missing: a GPU node that advertises no nvidia.com/gpu', async () => {
    const name = 'tb-gpu-nodriver';
    await core.createNode({
      body: {
        metadata: { name, labels: { 'kubernetes.azure.com/accelerator': 'nvidia', 'kubernetes.azure.com/agentpool': 'gpupool2', 'kubernetes.io/os': 'linux' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } },
        spec: { taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }] },
        status: { allocatable: { cpu: '24', memory: '220Gi', pods: '110' }, capacity: { cpu: '24', memory: '220Gi', pods: '110' } },
      },
    });
    try {
      const c = await until('gpu_capacity_missing', (x) => x.status === 'warning', 'the GPU node without capacity');
      expect(c.items).toEqual([name]);
      expect(c.detail).toMatch(/1 GPU node does not advertise nvidia.com\/gpu: tb-gpu-nodriver.*installNvidiaDevicePlugin=false/);
      expect(c.fix).toMatch(/installNvidiaDevicePlugin=true/);
    } finally {
      await core.deleteNode({ name });
    }
    await until('gpu_capacity_missing', (x) => x.status === 'ok', 'node gone');
  });

  it('router_ha_nodes: three router replicas pinned to a pool of two nodes; the install names the stuck pod', async () => {
    const narrow = { ...settings, nodeSelector: { 'kubernetes.azure.com/agentpool': 'cpupool' } };
    const { result, ext } = await installAndWait(cast, NAME, { settings: narrow });
    expect(result.warnings.join()).toMatch(/router placement: the router needs 3 schedulable node\(s\) matching nodeSelector kubernetes.azure.com\/agentpool=cpupool .* only 2 qualify/);
    expect(ext.status).toBe('failed');
    expect(ext.message).toMatch(/Deployment azureml\/azureml-fe is not ready \(\d of 3 ready.*pod azureml-fe-[a-z0-9-]+: Unschedulable: 0\/\d+ nodes are available/);
    const c = (await health()).router_ha_nodes;
    expect(c).toMatchObject({ status: 'error', detail: expect.stringMatching(/only 2 qualify: tb-cpu-\d+, tb-cpu-\d+/) });
    const { ext: back } = await installAndWait(cast, NAME, { settings, confirm: true });
    expect(back.status).toBe('installed');
    expect((await health()).router_ha_nodes.status).toBe('ok');
  });

  it('tls_expiring: a certificate that expires in ten days is accepted with a warning and reported', async () => {
    const soon = pki.issue('soon', { cn: CNAME, sans: [`DNS:${CNAME}`], endDate: opensslDate(new Date(Date.now() + 10 * 86_400_000 + 3_600_000)) });
    const { result, ext } = await installAndWait(cast, NAME, { settings, tls: { certPem: fullChain(pki, soon), keyPem: soon.keyPem } });
    expect(result.warnings.join()).toMatch(/the server certificate expires in 10 days/);
    expect(ext.status).toBe('installed');
    expect((await health()).tls_expiring).toMatchObject({ status: 'warning', detail: expect.stringMatching(/the uploaded certificate \(CN=ml.health.harbormaster.local\) expires in 10 days/) });
  });

  it('tls_invalid: the sslSecret replaced by a certificate for another host', async () => {
    const good = pki.issue('secret-good', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    const secret = (crt: string, key: string) => ({ metadata: { name: 'health-tls', namespace: 'azureml' }, type: 'Opaque', stringData: { 'cert.pem': crt, 'key.pem': key } });
    await core.createNamespacedSecret({ namespace: 'azureml', body: secret(fullChain(pki, good), good.keyPem) });
    const { ext } = await installAndWait(cast, NAME, { settings: { ...settings, sslSecret: 'health-tls' } });
    expect(ext.status).toBe('installed');
    expect((await health()).tls_invalid.status).toBe('ok');
    const other = pki.issue('secret-other', { cn: 'intranet.example.com', sans: ['DNS:intranet.example.com'] });
    await core.replaceNamespacedSecret({ name: 'health-tls', namespace: 'azureml', body: secret(fullChain(pki, other), other.keyPem) });
    const c = (await health()).tls_invalid;
    expect(c).toMatchObject({ status: 'error', detail: expect.stringMatching(/Secret azureml\/health-tls: the certificate does not cover sslCname ml.health.harbormaster.local: its DNS names are intranet.example.com/) });
  });

  it('no_proxy_incomplete: the cluster gains a service range NO_PROXY does not cover', async () => {
    const leaf = pki.issue('leaf2', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    const proxy = { httpsProxy: 'http://10.1.2.3:3128', noProxy: '127.0.0.1,localhost,.svc,.svc.cluster.local,kubernetes.default.svc,10.0.0.0/24' };
    const { ext } = await installAndWait(cast, NAME, { settings: { ...settings, proxy }, tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem } });
    expect(ext.status).toBe('installed');
    expect((await health()).no_proxy_incomplete.status).toBe('ok');
    const net = { group: 'networking.k8s.io', version: 'v1', plural: 'servicecidrs' };
    await objects.createClusterCustomObject({ ...net, body: { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'health-extra' }, spec: { cidrs: ['10.96.0.0/16'] } } });
    try {
      const c = (await health()).no_proxy_incomplete;
      expect(c).toMatchObject({ status: 'error', items: ['10.96.0.0/16'], detail: expect.stringMatching(/NO_PROXY is missing 10.96.0.0\/16\. Add: 10.96.0.0\/16 \(the cluster's service CIDR/) });
    } finally {
      await objects.deleteClusterCustomObject({ ...net, name: 'health-extra' });
    }
  });

  it('api_unreachable and auth_failed: a cluster whose address is wrong, and one whose token is revoked', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await registerTestCluster(cast, 'tb-gone', { kubeconfig: testKubeconfig((d) => (d.clusters[0].cluster.server = `https://127.0.0.1:${port}`)), allowUnreachable: true });
    const gone = await health('tb-gone');
    expect(gone.api_unreachable).toMatchObject({ status: 'error', detail: expect.stringMatching(/^connection refused: /) });
    await registerTestCluster(cast, 'tb-revoked', { kubeconfig: testKubeconfig((d) => (d.users[0].user = { token: 'revoked' })), allowUnreachable: true });
    const revoked = await health('tb-revoked');
    expect(revoked.api_unreachable.status).toBe('ok');
    expect(revoked.auth_failed).toMatchObject({ status: 'error', detail: expect.stringMatching(/^401 Unauthorized/) });
  });

  it('version_unsupported: an API server that reports an old version (through a rewriting proxy)', async () => {
    // A local HTTP front for the real API server that answers /version like a 1.32 cluster.
    const doc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8'));
    const upstream = new URL(doc.clusters[0].cluster.server);
    const b64 = (k: string) => Buffer.from(doc.users[0].user[k], 'base64');
    const agent = new https.Agent({ ca: Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64'), cert: b64('client-certificate-data'), key: b64('client-key-data') });
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith('/version')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.9' }));
        return;
      }
      const up = https.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, agent }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      await registerTestCluster(cast, 'tb-old', {
        kubeconfig: testKubeconfig((d) => {
          d.clusters[0].cluster = { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true };
          d.users[0].user = { token: 'front' };
        }),
      });
      const c = (await health('tb-old')).version_unsupported;
      expect(c).toMatchObject({ status: 'warning', detail: expect.stringMatching(/Kubernetes v1.32.9 is outside the supported window 1.35–1.37/) });
    } finally {
      dropAllClusterCaches();
      server.closeAllConnections();
      server.close();
    }
  });
});
