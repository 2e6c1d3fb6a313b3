// Instance types against the local cluster (profile `test`: 2 GPU nodes × 4 GPUs with the taint sku=gpu,
// 2 CPU nodes, a system node, an arm64 edge node), through the REST handlers as a client would call them:
// every validation case (ours and the API server's own), upserts of lists, dry runs, live fit numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createCast, call, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, waitFor } from '@/testbed/test-helpers';
import { auditEvents } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { installAndWait, registerTestCluster } from './clusters.k8s-support';
import * as listRoute from '@/app/api/v1/clusters/[cluster]/instance-types/route';
import * as itemRoute from '@/app/api/v1/clusters/[cluster]/instance-types/[name]/route';

const CLUSTER = 'tb-itypes';
const GROUP = 'amlarc.azureml.com';
// Unique per run: instance types are cluster-wide and the test cluster may be reused.
const P = `t${Date.now().toString(36).slice(-5)}`;
const n = (s: string) => `${P}-${s}`;

describe.skipIf(k8sSkipReason)('instance types on the local cluster', () => {
  let cast: Cast;
  const custom = () => kubeConfig().makeApiClient(CustomObjectsApi);
  const exists = async (name: string) => {
    try {
      await custom().getClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'instancetypes', name });
      return true;
    } catch {
      return false;
    }
  };
  const admin = () => cast.users.admin.token;
  const params = (name?: string) => ({ cluster: CLUSTER, ...(name ? { name } : {}) });
  const post = (body: unknown, opts: { yaml?: boolean; dryRun?: boolean; token?: string } = {}) =>
    call(listRoute.POST, {
      method: 'POST',
      path: `/api/v1/clusters/${CLUSTER}/instance-types${opts.dryRun ? '?dryRun=true' : ''}`,
      token: opts.token ?? admin(),
      params: params(),
      ...(opts.yaml ? { rawBody: String(body), headers: { 'content-type': 'application/yaml' } } : { body }),
    });
  const list = async () => (await call(listRoute.GET, { token: admin(), params: params(), path: `/api/v1/clusters/${CLUSTER}/instance-types` })).json;
  const fitOf = async (name: string) => (await list()).items.find((i: { name: string }) => i.name === name)?.fit;

  beforeAll(async () => {
    cast = await createCast();
    await registerTestCluster(cast, CLUSTER);
    const { ext } = await installAndWait(cast, CLUSTER, { settings: { enableTraining: true } });
    expect(ext.status).toBe('installed');
  });
  afterAll(async () => {
    const api = custom();
    for (const s of ['form', 'a', 'b', 'gpu4', 'gpu4-any', 'huge', 'nomatch', 'ok']) {
      await api.deleteClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'instancetypes', name: n(s) }).catch(() => undefined);
    }
    await api.deleteClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'instancetypes', name: 'defaultinstancetype' }).catch(() => undefined);
    await kubeConfig().makeApiClient(CoreV1Api).patchNode({ name: 'tb-gpu-1', body: [{ op: 'replace', path: '/spec/unschedulable', value: false }] }).catch(() => undefined);
    dropAllClusterCaches();
    await cast?.cleanup();
  });

  it('lists the implicit defaultinstancetype with integer fit numbers even when no custom resource exists', async () => {
    const r = await list();
    const def = r.items.find((i: { name: string }) => i.name === 'defaultinstancetype');
    expect(def).toMatchObject({ implicit: true, resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } });
    expect(Number.isInteger(def.fit.maxReplicas) && Number.isInteger(def.fit.availableNow) && Number.isInteger(def.fit.matchingNodes)).toBe(true);
    // 2Gi each: the untainted nodes (system 16Gi, 2 × CPU 32Gi, edge 8Gi) hold 8 + 2×16 + 4 = 44 on an empty cluster.
    expect(def.fit.matchingNodes).toBe(4);
    expect(def.fit.maxReplicas).toBe(44);
    // The GPU pool's taint keeps the default off those nodes by design: no warning while it fits elsewhere.
    expect(def.fit.warnings).toEqual([]);
  });

  it('creates by form, audits it, and the API server holds the custom resource', async () => {
    const r = await post({ name: n('form'), nodeSelector: [{ key: 'kubernetes.azure.com/agentpool', value: 'cpupool' }], cpuRequest: '700m', cpuLimit: '1', memoryRequest: '1.5Gi', memoryLimit: '2Gi', gpu: '' });
    expect(r.status, r.text).toBe(200);
    expect(r.json.items[0]).toMatchObject({ name: n('form'), change: 'created', fit: { matchingNodes: 2 } });
    expect(await exists(n('form'))).toBe(true);
    const [a] = await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'instancetypes.apply')).orderBy(desc(auditEvents.id)).limit(1);
    expect(a).toMatchObject({ outcome: 'success', actorEmail: 'admin@example.com' });
    // The informer picks it up: listed with its fit (2 CPU nodes × floor(8 / 0.7) = 11 each).
    const fit = await waitFor(() => fitOf(n('form')), { what: 'the new instance type in the list', timeoutMs: 10_000 });
    expect(fit).toMatchObject({ matchingNodes: 2, maxReplicas: 22 });
  });

  it('refuses each invalid value with the field and why, and writes nothing', async () => {
    const doc = (resources: unknown, extra: Record<string, unknown> = {}) => ({
      apiVersion: `${GROUP}/v1alpha1`,
      kind: 'InstanceType',
      metadata: { name: n('bad'), ...extra },
      spec: { resources },
    });
    const cases: Array<[unknown, RegExp]> = [
      [doc({ requests: { memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), /spec\.resources\.requests\.cpu: is required/],
      [doc({ requests: { cpu: '0', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), /requests\.cpu: must be greater than zero/],
      [doc({ requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }), /requests\.cpu: request 2 is more than the limit 1/],
      [doc({ requests: { cpu: '1', memory: '2 GB' }, limits: { cpu: '1', memory: '2 GB' } }), /requests\.memory: "2 GB" is not a Kubernetes quantity: no spaces allowed/],
      [doc({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '0.5' } }), /limits\["nvidia\.com\/gpu"\]: must be a whole number of GPUs/],
      [doc({ requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 1 }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': 2 } }), /must equal the GPU limit/],
      [doc({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', gpu: 1 } }), /unknown resource.*nvidia\.com\/gpu/],
      [doc({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, { namespace: 'x' }), /cluster-scoped: remove metadata\.namespace/],
      [{ ...(doc({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }) as object), metadata: { name: 'Bad_Name' } }, /metadata\.name: instance type name must contain only lowercase/],
      [{ ...(doc({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }) as object), spec: { nodeSelector: { 'bad key': 'x' }, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } }, /nodeSelector.*label key/],
    ];
    for (const [body, why] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.detail).toMatch(why);
      expect(r.json.errors.length).toBeGreaterThan(0);
    }
    // Valid spellings: millicores, fractional binary suffixes, a quoted whole GPU count, GPU 0.
    const ok = await post(doc({ requests: { cpu: '700m', memory: '1.5Gi' }, limits: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '0' } }, {}), { dryRun: true });
    expect(ok.status, ok.text).toBe(200);
    expect(await exists(n('bad'))).toBe(false);
  });

  it('the API server itself refuses what its CRD schema covers, and what only it checks reaches the caller', async () => {
    const api = custom();
    const raw = (resources: unknown) => ({ apiVersion: `${GROUP}/v1alpha1`, kind: 'InstanceType', metadata: { name: n('raw') }, spec: { resources } });
    for (const resources of [
      { requests: { memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      { requests: { cpu: '0', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      { requests: { cpu: '1', memory: '2 GB' }, limits: { cpu: '1', memory: '2 GB' } },
      { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '0.5' } },
    ]) {
      const e = await api.createClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'instancetypes', body: raw(resources) }).then(() => null, (err: { code?: number; body?: string }) => err);
      expect(e?.code, JSON.stringify(resources)).toBe(422);
    }
    // Annotations over 256 KiB pass our schema but not the API server: its verdict comes back with the field, nothing is written.
    const big = { apiVersion: `${GROUP}/v1alpha1`, kind: 'InstanceType', metadata: { name: n('huge'), annotations: { note: 'x'.repeat(300_000) } }, spec: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } } };
    for (const dryRun of [true, false]) {
      const r = await post(big, { dryRun });
      expect(r.status).toBe(400);
      expect(r.json.detail).toMatch(/the API server refused it: .*annotations: Too long/);
      expect(r.json.errors[0].path).toMatch(/metadata\.annotations/);
    }
    expect(await exists(n('huge'))).toBe(false);
  });

  it('applies an InstanceTypeList from YAML whole, or nothing when one item is bad (named with its field)', async () => {
    const yaml = (memB: string) => `apiVersion: ${GROUP}/v1alpha1
kind: InstanceTypeList
items:
  - metadata: {name: ${n('a')}}
    spec:
      resources:
        requests: {cpu: "100m", memory: "100Mi"}
        limits: {cpu: "1", memory: "1Gi", nvidia.com/gpu: 0}
  - metadata: {name: ${n('b')}}
    spec:
      nodeSelector: {kubernetes.azure.com/agentpool: cpupool}
      resources:
        requests: {cpu: "1", memory: ${memB}}
        limits: {cpu: "2", memory: "4Gi"}
`;
    const bad = await post(yaml('"2 GB"'), { yaml: true });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(new RegExp(`items\\[1\\] \\(${n('b')}\\): spec\\.resources\\.requests\\.memory: "2 GB" is not a Kubernetes quantity`));
    expect(bad.json.errors).toContainEqual({ path: 'items[1].spec.resources.requests.memory', message: expect.stringContaining(`instance type "${n('b')}"`) });
    expect(await exists(n('a'))).toBe(false);
    expect(await exists(n('b'))).toBe(false);

    const dry = await post(yaml('"2Gi"'), { yaml: true, dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, result: { items: [{ name: n('a'), change: 'created' }, { name: n('b'), change: 'created' }] } });
    expect(await exists(n('a'))).toBe(false);

    const good = await post(yaml('"2Gi"'), { yaml: true });
    expect(good.status, good.text).toBe(200);
    expect(await exists(n('a'))).toBe(true);
    expect(await exists(n('b'))).toBe(true);
    // Upsert: the same list again changes nothing.
    const again = await post(yaml('"2Gi"'), { yaml: true });
    expect(again.json.items.map((i: { change: string }) => i.change)).toEqual(['unchanged', 'unchanged']);
  });

  it('edits with PUT, shows kubectl edits live, deletes, and keeps the name', async () => {
    const put = (name: string, body: unknown) => call(itemRoute.PUT, { method: 'PUT', token: admin(), params: params(name), body, path: `/api/v1/clusters/${CLUSTER}/instance-types/${name}` });
    const r = await put(n('a'), { name: n('a'), cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ change: 'updated', after: { resources: { requests: { cpu: '250m' } } } });
    expect(r.json).not.toHaveProperty('before');
    const renamed = await put(n('a'), { name: n('zzz'), cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' });
    expect(renamed.status).toBe(400);
    expect(renamed.json.errors[0]).toMatchObject({ path: 'name' });
    expect((await put(n('nope'), { name: n('nope'), cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' })).status).toBe(404);

    // An edit made with kubectl (any client) reaches the list through the informer.
    await custom().patchClusterCustomObject({ group: GROUP, version: 'v1alpha1', plural: 'instancetypes', name: n('a'), body: [{ op: 'replace', path: '/spec/resources/requests/cpu', value: '300m' }] });
    await waitFor(async () => (await list()).items.find((i: { name: string; resources: { requests: { cpu: string } } }) => i.name === n('a') && i.resources.requests.cpu === '300m'), { what: 'the kubectl edit in the list', timeoutMs: 10_000 });

    const del = await call(itemRoute.DELETE, { method: 'DELETE', token: admin(), params: params(n('a')), path: `/api/v1/clusters/${CLUSTER}/instance-types/${n('a')}` });
    expect(del.status, del.text).toBe(200);
    expect(await exists(n('a'))).toBe(false);
    const implicit = await call(itemRoute.DELETE, { method: 'DELETE', token: admin(), params: params('defaultinstancetype'), path: `/api/v1/clusters/${CLUSTER}/instance-types/defaultinstancetype` });
    expect(implicit.status).toBe(400);
    expect(implicit.json.detail).toMatch(/implicit default/);
  });

  it('overrides defaultinstancetype with a custom resource of that name, and deleting it brings the implicit one back', async () => {
    const r = await post(`apiVersion: ${GROUP}/v1alpha1\nkind: InstanceTypeList\nitems:\n  - metadata: {name: defaultinstancetype}\n    spec: {resources: {requests: {cpu: "1", memory: "1Gi"}, limits: {cpu: "1", nvidia.com/gpu: 0, memory: "1Gi"}}}\n`, { yaml: true });
    expect(r.status, r.text).toBe(200);
    const over = await waitFor(async () => (await list()).items.find((i: { name: string; implicit: boolean }) => i.name === 'defaultinstancetype' && !i.implicit), { what: 'the override', timeoutMs: 10_000 });
    expect(over.resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect((await list()).items.filter((i: { name: string }) => i.name === 'defaultinstancetype')).toHaveLength(1);
    const del = await call(itemRoute.DELETE, { method: 'DELETE', token: admin(), params: params('defaultinstancetype'), path: `/api/v1/clusters/${CLUSTER}/instance-types/defaultinstancetype` });
    expect(del.json.message).toMatch(/implicit default .* applies again/);
    await waitFor(async () => (await list()).items.find((i: { name: string; implicit: boolean }) => i.name === 'defaultinstancetype' && i.implicit), { what: 'the implicit default back', timeoutMs: 10_000 });
  });

  it('computes fit on the GPU pool: 2 when both 4-GPU nodes are free, 1 with one cordoned, 0 without tolerating the taint', async () => {
    const gpu4 = (name: string, selector: Record<string, string> | undefined) =>
      post({ apiVersion: `${GROUP}/v1alpha1`, kind: 'InstanceType', metadata: { name }, spec: { ...(selector ? { nodeSelector: selector } : {}), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 4 } } } });
    expect((await gpu4(n('gpu4'), { 'kubernetes.azure.com/agentpool': 'gpupool' })).status).toBe(200);
    const fit = await waitFor(() => fitOf(n('gpu4')), { what: 'gpu4 listed', timeoutMs: 10_000 });
    expect(fit).toMatchObject({ matchingNodes: 2, maxReplicas: 2, availableNow: 2, warnings: [], toleratedTaints: ['sku=gpu:NoSchedule'] });

    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.patchNode({ name: 'tb-gpu-1', body: [{ op: 'replace', path: '/spec/unschedulable', value: true }] });
    try {
      const cordoned = await waitFor(async () => {
        const f = await fitOf(n('gpu4'));
        return f?.matchingNodes === 1 ? f : undefined;
      }, { what: 'the cordon in the fit', timeoutMs: 10_000 });
      expect(cordoned).toMatchObject({ matchingNodes: 1, maxReplicas: 1, availableNow: 1 });
      expect(cordoned.warnings).toContainEqual(expect.objectContaining({ code: 'nodes_unavailable', message: expect.stringMatching(/cordoned \(tb-gpu-1\)/) }));
    } finally {
      await core.patchNode({ name: 'tb-gpu-1', body: [{ op: 'replace', path: '/spec/unschedulable', value: false }] });
    }
    await waitFor(async () => (await fitOf(n('gpu4')))?.matchingNodes === 2, { what: 'uncordoned', timeoutMs: 10_000 });

    // Without a nodeSelector the type selects no pool, so nothing tolerates sku=gpu: the GPU nodes do not count,
    // the nodes that do have no GPUs — 0, and the warnings say both.
    expect((await gpu4(n('gpu4-any'), undefined)).status).toBe(200);
    const any = await waitFor(() => fitOf(n('gpu4-any')), { what: 'gpu4-any listed', timeoutMs: 10_000 });
    expect(any).toMatchObject({ maxReplicas: 0, availableNow: 0, toleratedTaints: [] });
    expect(any.warnings).toContainEqual(expect.objectContaining({ code: 'untolerated_taint', nodes: ['tb-gpu-0', 'tb-gpu-1'], message: expect.stringMatching(/2 matching nodes have the taint sku=gpu:NoSchedule, which the workloads do not tolerate/) }));
  });

  it('warns before anyone submits: too big for every node, no matching node — also in a dry run', async () => {
    const huge = await post({ name: n('huge'), cpuRequest: '100', cpuLimit: '100', memoryRequest: '1Gi', memoryLimit: '1Gi' }, { dryRun: true });
    expect(huge.status).toBe(200);
    expect(huge.json.result.warnings).toContainEqual(expect.objectContaining({ instanceType: n('huge'), code: 'exceeds_node_size', message: expect.stringMatching(/has exceeded the node size: it requests 100 CPU and the biggest matching node \(tb-gpu-\d\) has 24 CPU allocatable/) }));
    const none = await post({ name: n('nomatch'), nodeSelector: [{ key: 'pool', value: 'nowhere' }], cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' }, { dryRun: true });
    expect(none.json.result.items[0].fit).toMatchObject({ matchingNodes: 0, maxReplicas: 0 });
    expect(none.json.result.warnings[0]).toMatchObject({ code: 'no_matching_node', message: expect.stringMatching(/No node has the labels pool=nowhere/) });
    expect(await exists(n('huge'))).toBe(false);
  });

  it('lets auditors read and refuses every write to data scientists and auditors', async () => {
    expect((await call(listRoute.GET, { token: cast.users.auditor.token, params: params() })).status).toBe(200);
    expect((await call(listRoute.GET, { token: cast.users.dsVision.token, params: params() })).status).toBe(403);
    for (const who of ['auditor', 'dsVision'] as const) {
      const r = await post({ name: n('ok'), cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' }, { token: cast.users[who].token });
      expect(r.status).toBe(403);
    }
    expect(await exists(n('ok'))).toBe(false);
  });
});
