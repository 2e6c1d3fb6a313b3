// Online endpoints on the local API server (issue 14), through the REST routes as a client uses them: the ML
// extension installed with inference; an endpoint with blue (scale default) and green (target_utilization)
// deployments; their Deployments, Services and the HPA exist and the (simulated) pods become Ready, so the
// deployments show Healthy; a traffic change is in the router's ConfigMap by the time the PATCH answers and
// leaves the router's pod template untouched (nginx reloads in place); resources beyond the instance type are
// refused with both numbers and nothing is applied; deleting the endpoint removes every object.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, AutoscalingV2Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, waitFor } from '@/testbed/test-helpers';
import { clusters, computeTargets, onlineEndpoints, workspaces } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { ROUTER_CONFIG_MAP, ROUTER_NAME } from '../kube/manifests/extension-router';
import { stopLoop } from '../runtime/intents';
import { startEndpointStatusReconciler } from '../runtime/endpoint-status';
import { castWithCluster, installAndWait, purgeAndWait } from './clusters.k8s-support';
import * as endpointsRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/route';
import * as endpointRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/route';
import * as deploymentsRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/deployments/route';
import * as deploymentRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/deployments/[deployment]/route';

const CLUSTER = 'tb-endpoints';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-endpoints-k8s-'));
const fixture = (f: string) => fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'endpoints', f), 'utf8');

describe.skipIf(k8sSkipReason)('online endpoints on the local API server', () => {
  const ns = testNamespace('hm-endpoints');
  const EP = 'classifier';
  let cast: Cast;
  let stop: () => void = () => undefined;
  const params = { workspace: 'vision' };
  const core = () => kubeConfig().makeApiClient(CoreV1Api);
  const apps = () => kubeConfig().makeApiClient(AppsV1Api);
  const routerConfig = async () => (await core().readNamespacedConfigMap({ name: ROUTER_CONFIG_MAP, namespace: 'azureml' })).data?.['nginx.conf'] ?? '';
  const yamlCall = (route: { POST?: unknown; PUT?: unknown }, method: 'POST' | 'PUT', p: string, yaml: string, extra: Record<string, string> = {}) =>
    call((route as Record<string, unknown>)[method] as never, { method, path: p, token: cast.users.dsVision.token, rawBody: yaml, headers: { 'content-type': 'application/yaml' }, params: { ...params, ...extra } });
  const deploymentYaml = (name: string, extra = '') =>
    fixture(`${name}-deployment.yml`).replace(/^endpoint_name: .*$/m, `endpoint_name: ${EP}`).replace(/^instance_type: .*$/m, '') + extra;

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    await installAndWait(cast, CLUSTER, { settings: { enableInference: true, allowInsecureConnections: true, inferenceRouterServiceType: 'clusterIP', inferenceRouterHA: false } });
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([{ workspaceId: vision.id, name: 'serving', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype'] }]);
    stop = startEndpointStatusReconciler(cast.db.db, { tickMs: 500 });
  }, 240_000);

  afterAll(async () => {
    stop();
    await kubeConfig().makeApiClient(CustomObjectsApi).deleteClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', name: 'nowhere' }).catch(() => undefined);
    stopLoop();
    // Purging refuses while a compute target uses the extension's workload role: the records go first.
    if (cast) {
      await cast.db.db.delete(onlineEndpoints);
      await cast.db.db.delete(computeTargets).where(eq(computeTargets.name, 'serving'));
      await purgeAndWait(cast, CLUSTER);
    }
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('serves blue and green: objects applied, pods Ready, an HPA for target_utilization, the router configured from the DB', async () => {
    const ep = await yamlCall(endpointsRoute, 'POST', '/api/v1/workspaces/vision/online-endpoints', fixture('endpoint.yml').replace(/^name: .*$/m, `name: ${EP}`).replace(/^compute: .*$/m, 'compute: azureml:serving'));
    expect(ep.status, ep.text).toBe(201);
    expect(ep.json).toMatchObject({ name: EP, computeTarget: 'serving', provisioningState: 'Succeeded', scoringUri: `http://azureml-fe.azureml.svc/api/v1/endpoint/${EP}/score` });
    expect(await routerConfig()).toContain(`location = /api/v1/endpoint/${EP}/score`);

    // As the CLI sends them: the deployment file with its scoring code folder (paths relative to the file).
    for (const d of ['blue', 'green']) {
      const f = new FormData();
      f.append('deployment', deploymentYaml(d).replace(/^(\s+code: ).*$/m, `$1model-${d}/onlinescoring/`));
      f.append('files', new Blob(['def init():\n    pass\n\ndef run(raw):\n    return raw\n']), `model-${d}/onlinescoring/score.py`);
      const r = await call(deploymentsRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments`, token: cast.users.dsVision.token, formData: f, params: { ...params, name: EP } });
      expect(r.status, r.text).toBe(201);
      expect(r.json.deployment).toMatchObject({ name: d, endpoint: EP, instanceType: 'defaultinstancetype', namespace: ns.name });
    }
    const objectName = (d: string) => `${EP}-${d}`;
    const dep = await apps().readNamespacedDeployment({ name: objectName('blue'), namespace: ns.name });
    // The scoring code is fetched from the console by an init container, with a token kept in a Secret.
    expect(dep.spec?.template.spec?.initContainers?.map((c) => c.name)).toEqual(['fetch-code']);
    const codeSecret = await core().readNamespacedSecret({ name: `${objectName('blue')}-code`, namespace: ns.name });
    expect(Buffer.from(codeSecret.data?.token ?? '', 'base64').toString()).toMatch(/^hmc1\./);
    expect(dep.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'harbormaster', 'harbormaster.io/workspace': 'vision', 'harbormaster.io/compute': 'serving', 'harbormaster.io/endpoint': EP, 'harbormaster.io/deployment': 'blue' });
    const svc = await core().readNamespacedService({ name: objectName('green'), namespace: ns.name });
    const hpa = await kubeConfig().makeApiClient(AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ name: objectName('green'), namespace: ns.name });
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: objectName('green') } });
    await expect(kubeConfig().makeApiClient(AutoscalingV2Api).readNamespacedHorizontalPodAutoscaler({ name: objectName('blue'), namespace: ns.name })).rejects.toMatchObject({ code: 404 });

    // The simulated pods become Ready: the reconciler records Healthy with replicas 1/1.
    const healthy = await waitFor(
      async () => {
        const r = await call(deploymentsRoute.GET as never, { path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments`, token: cast.users.auditor.token, params: { ...params, name: EP } });
        const items = (r.json?.items ?? []) as Array<{ name: string; state: string; readyReplicas: number; desiredReplicas: number }>;
        return items.length === 2 && items.every((i) => i.state === 'Healthy') ? items : undefined;
      },
      { what: 'blue and green Healthy', timeoutMs: 60_000 },
    );
    expect(healthy.map((d) => [d.name, d.readyReplicas, d.desiredReplicas])).toEqual([['blue', 1, 1], ['green', 1, 1]]);
    const detail = await call(deploymentRoute.GET as never, { path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments/blue`, token: cast.users.auditor.token, params: { ...params, name: EP, deployment: 'blue' } });
    expect(detail.json.replicas).toHaveLength(1);
    expect(detail.json.replicas[0]).toMatchObject({ ready: true, phase: 'Running' });

    // The router's upstreams are the Services' ClusterIPs (recorded by the sync that ran after the deployment).
    const conf = await routerConfig();
    expect(conf).toContain(`server ${svc.spec?.clusterIP}:80;`);
  });

  it('moves traffic: the ConfigMap has the split when the PATCH answers, and the router pods are not rolled', async () => {
    const before = await apps().readNamespacedDeployment({ name: ROUTER_NAME, namespace: 'azureml' });
    const started = performance.now();
    const r = await call(endpointRoute.PATCH as never, { method: 'PATCH', path: `/api/v1/workspaces/vision/online-endpoints/${EP}`, token: cast.users.dsVision.token, body: { traffic: { blue: 90, green: 10 } }, params: { ...params, name: EP } });
    const answeredMs = performance.now() - started;
    expect(r.status, r.text).toBe(200);
    expect(r.json.traffic).toEqual({ blue: 90, green: 10 });
    // No waiting: the router.sync intent ran in the request.
    const conf = await routerConfig();
    expect(conf).toMatch(/90% blue;\s*\* green;/);
    console.info(`traffic PATCH answered (ConfigMap applied) in ${Math.round(answeredMs)} ms`);
    const after = await apps().readNamespacedDeployment({ name: ROUTER_NAME, namespace: 'azureml' });
    expect(after.spec?.template).toEqual(before.spec?.template);
    expect(after.metadata?.generation).toBe(before.metadata?.generation);
  });

  it('says why a deployment cannot be scheduled, with the explanation the jobs give', async () => {
    // An instance type whose node selector matches no node of the cluster.
    await kubeConfig().makeApiClient(CustomObjectsApi).createClusterCustomObject({
      group: 'amlarc.azureml.com',
      version: 'v1alpha1',
      plural: 'instancetypes',
      body: { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceType', metadata: { name: 'nowhere' }, spec: { nodeSelector: { 'harbormaster.io/pool': 'nowhere' }, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } } },
    });
    await cast.db.db.update(computeTargets).set({ allowedInstanceTypes: ['defaultinstancetype', 'nowhere'] }).where(eq(computeTargets.name, 'serving'));
    const body = { name: 'stuck', environment: { image: 'docker.io/library/python:3.12-slim' }, instance_type: 'nowhere' };
    const created = await waitFor(
      async () => {
        const r = await call(deploymentsRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments`, token: cast.users.dsVision.token, body, params: { ...params, name: EP } });
        // The live cache may not list the new instance type for a moment.
        return r.status === 201 ? r : r.status === 400 && /does not exist on cluster/.test(r.text) ? undefined : r;
      },
      { what: 'the deployment on instance type nowhere', timeoutMs: 20_000 },
    );
    expect(created.status, created.text).toBe(201);
    const detail = await waitFor(
      async () => {
        const r = await call(deploymentRoute.GET as never, { path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments/stuck`, token: cast.users.dsVision.token, params: { ...params, name: EP, deployment: 'stuck' } });
        return r.json?.state === 'Unhealthy' && r.json.pending ? r.json : undefined;
      },
      { what: 'stuck Unhealthy with a pending explanation', timeoutMs: 60_000 },
    );
    expect(detail.reasons[0]).toMatchObject({ code: 'PodUnschedulable' });
    expect(detail.reasons[0].message).toMatch(/cannot be scheduled/);
    expect(detail.pending.reasons.length).toBeGreaterThan(0);
    expect(detail.replicas[0]).toMatchObject({ ready: false, node: null });
    const del = await call(deploymentRoute.DELETE as never, { method: 'DELETE', path: `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments/stuck`, token: cast.users.dsVision.token, params: { ...params, name: EP, deployment: 'stuck' } });
    expect(del.status, del.text).toBe(200);
    await expect(apps().readNamespacedDeployment({ name: `${EP}-stuck`, namespace: ns.name })).rejects.toMatchObject({ code: 404 });
  });

  it('refuses resources beyond the instance type with both numbers, and applies nothing', async () => {
    const yaml = deploymentYaml('blue').replace(/^name: blue$/m, 'name: huge').replace(/cpu: "0.2"/, 'cpu: "3"').replace(/^code_configuration:\n(  .*\n)+/m, '');
    const r = await yamlCall(deploymentsRoute, 'POST', `/api/v1/workspaces/vision/online-endpoints/${EP}/deployments`, yaml, { name: EP });
    expect(r.status, r.text).toBe(400);
    const field = (r.json.errors ?? r.json.fieldErrors ?? []) as Array<{ path: string; message: string }>;
    expect(JSON.stringify(r.json)).toMatch(/resources\.limits\.cpu/);
    expect(r.json.detail).toMatch(/\b3\b.*\b2\b/);
    expect(field).toBeDefined();
    await expect(apps().readNamespacedDeployment({ name: `${EP}-huge`, namespace: ns.name })).rejects.toMatchObject({ code: 404 });
  });

  it('deletes the endpoint with every object, and the router no longer serves it', async () => {
    const move = await call(endpointRoute.PATCH as never, { method: 'PATCH', path: `/api/v1/workspaces/vision/online-endpoints/${EP}`, token: cast.users.dsVision.token, body: { traffic: { green: 100 } }, params: { ...params, name: EP } });
    expect(move.status, move.text).toBe(200);
    const del = await call(endpointRoute.DELETE as never, { method: 'DELETE', path: `/api/v1/workspaces/vision/online-endpoints/${EP}`, token: cast.users.dsVision.token, params: { ...params, name: EP } });
    expect(del.status, del.text).toBe(200);
    expect(await routerConfig()).not.toContain(`/api/v1/endpoint/${EP}/score`);
    const left = async () => {
      const selector = `harbormaster.io/endpoint=${EP}`;
      const [d, s, h] = await Promise.all([
        apps().listNamespacedDeployment({ namespace: ns.name, labelSelector: selector }),
        core().listNamespacedService({ namespace: ns.name, labelSelector: selector }),
        kubeConfig().makeApiClient(AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler({ namespace: ns.name, labelSelector: selector }),
      ]);
      return d.items.length + s.items.length + h.items.length;
    };
    expect(await left()).toBe(0);
    const list = await call(endpointsRoute.GET as never, { path: '/api/v1/workspaces/vision/online-endpoints', token: cast.users.dsVision.token, params });
    expect(list.json.items).toEqual([]);
  });
});
