// Compute targets on the local cluster: two workspaces attached to one cluster in two namespaces with quotas;
// the API server enforcing a quota; the isolation objects; shared namespaces only when confirmed; who sees
// what; "can start now" capped by the quota; the detach guard and its clean-up; cluster removal refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api, NetworkingV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { createCast, call, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, uniqueName, waitFor } from '@/testbed/test-helpers';
import { LABELS } from '@/lib/domain';
import { runAction } from '../actions/run';
import { dropAllClusterCaches } from '../kube/cache';
import { installAndWait, registerTestCluster, rejection } from './clusters.k8s-support';
import * as computes from '@/app/api/v1/workspaces/[workspace]/computes/route';
import * as compute from '@/app/api/v1/workspaces/[workspace]/computes/[name]/route';
import * as computeTypes from '@/app/api/v1/workspaces/[workspace]/computes/[name]/instance-types/route';
import * as itRoute from '@/app/api/v1/clusters/[cluster]/instance-types/route';

const CLUSTER = 'tb-compute';

describe.skipIf(k8sSkipReason)('compute targets on the local cluster', () => {
  let cast: Cast;
  const nsA = uniqueName('hm-vision');
  const nsB = uniqueName('hm-forecast');
  const cpuType = uniqueName('ct-cpu1');
  const core = () => kubeConfig().makeApiClient(CoreV1Api);
  const attach = (ws: string, body: Record<string, unknown>, token = cast.users.admin.token, q = '') =>
    call(computes.POST, { method: 'POST', token, params: { workspace: ws }, body, path: `/api/v1/workspaces/${ws}/computes${q}` });
  const detach = (ws: string, name: string, q = '') => call(compute.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { workspace: ws, name }, path: `/api/v1/workspaces/${ws}/computes/${name}${q}` });
  const listFor = (ws: string, who: keyof Cast['users']) => call(computes.GET, { token: cast.users[who].token, params: { workspace: ws }, path: `/api/v1/workspaces/${ws}/computes` });

  beforeAll(async () => {
    cast = await createCast();
    await registerTestCluster(cast, CLUSTER);
    const { ext } = await installAndWait(cast, CLUSTER, { settings: { enableTraining: true } });
    expect(ext.status).toBe('installed');
    const r = await call(itRoute.POST, { method: 'POST', token: cast.users.admin.token, params: { cluster: CLUSTER }, body: { name: cpuType, nodeSelector: [{ key: 'kubernetes.azure.com/agentpool', value: 'cpupool' }], cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' } });
    expect(r.status, r.text).toBe(200);
  });
  afterAll(async () => {
    for (const ns of [nsA, nsB]) await core().deleteNamespace({ name: ns }).catch(() => undefined);
    await kubeConfig().makeApiClient((await import('@kubernetes/client-node')).CustomObjectsApi).deleteClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', name: cpuType }).catch(() => undefined);
    dropAllClusterCaches();
    await cast?.cleanup();
  });

  it('refuses bad names, reserved namespaces and unknown instance types, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: '1gpu', cluster: CLUSTER }, 'name', /must start with a letter/],
      [{ name: 'a', cluster: CLUSTER }, 'name', /2 to 16 characters/],
      [{ name: 'much-too-long-name', cluster: CLUSTER }, 'name', /2 to 16 characters/],
      [{ name: 'gpu_pool', cluster: CLUSTER }, 'name', /only letters, digits and '-'/],
      [{ name: 'sys', cluster: CLUSTER, namespace: 'kube-system' }, 'namespace', /system namespace/],
      [{ name: 'ns', cluster: CLUSTER, namespace: 'Vision' }, 'namespace', /lowercase/],
      [{ name: 'types', cluster: CLUSTER, allowedInstanceTypes: ['nope'] }, 'allowedInstanceTypes[0]', /has no instance type "nope"/],
      [{ name: 'types', cluster: CLUSTER, allowedInstanceTypes: [cpuType], defaultInstanceType: 'defaultinstancetype' }, 'defaultInstanceType', /not among the allowed/],
      [{ name: 'quota', cluster: CLUSTER, quota: { memory: '2 GB' } }, 'quota.memory', /not a Kubernetes quantity/],
      [{ name: 'quota', cluster: CLUSTER, quota: { gpu: '0.5' } }, 'quota.gpu', /whole number/],
      [{ name: 'nocluster', cluster: 'nope' }, 'cluster', /no cluster "nope"/],
    ];
    for (const [body, path, why] of cases) {
      const r = await attach('vision', body);
      expect(r.status, `${JSON.stringify(body)} → ${r.text}`).toBe(400);
      expect(r.json.errors, JSON.stringify(body)).toContainEqual({ path, message: expect.stringMatching(why) });
    }
    const missing = await attach('vision', { name: 'nons', cluster: CLUSTER, namespace: uniqueName('absent'), createNamespace: false });
    expect(missing.status).toBe(400);
    expect(missing.json.detail).toMatch(/does not exist on cluster tb-compute/);
  });

  it('attaches two workspaces in two namespaces with quotas: namespaces created and labelled, isolation objects exist', async () => {
    const dry = await attach('vision', { name: 'gpu-a', cluster: CLUSTER, namespace: nsA, quota: { cpu: '2', memory: '4Gi', pods: '3' } }, undefined, '?dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.result.objects.map((o: { kind: string }) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'RoleBinding', 'NetworkPolicy', 'ResourceQuota']);
    expect(await core().readNamespace({ name: nsA }).then(() => true, () => false)).toBe(false);

    const a = await attach('vision', { name: 'gpu-a', cluster: CLUSTER, namespace: nsA, defaultInstanceType: cpuType, quota: { cpu: '2', memory: '4Gi', pods: '3' }, description: 'vision on the test cluster' });
    expect(a.status, a.text).toBe(201);
    expect(a.json.compute).toMatchObject({ name: 'gpu-a', namespace: nsA, namespaceCreated: true, serviceAccountName: 'hm-vision-gpu-a' });
    const b = await attach('forecasting', { name: 'fc', cluster: CLUSTER, namespace: nsB, quota: { gpu: '4', cpu: '8' } });
    expect(b.status, b.text).toBe(201);

    for (const [ns, ws, target] of [[nsA, 'vision', 'gpu-a'], [nsB, 'forecasting', 'fc']]) {
      const nsObj = await core().readNamespace({ name: ns });
      expect(nsObj.metadata?.labels).toMatchObject({ [LABELS.workspace]: ws, [LABELS.compute]: target, [LABELS.managedBy]: 'harbormaster', 'harbormaster.io/compute-namespace': 'true' });
      const policies = await kubeConfig().makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace: ns });
      const iso = policies.items.find((p) => p.metadata?.name === 'harbormaster-compute-isolation');
      expect(iso?.spec?.policyTypes).toEqual(['Ingress']);
      expect(JSON.stringify(iso?.spec?.ingress)).toContain('"operator":"DoesNotExist"');
      const sa = await core().readNamespacedServiceAccount({ name: `hm-${ws}-${target}`, namespace: ns });
      expect(sa.metadata?.labels?.[LABELS.compute]).toBe(target);
      const rbs = await kubeConfig().makeApiClient(RbacAuthorizationV1Api).listNamespacedRoleBinding({ namespace: ns });
      expect(rbs.items.find((r) => r.subjects?.[0]?.name === `hm-${ws}-${target}`)?.roleRef.name).toBe('harbormaster-workload');
    }
    const quotaA = await core().readNamespacedResourceQuota({ name: 'hm-quota-vision-gpu-a', namespace: nsA });
    expect(quotaA.spec?.hard).toEqual({ 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '3' });
  });

  it('the API server refuses a pod over the quota in one namespace, and the other namespace keeps its own', async () => {
    await waitFor(async () => (await core().readNamespacedResourceQuota({ name: 'hm-quota-vision-gpu-a', namespace: nsA })).status?.hard, { what: 'quota status', timeoutMs: 20_000 });
    const pod = (name: string, cpu: string) => ({ metadata: { name }, spec: { serviceAccountName: 'hm-vision-gpu-a', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '1Gi' }, limits: { cpu, memory: '1Gi' } } }] } });
    const over = await rejection(core().createNamespacedPod({ namespace: nsA, body: pod('too-big', '3') }));
    expect((over as { code?: number }).code).toBe(403);
    expect(String((over as { body?: string }).body)).toMatch(/exceeded quota: hm-quota-vision-gpu-a, requested: requests.cpu=3, used: requests.cpu=0, limited: requests.cpu=2/);
    await core().createNamespacedPod({ namespace: nsA, body: pod('fits', '1') });
    // The same pod is fine in the other namespace, whose quota allows 8 CPUs.
    await core().createNamespacedPod({ namespace: nsB, body: { ...pod('too-big', '3'), spec: { ...pod('too-big', '3').spec, serviceAccountName: 'hm-forecasting-fc' } } });
  });

  it('shows each workspace its own targets (404 for others), auditors both, with usage and quota', async () => {
    const mine = await listFor('vision', 'dsVision');
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((t: { name: string }) => t.name)).toEqual(['gpu-a']);
    expect(JSON.stringify(mine.json)).not.toContain('forecasting');
    expect((await listFor('forecasting', 'dsVision')).status).toBe(404);
    expect((await call(compute.GET, { token: cast.users.dsVision.token, params: { workspace: 'forecasting', name: 'fc' } })).status).toBe(404);
    const fc = await listFor('forecasting', 'auditor');
    expect(fc.json.items).toEqual([expect.objectContaining({ name: 'fc', cluster: CLUSTER, namespace: nsB, location: 'cloud', region: 'westeurope' })]);
    const a = await waitFor(async () => {
      const r = (await listFor('vision', 'auditor')).json.items[0];
      return r?.usage?.pods === 1 ? r : undefined;
    }, { what: 'usage of the running pod', timeoutMs: 15_000 });
    expect(a).toMatchObject({ quota: { cpu: '2', memory: '4Gi', pods: '3' }, quotaAmounts: { cpu: 2, memory: 4 * 2 ** 30, gpu: null, pods: 3 }, usage: { cpu: 1, memory: 2 ** 30, gpu: 0, pods: 1 } });
    expect(a.health.status).toMatch(/Healthy|Degraded/);
  });

  it('caps "can start now" by what the quota leaves', async () => {
    const r = await call(computeTypes.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'gpu-a' } });
    expect(r.status, r.text).toBe(200);
    const t = r.json.items.find((i: { name: string }) => i.name === cpuType);
    // Nodes: 2 CPU nodes × 8 one-CPU replicas, minus the pods running there (1 + 3 CPUs, and whatever other
    // tests left); quota: 2 CPUs, 1 used → 1.
    expect(t.fit.availableNow).toBeGreaterThan(5);
    expect(t).toMatchObject({ isDefault: true, canStartNow: 1, quotaAllows: 1, limitedBy: 'quota' });
    expect(r.json.quotaLeft).toMatchObject({ cpu: 1, pods: 2 });
  });

  it('edits a target: allowed types, default and quota (the ResourceQuota follows)', async () => {
    const patch = (body: unknown) => call(compute.PATCH, { method: 'PATCH', token: cast.users.admin.token, params: { workspace: 'vision', name: 'gpu-a' }, body });
    const bad = await patch({ allowedInstanceTypes: ['defaultinstancetype'] });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toContainEqual({ path: 'defaultInstanceType', message: expect.stringMatching(/not among the allowed/) });
    const ok = await patch({ allowedInstanceTypes: [cpuType], quota: { cpu: '4', memory: '8Gi', pods: '5' } });
    expect(ok.status, ok.text).toBe(200);
    expect((await core().readNamespacedResourceQuota({ name: 'hm-quota-vision-gpu-a', namespace: nsA })).spec?.hard).toEqual({ 'requests.cpu': '4', 'requests.memory': '8Gi', pods: '5' });
    const types = await call(computeTypes.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'gpu-a' } });
    expect(types.json.items.map((i: { name: string }) => i.name)).toEqual([cpuType]);
  });

  it('shares a namespace only when confirmed', async () => {
    const r = await attach('forecasting', { name: 'fc-shared', cluster: CLUSTER, namespace: nsA });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(new RegExp(`namespace ${nsA} is already used by compute target vision/gpu-a: send confirmSharedNamespace: true`));
    const ok = await attach('forecasting', { name: 'fc-shared', cluster: CLUSTER, namespace: nsA, confirmSharedNamespace: true });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.warnings.join(' ')).toMatch(/shared with vision\/gpu-a/);
    expect(ok.json.compute.namespaceCreated).toBe(true);
  });

  it('refuses to remove the cluster while targets are attached', async () => {
    const e = await rejection(runAction('clusters.remove', { name: CLUSTER }, cast.caller('admin')));
    expect(e.message).toMatch(/has 3 compute target\(s\) attached: forecasting\/fc, forecasting\/fc-shared, vision\/gpu-a/);
  });

  it('refuses to detach while a Harbormaster workload runs, then force-detaches and cleans up', async () => {
    const labels = { [LABELS.managedBy]: 'harbormaster', [LABELS.workspace]: 'vision', [LABELS.compute]: 'gpu-a', [LABELS.job]: 'train-1' };
    await kubeConfig().makeApiClient(BatchV1Api).createNamespacedJob({
      namespace: nsA,
      body: {
        metadata: { name: 'train-1', labels },
        spec: { template: { metadata: { labels, annotations: { 'harbormaster.io/sim-duration': '10m' } }, spec: { restartPolicy: 'Never', serviceAccountName: 'hm-vision-gpu-a', containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] } } },
      },
    });
    const refused = await detach('vision', 'gpu-a');
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/still runs \d+ Harbormaster workloads? in namespace .*Job\/train-1/);

    // The shared namespace is not deleted while the other target uses it.
    const shared = await detach('vision', 'gpu-a', '?force=true&deleteNamespace=true');
    expect(shared.status).toBe(400);
    expect(shared.json.detail).toMatch(/also used by forecasting\/fc-shared/);

    const forced = await detach('vision', 'gpu-a', '?force=true');
    expect(forced.status, forced.text).toBe(200);
    expect(forced.json.deleted).toEqual(expect.arrayContaining(['Job/train-1', 'ResourceQuota/hm-quota-vision-gpu-a', 'ServiceAccount/hm-vision-gpu-a']));
    expect(forced.json.kept.join(' ')).toMatch(/shared with forecasting\/fc-shared/);
    expect((await kubeConfig().makeApiClient(BatchV1Api).readNamespacedJob({ name: 'train-1', namespace: nsA }).then(() => 'there', () => 'gone'))).toBe('gone');
    // The namespace now names the target that stays.
    expect((await core().readNamespace({ name: nsA })).metadata?.labels).toMatchObject({ [LABELS.workspace]: 'forecasting', [LABELS.compute]: 'fc-shared' });
    expect((await listFor('vision', 'admin')).json.items).toEqual([]);

    // Last target of a namespace Harbormaster created: the namespace goes only when nothing else lives there.
    const kept = await detach('forecasting', 'fc-shared');
    expect(kept.status, kept.text).toBe(200);
    expect(kept.json.namespaceDeleted).toBe(false);
    expect(kept.json.kept.join(' ')).toMatch(/still holds Pod\/fits/);
    expect((await core().readNamespace({ name: nsA })).metadata?.labels?.[LABELS.compute]).toBeUndefined();

    await core().deleteNamespacedPod({ name: 'too-big', namespace: nsB, gracePeriodSeconds: 0 });
    await waitFor(async () => (await core().listNamespacedPod({ namespace: nsB })).items.length === 0, { what: `${nsB} empty`, timeoutMs: 20_000 });
    const gone = await detach('forecasting', 'fc');
    expect(gone.status, gone.text).toBe(200);
    expect(gone.json).toMatchObject({ namespaceDeleted: true });
    expect(gone.json.deleted).toContain(`Namespace/${nsB}`);
  });
});
