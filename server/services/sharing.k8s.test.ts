// The sharing map on the local API server (issue 15). The test cluster is registered under two names with
// different locations (tb-sharing: cloud, tb-sharing-edge: on-prem), standing for two clusters. Compute targets
// are attached through the API (namespaces, ResourceQuotas and the rest created on the cluster), and each flag is
// brought about by a real state: two targets on one namespace, a namespace deleted behind Harbormaster's back,
// Deployments and a Service labelled as Harbormaster's that no record explains (made with the kube client), a pod
// whose requests show up as quota usage, a router certificate (a real X.509 made with openssl) that expires in 10
// days, and a router allowing plain HTTP. The last two are extension rows (certificate and settings as an install
// stores them): installing the router on the testbed for them would only slow the suite down.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { recordEndpoints } from '@/test/endpoint-records';
import { k8sSkipReason, kubeConfig, uniqueName, waitFor } from '@/testbed/test-helpers';
import { LABELS, MANAGED_BY } from '@/lib/domain';
import type { SharingFlagDto, SharingMapDto } from '@/lib/audit/sharing';
import { clusters, computeTargets, workspaces } from '../db/schema';
import { runAction } from '../actions/run';
import { dropAllClusterCaches } from '../kube/cache';
import { validateTls } from '../kube/tls';
import { stopLoop } from '../runtime/intents';
import { castWithCluster, testKubeconfig } from './clusters.k8s-support';
import { recordRouters } from './sharing.test-support';
import * as computes from '@/app/api/v1/workspaces/[workspace]/computes/route';
import * as sharingRoute from '@/app/api/v1/audit/sharing/route';

const CLOUD = 'tb-sharing';
const EDGE = 'tb-sharing-edge';
const DAY = 86_400_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-sharing-k8s-'));

/** A self-signed certificate for ml.example.com valid for `days` days, and its key. */
function certificate(days: number): { certPem: string; keyPem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-sharing-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', String(days), '-subj', '/CN=ml.example.com', '-addext', 'subjectAltName=DNS:ml.example.com'], { stdio: 'ignore' });
    return { certPem: fs.readFileSync(`${dir}/cert.pem`, 'utf8'), keyPem: fs.readFileSync(`${dir}/key.pem`, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(k8sSkipReason)('the sharing map on the local API server', () => {
  let cast: Cast;
  const nsShared = uniqueName('hm-share');
  const nsEdge = uniqueName('hm-edge');
  const nsGone = uniqueName('hm-gone');
  const mine = new Set([nsShared, nsEdge, nsGone]);
  const core = () => kubeConfig().makeApiClient(CoreV1Api);
  const apps = () => kubeConfig().makeApiClient(AppsV1Api);
  const attach = async (ws: string, body: Record<string, unknown>) => {
    const r = await call(computes.POST, { method: 'POST', token: cast.users.admin.token, params: { workspace: ws }, body, path: `/api/v1/workspaces/${ws}/computes` });
    expect(r.status, r.text).toBe(201);
  };
  const sharing = async (query = '') => {
    const r = await call(sharingRoute.GET as never, { path: `/api/v1/audit/sharing${query}`, token: cast.users.auditor.token });
    expect(r.status, r.text).toBe(200);
    return r.json as SharingMapDto;
  };
  /** The flags about this suite's clusters and namespaces (the testbed holds other suites' objects too). */
  const ours = (flags: SharingFlagDto[]) => flags.filter((f) => (!f.cluster || f.cluster === CLOUD || f.cluster === EDGE) && (!f.namespace || mine.has(f.namespace)));
  const labelled = (extra: Record<string, string>) => ({ [LABELS.managedBy]: MANAGED_BY, ...extra });
  const deployment = (namespace: string, name: string, labels: Record<string, string>) =>
    apps().createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name, labels },
        spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    });

  beforeAll(async () => {
    cast = await castWithCluster(CLOUD, dataDir);
    await runAction('clusters.register', { name: EDGE, kind: 'kubernetes', location: 'on-prem', region: 'factory-1', connection: { mode: 'kubeconfig', kubeconfig: testKubeconfig() } }, cast.caller('admin'));
    // vision: a quota'd target on the cloud cluster, sharing its namespace with forecasting; an unquota'd one on the edge.
    await attach('vision', { name: 'train', cluster: CLOUD, namespace: nsShared, quota: { cpu: '2', pods: '5' }, allowedInstanceTypes: ['defaultinstancetype'] });
    await attach('forecasting', { name: 'fc', cluster: CLOUD, namespace: nsShared, quota: { pods: '3' }, confirmSharedNamespace: true });
    await attach('vision', { name: 'edge', cluster: EDGE, namespace: nsEdge });
    await attach('forecasting', { name: 'gone', cluster: EDGE, namespace: nsGone, quota: { cpu: '1' } });

    // A pod whose requests the quotas count.
    await core().createNamespacedPod({
      namespace: nsShared,
      body: { metadata: { name: 'worker' }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '250m', memory: '64Mi' } } }] } },
    });
    // The namespace of "gone" is deleted behind Harbormaster's back.
    await core().deleteNamespace({ name: nsGone });
    await waitFor(() => core().readNamespace({ name: nsGone }).then(() => false, (e: { code?: number }) => e.code === 404), { what: `namespace ${nsGone} gone`, timeoutMs: 90_000 });

    // An online deployment on the edge target is recorded; its Deployment is explained, the others are not.
    const db = cast.db.db;
    const [edgeCluster] = await db.select().from(clusters).where(eq(clusters.name, EDGE));
    const [cloudCluster] = await db.select().from(clusters).where(eq(clusters.name, CLOUD));
    const [vision] = await db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [edgeTarget] = await db.select().from(computeTargets).where(eq(computeTargets.name, 'edge'));
    await recordEndpoints(db, { clusterId: edgeCluster.id, workspaceId: vision.id, computeTargetId: edgeTarget.id }, [{ name: 'scorer', keys: ['k1-0123456789', 'k2-0123456789'], deployments: [{ name: 'blue', weight: 100 }] }]);
    const target = { [LABELS.workspace]: 'vision', [LABELS.compute]: 'edge' };
    await deployment(nsEdge, 'scorer-blue', labelled({ ...target, [LABELS.endpoint]: 'scorer', [LABELS.deployment]: 'blue' }));
    await deployment(nsEdge, 'ghost-green', labelled({ ...target, [LABELS.endpoint]: 'ghost', [LABELS.deployment]: 'green' }));
    await deployment(nsShared, 'stray', labelled({ [LABELS.workspace]: 'vision', [LABELS.compute]: 'nope' }));
    await core().createNamespacedService({ namespace: nsEdge, body: { metadata: { name: 'old-job', labels: labelled({ ...target, [LABELS.job]: 'old-job' }) }, spec: { clusterIP: 'None', selector: { [LABELS.job]: 'old-job' }, ports: [{ port: 29500 }] } } });

    // The cloud router serves TLS with a certificate that expires in 10 days; the edge router allows plain HTTP.
    const tls = certificate(10);
    const v = validateTls({ ...tls, cname: 'ml.example.com' });
    expect(v.info?.notAfter).toBeTruthy();
    await recordRouters(db, { tlsCluster: cloudCluster.id, plainCluster: edgeCluster.id, tls, info: { ...v.info, warnings: v.warnings.map((w) => w.message) } });
  }, 180_000);

  afterAll(async () => {
    stopLoop();
    for (const ns of [nsShared, nsEdge]) await core().deleteNamespace({ name: ns }).catch(() => undefined);
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('the map matches the objects: cells, namespaces, quotas as the ResourceQuotas hold them, usage from their status', async () => {
    // The quota controller counts the pod in both ResourceQuotas of the shared namespace.
    const map = await waitFor(
      async () => {
        const m = await sharing();
        const train = m.cells.find((c) => c.cluster === CLOUD && c.workspace === 'vision')?.targets[0];
        return train?.usage?.['requests.cpu'] === '250m' ? m : undefined;
      },
      { what: 'the quota usage of the pod', timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(map.errors.filter((e) => e.cluster === CLOUD || e.cluster === EDGE)).toEqual([]);
    expect(map.clusters.filter((c) => c.name.startsWith('tb-sharing'))).toEqual([
      { name: CLOUD, location: 'cloud', region: 'westeurope', kind: 'aks' },
      { name: EDGE, location: 'on-prem', region: 'factory-1', kind: 'kubernetes' },
    ]);
    const cell = (cluster: string, ws: string) => map.cells.find((c) => c.cluster === cluster && c.workspace === ws);
    expect(cell(CLOUD, 'vision')!.targets).toEqual([
      expect.objectContaining({ name: 'train', namespace: nsShared, instanceTypes: ['defaultinstancetype'], quota: { 'requests.cpu': '2', pods: '5' }, usage: { 'requests.cpu': '250m', pods: '1' }, backend: 'kubernetes', createdBy: 'admin@example.com' }),
    ]);
    expect(cell(CLOUD, 'forecasting')!.targets).toEqual([expect.objectContaining({ name: 'fc', namespace: nsShared, quota: { pods: '3' }, usage: { pods: '1' } })]);
    expect(cell(EDGE, 'vision')!).toMatchObject({ location: 'on-prem', targets: [{ name: 'edge', namespace: nsEdge, instanceTypes: ['*'], quota: null, usage: null }] });
    expect(cell(EDGE, 'forecasting')!.targets.map((t) => t.name)).toEqual(['gone']);
    // The quotas are the cluster's: each ResourceQuota's spec.hard is what the cell says.
    const rqs = await core().listNamespacedResourceQuota({ namespace: nsShared });
    expect(Object.fromEntries(rqs.items.map((q) => [q.metadata!.name, q.spec!.hard]))).toEqual({ 'hm-quota-vision-train': { 'requests.cpu': '2', pods: '5' }, 'hm-quota-forecasting-fc': { pods: '3' } });
  });

  it('each flag comes from a real state', async () => {
    const flags = ours((await sharing()).flags);
    const got = flags.map((f) => `${f.code} ${f.cluster ?? '-'} ${f.workspace ?? '-'} ${f.target ?? '-'} ${f.object ?? ''}`.trim()).sort();
    expect(got).toEqual(
      [
        `cross_location - forecasting -`,
        `cross_location - vision -`,
        `drift ${CLOUD} vision nope Deployment/stray`,
        `drift ${EDGE} vision edge Deployment/ghost-green`,
        `drift ${EDGE} vision edge Service/old-job`,
        `insecure_connections ${EDGE} - -`,
        `namespace_missing ${EDGE} forecasting gone`,
        `namespace_shared ${CLOUD} - -`,
        `no_quota ${EDGE} vision edge`,
        `tls_expiring ${CLOUD} - -`,
      ].sort(),
    );
    const by = (code: string) => flags.filter((f) => f.code === code);
    expect(by('namespace_shared')[0]).toMatchObject({ namespace: nsShared, targets: ['forecasting/fc', 'vision/train'], href: `/ops/clusters/${CLOUD}/computes` });
    expect(by('namespace_missing')[0].message).toContain(`Namespace ${nsGone} of compute target gone (workspace forecasting) no longer exists on cluster ${EDGE}`);
    expect(by('drift').find((f) => f.object === 'Deployment/ghost-green')!.message).toContain('no online deployment green of endpoint ghost is recorded in workspace vision');
    expect(by('drift').find((f) => f.object === 'Service/old-job')!.message).toContain('no job old-job is recorded in workspace vision');
    expect(by('drift').find((f) => f.object === 'Deployment/stray')!.message).toContain('no compute target nope of workspace vision is attached to this cluster');
    expect(by('tls_expiring')[0].message).toMatch(/expires on .* \(in (9|10) days\)/);
    expect(by('insecure_connections')[0].href).toBe(`/ops/clusters/${EDGE}/extension`);
    expect(by('cross_location').find((f) => f.workspace === 'vision')).toMatchObject({ severity: 'info', message: expect.stringContaining('cloud and on-prem') });
    // The recorded online deployment's Deployment is explained.
    expect(flags.some((f) => f.object === 'Deployment/scorer-blue')).toBe(false);
  });

  it('filters: one workspace, one cluster, one location', async () => {
    const fc = await sharing('?workspace=forecasting');
    expect(fc.workspaces).toEqual(['forecasting']);
    expect(fc.cells.filter((c) => c.cluster.startsWith('tb-sharing')).map((c) => `${c.cluster}/${c.workspace}`)).toEqual([`${CLOUD}/forecasting`, `${EDGE}/forecasting`]);
    expect(ours(fc.flags).map((f) => f.code).sort()).toEqual(['cross_location', 'insecure_connections', 'namespace_missing', 'namespace_shared', 'tls_expiring']);

    const edge = await sharing(`?cluster=${EDGE}`);
    expect(edge.clusters.map((c) => c.name)).toEqual([EDGE]);
    expect(edge.workspaces).toEqual(['forecasting', 'vision']);
    expect(edge.cells.map((c) => `${c.workspace}:${c.targets.map((t) => t.name).join(',')}`)).toEqual(['forecasting:gone', 'vision:edge']);
    expect(edge.flags.every((f) => !f.cluster || f.cluster === EDGE)).toBe(true);
    expect(edge.flags.some((f) => f.code === 'tls_expiring' || f.code === 'namespace_shared')).toBe(false);

    const onprem = await sharing('?location=on-prem');
    expect(onprem.clusters.every((c) => c.location === 'on-prem')).toBe(true);
    expect(onprem.cells.filter((c) => c.cluster.startsWith('tb-sharing')).every((c) => c.cluster === EDGE)).toBe(true);
  });
});
