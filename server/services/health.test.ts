import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_CODES, type HealthCheckCode } from '@/lib/clusters/schemas';
import { parseExtensionSettings } from '@/lib/extension/settings';
import type { ExtensionSettings } from '@/lib/domain';
import { leanNode, type LeanEvent, type LeanPod, type LeanWorkload } from '../kube/cache';
import type { ClusterProbe } from '../kube/probe';
import { versionInfo } from '../kube/cluster-facts';
import { runHealthChecks, statusFromChecks, type HealthInput } from './health';

const NOW = new Date('2026-11-28T12:00:00Z');
const DAY = 86_400_000;

function settings(input: Record<string, unknown>, tls = false): ExtensionSettings {
  const r = parseExtensionSettings(input, { tlsCertificateUploaded: tls });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const node = (name: string, labels: Record<string, string>, allocatable: Record<string, string>, opts: { ready?: boolean; taints?: unknown[] } = {}) =>
  leanNode({
    metadata: { name, labels: { 'kubernetes.io/os': 'linux', ...labels } },
    spec: { taints: opts.taints ?? [] },
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: opts.ready === false ? 'Unknown' : 'True', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] },
  });

const router: LeanWorkload = { kind: 'Deployment', namespace: 'azureml', name: 'azureml-fe', labels: {}, selector: { 'app.kubernetes.io/name': 'azureml-fe' }, generation: 2, observedGeneration: 2, desired: 3, ready: 3, updated: 3, available: 3 };

const probe: ClusterProbe = {
  checkedAt: NOW.toISOString(),
  reachable: true,
  server: 'https://k8s:6443',
  identity: { username: 'admin', groups: [] },
  version: versionInfo('v1.37.2'),
  permissions: [],
  warnings: [],
};

/** A healthy cluster with Harbormaster's extension: HA router over TLS, 4 CPU nodes, 1 GPU node. */
function healthy(): HealthInput {
  return {
    now: NOW,
    reachability: { ok: true, version: versionInfo('v1.37.2'), latencyMs: 4 },
    probe,
    nodes: [
      node('cpu-1', { pool: 'cpu' }, { cpu: '8', memory: '32Gi', pods: '110' }),
      node('cpu-2', { pool: 'cpu' }, { cpu: '8', memory: '32Gi', pods: '110' }),
      node('cpu-3', { pool: 'cpu' }, { cpu: '8', memory: '32Gi', pods: '110' }),
      node('gpu-1', { accelerator: 'nvidia' }, { cpu: '24', memory: '220Gi', pods: '110', 'nvidia.com/gpu': '4' }, { taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }] }),
    ],
    pods: [],
    workloads: [router],
    instanceTypes: [{ name: 'gpu-1', labels: {}, nodeSelector: { accelerator: 'nvidia' }, resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 } } }],
    events: [],
    crdInstalled: true,
    extension: { flavor: 'harbormaster', status: 'installed', settings: settings({ enableInference: true, inferenceRouterServiceType: 'loadBalancer', sslCname: 'ml.example.com' }, true) },
    tls: { info: { source: 'uploaded', subject: 'CN=ml.example.com', sans: ['DNS:ml.example.com'], notAfter: new Date(NOW.getTime() + 200 * DAY).toISOString(), errors: [], warnings: [], checkedAt: NOW.toISOString() } },
    network: { serviceCidrs: ['10.0.0.0/16'], podCidrs: [] },
    computeNamespaces: [],
  };
}

const byCode = (input: HealthInput) => Object.fromEntries(runHealthChecks(input).map((c) => [c.code, c])) as Record<HealthCheckCode, ReturnType<typeof runHealthChecks>[number]>;

describe('health checks', () => {
  it('lists every check, in a stable order, and all pass on a healthy cluster', () => {
    const checks = runHealthChecks(healthy());
    expect(checks.map((c) => c.code)).toEqual([...HEALTH_CHECK_CODES]);
    expect(checks.filter((c) => c.status !== 'ok').map((c) => `${c.code}: ${c.detail}`)).toEqual([]);
    expect(checks.every((c) => c.title && c.detail)).toBe(true);
    expect(statusFromChecks(checks).status).toBe('Healthy');
  });

  it('api_unreachable: says why, and marks what could not be checked instead of passing it', () => {
    const input = { ...healthy(), reachability: { ok: false as const, reason: 'tls_unknown_ca' as const, message: 'TLS: certificate signed by an unknown authority' }, nodes: undefined };
    const c = byCode(input);
    expect(c.api_unreachable).toMatchObject({ status: 'error', detail: expect.stringMatching(/^TLS: unknown certificate authority: /), fix: expect.stringMatching(/certificate-authority-data/) });
    expect(c.node_not_ready).toMatchObject({ status: 'warning', skipped: true, detail: expect.stringMatching(/Not checked: the API server is unreachable/) });
    expect(statusFromChecks(runHealthChecks(input))).toMatchObject({ status: 'Unreachable', reason: 'TLS' });
  });

  it('auth_failed: 401, and missing permissions named with what they are for', () => {
    expect(byCode({ ...healthy(), reachability: { ok: false, reason: 'unauthorized', message: '401 Unauthorized' } }).auth_failed.status).toBe('error');
    const p: ClusterProbe = { ...probe, permissions: [{ verb: 'list', group: '', resource: 'nodes', need: 'read', purpose: 'show nodes', allowed: false }, { verb: 'patch', group: 'apps', resource: 'daemonsets', namespace: 'azureml', need: 'install', purpose: 'install the NVIDIA device plugin', allowed: false }] };
    expect(byCode({ ...healthy(), probe: p }).auth_failed).toMatchObject({ status: 'error', detail: expect.stringMatching(/admin lacks .*list nodes/) });
    const installOnly = { ...probe, permissions: [p.permissions![1]] };
    expect(byCode({ ...healthy(), probe: installOnly }).auth_failed).toMatchObject({ status: 'warning', detail: expect.stringMatching(/patch daemonsets.apps in azureml \(install the NVIDIA device plugin\)/) });
  });

  it('version_unsupported: outside 1.35–1.37', () => {
    const c = byCode({ ...healthy(), reachability: { ok: true, version: versionInfo('v1.32.4') } });
    expect(c.version_unsupported).toMatchObject({ status: 'warning', detail: expect.stringMatching(/v1.32.4 is outside the supported window 1.35–1.37/) });
  });

  it('crd_missing: an error when the extension is installed, a warning when nothing is', () => {
    expect(byCode({ ...healthy(), crdInstalled: false }).crd_missing.status).toBe('error');
    expect(byCode({ ...healthy(), crdInstalled: false, extension: { flavor: 'none', status: 'notInstalled' } }).crd_missing.status).toBe('warning');
  });

  it('component_not_ready: names the stuck pod and why', () => {
    const pods: LeanPod[] = [
      { namespace: 'azureml', name: 'azureml-fe-7d9-abc', nodeName: 'cpu-1', phase: 'Pending', requests: {}, ready: false, restarts: 0, labels: { 'app.kubernetes.io/name': 'azureml-fe' }, problem: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "mirror/nginx:1.28"' } },
    ];
    const c = byCode({ ...healthy(), pods, workloads: [{ ...router, ready: 2 }] });
    expect(c.component_not_ready).toMatchObject({ status: 'error', detail: expect.stringMatching(/azureml-fe: 2 of 3 ready — pod azureml-fe-7d9-abc: ImagePullBackOff: Back-off pulling image/) });
    expect(byCode({ ...healthy(), workloads: [] }).component_not_ready.detail).toMatch(/Deployment azureml\/azureml-fe is missing/);
  });

  it('instancetype_no_node and instancetype_too_big, per instance type', () => {
    const c = byCode({
      ...healthy(),
      instanceTypes: [
        { name: 'h100', labels: {}, nodeSelector: { accelerator: 'h100' }, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
        { name: 'huge', labels: {}, nodeSelector: {}, resources: { requests: { cpu: '64', memory: '1Gi' }, limits: { cpu: '64', memory: '1Gi' } } },
      ],
    });
    expect(c.instancetype_no_node).toMatchObject({ status: 'error', items: ['h100'], detail: expect.stringMatching(/accelerator=h100/) });
    expect(c.instancetype_too_big).toMatchObject({ status: 'error', items: ['huge'], detail: expect.stringMatching(/requests 64 CPU.*biggest matching node/) });
  });

  it('node_not_ready lists the nodes with the kubelet\'s reason', () => {
    const h = healthy();
    h.nodes![1] = node('cpu-2', { pool: 'cpu' }, { cpu: '8', memory: '32Gi' }, { ready: false });
    expect(byCode(h).node_not_ready).toMatchObject({ status: 'error', items: ['cpu-2'], detail: expect.stringMatching(/cpu-2 \(NodeStatusUnknown: Kubelet stopped posting/) });
  });

  it('gpu_capacity_missing: a GPU-labelled node without nvidia.com/gpu', () => {
    const h = healthy();
    h.nodes!.push(node('gpu-2', { accelerator: 'nvidia' }, { cpu: '24', memory: '220Gi' }));
    expect(byCode(h).gpu_capacity_missing).toMatchObject({ status: 'warning', items: ['gpu-2'], detail: expect.stringMatching(/installNvidiaDevicePlugin=false/) });
  });

  it('router_ha_nodes: 3 replicas need 3 schedulable nodes matching nodeSelector', () => {
    const h = healthy();
    h.extension.settings = settings({ enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true, nodeSelector: { pool: 'cpu' } });
    h.nodes![2] = node('cpu-3', { pool: 'other' }, { cpu: '8', memory: '32Gi' });
    expect(byCode(h).router_ha_nodes).toMatchObject({ status: 'error', detail: expect.stringMatching(/needs 3 schedulable node\(s\) matching nodeSelector pool=cpu.*only 2 qualify/) });
  });

  it('tls_expiring and tls_invalid', () => {
    const h = healthy();
    h.tls!.info!.notAfter = new Date(NOW.getTime() + 10 * DAY).toISOString();
    expect(byCode(h).tls_expiring).toMatchObject({ status: 'warning', detail: expect.stringMatching(/expires in 10 days/) });
    h.tls!.info!.notAfter = new Date(NOW.getTime() - DAY).toISOString();
    expect(byCode(h).tls_expiring.status).toBe('error');
    h.tls!.info!.errors = ['the certificate does not cover sslCname ml.example.com: its DNS names are other.example.com'];
    expect(byCode(h).tls_invalid).toMatchObject({ status: 'error', detail: expect.stringMatching(/does not cover sslCname/) });
    expect(byCode({ ...healthy(), tls: { info: null, error: 'Secret azureml/tls does not exist' } }).tls_invalid.status).toBe('error');
  });

  it('no_proxy_incomplete: names each missing entry', () => {
    const h = healthy();
    h.extension.settings = { ...h.extension.settings!, proxy: { httpsProxy: 'http://proxy:3128', noProxy: 'localhost,.svc,.svc.cluster.local,kubernetes.default.svc' } };
    expect(byCode(h).no_proxy_incomplete).toMatchObject({ status: 'error', items: ['127.0.0.1', '10.0.0.0/16'] });
  });

  it('warning_events: recent warnings in azureml and compute namespaces only', () => {
    const ev = (ns: string, ageMs: number): LeanEvent => ({ uid: `${ns}${ageMs}`, namespace: ns, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', object: { kind: 'Pod', name: 'x' }, count: 3, last: NOW.getTime() - ageMs });
    const h = { ...healthy(), events: [ev('azureml', 60_000), ev('team-a', 60_000), ev('kube-system', 60_000), ev('azureml', 3 * 3600_000)], computeNamespaces: ['team-a'] };
    const c = byCode(h).warning_events;
    expect(c.status).toBe('warning');
    expect(c.detail).toMatch(/^2 warning events in the last hour/);
    expect(c.detail).toContain('BackOff on Pod azureml/x (×3)');
  });

  it('reads an Azure ML extension as installed and checks its Deployments', () => {
    const h: HealthInput = { ...healthy(), extension: { flavor: 'azureml', status: 'installed' }, tls: undefined, workloads: [{ ...router, name: 'aml-operator', desired: 1, ready: 0 }] };
    const c = byCode(h);
    expect(c.component_not_ready).toMatchObject({ status: 'error', detail: expect.stringMatching(/aml-operator: 0 of 1 ready/) });
    expect(c.router_ha_nodes.status).toBe('ok');
  });
});
