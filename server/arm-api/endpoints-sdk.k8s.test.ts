// The official azure-ai-ml SDK (1.35.2, unchanged) against Harbormaster's /arm/ API with online endpoints on the
// local API server (issue 19): the ML extension installed with inference, a data scientist's API token as the
// bearer token over loopback HTTPS. Registers and lists a model; creates a Kubernetes endpoint and a deployment
// through the SDK's pollers (Succeeded once the simulated pods are Ready); reads the keys; moves all traffic to the
// deployment; then scores through the router — the nginx configuration rendered from the DB, run by a real nginx on
// loopback in front of a stand-in model server — with the key the SDK got (a wrong key is refused); refuses a managed
// endpoint and mirrored traffic to a live deployment naming the field; deletes the deployment and the endpoint through the pollers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { eq } from 'drizzle-orm';
import type { Cast } from '@/test/fixtures';
import { sdkPythonOrSkip } from '@/test/aml-sdk/sdk-venv';
import { startArmHttps, type ArmTestServer } from '@/test/arm/https-server';
import { runSdk, type SdkTarget } from '@/test/arm/sdk';
import { ensureNginx } from '@/test/ensure-nginx';
import { k8sSkipReason, kubeConfig, testNamespace, waitFor } from '@/testbed/test-helpers';
import { clusters, computeTargets, onlineEndpoints, workspaces } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { ROUTER_CONFIG_MAP } from '../kube/manifests/extension-router';
import { renderRouterConfig } from '../kube/router/nginx-config';
import { freePort, modelServer, request, startNginx, type ModelServer, type RunningNginx } from '../kube/router/nginx-harness';
import { stopLoop } from '../runtime/intents';
import { startEndpointStatusReconciler } from '../runtime/endpoint-status';
import { castWithCluster, installAndWait, purgeAndWait } from '../services/clusters.k8s-support';
import { routerEndpoints } from '../services/router-sync';

const CLUSTER = 'tb-arm-endpoints';
const EP = 'sdk-scorer';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-endpoints-k8s-'));

describe.skipIf(k8sSkipReason)('the Azure ML SDK, unchanged, with online endpoints on the local cluster', () => {
  const ns = testNamespace('hm-arm-ep');
  let cast: Cast;
  let stop: () => void = () => undefined;
  let server: ArmTestServer | undefined;
  let target: SdkTarget;
  let skipReason: string | undefined;
  let model: ModelServer | undefined;
  let nginx: RunningNginx | undefined;
  let keys: { primary: string; secondary: string; old: string };

  beforeAll(async () => {
    const venv = sdkPythonOrSkip();
    skipReason = venv.skipReason;
    if (!venv.python) return;
    cast = await castWithCluster(CLUSTER, dataDir);
    await installAndWait(cast, CLUSTER, { settings: { enableInference: true, allowInsecureConnections: true, inferenceRouterServiceType: 'clusterIP', inferenceRouterHA: false } });
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'k8s-compute', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype'] });
    stop = startEndpointStatusReconciler(cast.db.db, { tickMs: 500 });
    server = await startArmHttps(path.join(dataDir, 'tls'));
    target = { python: venv.python, arm: `${server.origin}/arm/`, caFile: server.caFile, token: cast.users.dsVision.token, workspace: 'vision' };
  }, 900_000);

  afterAll(async () => {
    stop();
    await nginx?.stop();
    await model?.close();
    await server?.close();
    stopLoop();
    if (cast) {
      await cast.db.db.delete(onlineEndpoints);
      await cast.db.db.delete(computeTargets).where(eq(computeTargets.name, 'k8s-compute'));
      await purgeAndWait(cast, CLUSTER);
    }
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  const sdk = <T = any>(script: string) => runSdk<T>(target, script, 300_000); // eslint-disable-line @typescript-eslint/no-explicit-any
  const skipIfNoSdk = (ctx: { skip: () => void }) => {
    if (skipReason) {
      console.warn(`SKIPPED: ${skipReason}`);
      ctx.skip();
    }
  };

  it('registers a model with an https path, lists, gets, archives and restores it; a local path is refused naming path', async (ctx) => {
    skipIfNoSdk(ctx);
    const r = await sdk(`
from azure.ai.ml.entities import Model
m = ml.models.create_or_update(Model(name="classifier", path="https://models.example.com/classifier.onnx", description="resnet"))
emit({"name": m.name, "version": m.version, "path": m.path, "models": sorted(x.name for x in ml.models.list()), "versions": [v.version for v in ml.models.list(name="classifier")]})
`);
    expect(r).toEqual({ name: 'classifier', version: '1', path: 'https://models.example.com/classifier.onnx', models: ['classifier'], versions: ['1'] });
    const archived = await sdk(`
ml.models.archive(name="classifier", version="1")
hidden = [v.version for v in ml.models.list(name="classifier")]
ml.models.restore(name="classifier", version="1")
emit({"while_archived": hidden, "restored": [v.version for v in ml.models.list(name="classifier")], "got": ml.models.get("classifier", "1").path})
`);
    expect(archived).toEqual({ while_archived: [], restored: ['1'], got: 'https://models.example.com/classifier.onnx' });
    const local = await sdk(`
import os
os.makedirs("model", exist_ok=True)
open("model/weights.bin", "wb").write(b"0" * 16)
from azure.ai.ml.entities import Model
ml.models.create_or_update(Model(name="local-model", path="./model"))
emit("uploaded")
`);
    expect(local.exception).toBe('HttpResponseError');
    expect(local.message).toMatch(/LocalUploadNotSupported/);
    expect(local.message).toMatch(/path: Harbormaster does not take local files/);
  });

  it('creates a Kubernetes endpoint and a deployment through the pollers, reads and regenerates the keys and moves the traffic', async (ctx) => {
    skipIfNoSdk(ctx);
    const ep = await sdk(`
from azure.ai.ml.entities import KubernetesOnlineEndpoint
ep = ml.online_endpoints.begin_create_or_update(KubernetesOnlineEndpoint(name="${EP}", compute="k8s-compute", auth_mode="key", description="scores images")).result()
emit({"name": ep.name, "state": ep.provisioning_state, "compute": ep.compute, "auth": ep.auth_mode, "uri": ep.scoring_uri})
`);
    expect(ep).toMatchObject({ name: EP, state: 'Succeeded', auth: 'key', uri: `http://azureml-fe.azureml.svc/api/v1/endpoint/${EP}/score` });
    expect(ep.compute).toMatch(/\/computes\/k8s-compute$/);

    const dep = await sdk(`
from azure.ai.ml.entities import KubernetesOnlineDeployment, Environment
d = ml.online_deployments.begin_create_or_update(KubernetesOnlineDeployment(
    name="blue", endpoint_name="${EP}", model="azureml:classifier:1",
    environment=Environment(image="docker.io/library/python:3.12-slim"),
    instance_type="defaultinstancetype", instance_count=1)).result()
emit({"name": d.name, "state": d.provisioning_state, "model": d.model, "instance_type": d.instance_type, "count": d.instance_count})
`);
    expect(dep).toMatchObject({ name: 'blue', state: 'Succeeded', instance_type: 'defaultinstancetype', count: 1 });
    expect(dep.model).toMatch(/\/models\/classifier\/versions\/1$/);
    const apps = kubeConfig().makeApiClient(AppsV1Api);
    const k8sDep = await apps.readNamespacedDeployment({ name: `${EP}-blue`, namespace: ns.name });
    expect(k8sDep.spec?.template.spec?.containers[0].image).toBe('docker.io/library/python:3.12-slim');

    // get_keys, then a regenerated secondary key (the SDK's poller follows the 202's Location).
    const k = await sdk(`
before = ml.online_endpoints.get_keys("${EP}")
ml.online_endpoints.begin_regenerate_keys(name="${EP}", key_type="secondary").result()
after = ml.online_endpoints.get_keys("${EP}")
emit({"before": [before.primary_key, before.secondary_key], "after": [after.primary_key, after.secondary_key]})
`);
    expect(k.before[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(k.after[0]).toBe(k.before[0]);
    expect(k.after[1]).not.toBe(k.before[1]);
    keys = { primary: k.after[0], secondary: k.after[1], old: k.before[1] };

    const traffic = await sdk(`
ep = ml.online_endpoints.get("${EP}")
ep.traffic = {"blue": 100}
ep = ml.online_endpoints.begin_create_or_update(ep).result()
emit({"traffic": ep.traffic, "state": ep.provisioning_state})
`);
    expect(traffic).toEqual({ traffic: { blue: 100 }, state: 'Succeeded' });
    // The cluster's router configuration (rendered from the DB by the router sync) sends the traffic to blue.
    const conf = (await kubeConfig().makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: ROUTER_CONFIG_MAP, namespace: 'azureml' })).data?.['nginx.conf'] ?? '';
    expect(conf).toContain(`location = /api/v1/endpoint/${EP}/score`);
  });

  it('scores through the router (nginx on loopback, rendered from the DB) with the keys the SDK got; a wrong or regenerated-away key is refused', async (ctx) => {
    skipIfNoSdk(ctx);
    const n = ensureNginx();
    if (!n.ok) {
      if (process.env.CI === 'true') throw new Error(n.reason);
      console.warn(`SKIPPED: ${n.reason}`);
      return ctx.skip();
    }
    model = await modelServer('blue');
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    // The endpoints exactly as the cluster's router gets them, with blue's Service address replaced by the stand-in's.
    const endpoints = (await routerEndpoints(cast.db.db, cluster.id)).map((e) => ({ ...e, deployments: e.deployments.map((d) => ({ ...d, upstream: `127.0.0.1:${model!.port}` })) }));
    expect(endpoints.find((e) => e.name === EP)?.deployments.map((d) => [d.name, d.weight])).toEqual([['blue', 100]]);
    const prefix = path.join(dataDir, 'router');
    fs.mkdirSync(path.join(prefix, 'run'), { recursive: true });
    fs.mkdirSync(path.join(prefix, 'keys'), { recursive: true });
    fs.chmodSync(dataDir, 0o755);
    const [httpPort, healthPort] = await Promise.all([freePort(), freePort()]);
    const rendered = renderRouterConfig({ endpoints, listen: { http: `127.0.0.1:${httpPort}`, health: `127.0.0.1:${healthPort}` }, paths: { runDir: path.join(prefix, 'run'), secretDir: path.join(prefix, 'keys') }, accessLog: false, workerProcesses: 1 });
    for (const [file, content] of Object.entries(rendered.secretFiles)) fs.writeFileSync(path.join(prefix, 'keys', file), content);
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), rendered.nginxConf);
    nginx = await startNginx({ nginx: n.nginx, prefix, conf: path.join(prefix, 'nginx.conf'), healthUrl: `http://127.0.0.1:${healthPort}/healthz` });

    const url = `http://127.0.0.1:${httpPort}/api/v1/endpoint/${EP}/score`;
    const scored = await request(url, { method: 'POST', headers: { authorization: `Bearer ${keys.primary}`, 'content-type': 'application/json' }, body: '{"data": [[1, 2]]}' });
    expect(scored.status, scored.body).toBe(200);
    expect(JSON.parse(scored.body)).toEqual({ deployment: 'blue' });
    expect(model.hits.at(-1)?.body).toBe('{"data": [[1, 2]]}');
    const secondary = await request(url, { method: 'POST', headers: { authorization: `Bearer ${keys.secondary}` }, body: '{}' });
    expect(secondary.status).toBe(200);
    const hits = model.hits.length;
    const wrong = await request(url, { method: 'POST', headers: { authorization: 'Bearer not-the-key' }, body: '{}' });
    expect(wrong.status).toBe(401);
    const replaced = await request(url, { method: 'POST', headers: { authorization: `Bearer ${keys.old}` }, body: '{}' });
    expect(replaced.status).toBe(401);
    expect(model.hits.length).toBe(hits);
  });

  it('refuses a managed endpoint, and mirrored traffic to the deployment taking live traffic, with an ARM error naming the field', async (ctx) => {
    skipIfNoSdk(ctx);
    const managed = await sdk(`
from azure.ai.ml.entities import ManagedOnlineEndpoint
ml.online_endpoints.begin_create_or_update(ManagedOnlineEndpoint(name="managed-ep", auth_mode="key")).result()
emit("created")
`);
    expect(managed.exception).toBe('HttpResponseError');
    expect(managed.message).toMatch(/properties\.compute/);
    expect(managed.message).toMatch(/Kubernetes/);
    const mirrored = await sdk(`
ep = ml.online_endpoints.get("${EP}")
ep.mirror_traffic = {"blue": 10}
ml.online_endpoints.begin_create_or_update(ep).result()
emit("mirrored")
`);
    // The action's rule, as through /api/v1: blue takes live traffic, so it cannot also receive mirrored traffic.
    expect(mirrored.exception).toBe('HttpResponseError');
    expect(mirrored.message).toMatch(/properties\.mirrorTraffic\.blue/);
    expect(mirrored.message).toMatch(/live traffic/);
    const [row] = await cast.db.db.select().from(onlineEndpoints).where(eq(onlineEndpoints.name, EP));
    expect(row.mirrorTraffic).toEqual({});
  });

  it('deletes the deployment and the endpoint through the pollers', async (ctx) => {
    skipIfNoSdk(ctx);
    const r = await sdk(`
ep = ml.online_endpoints.get("${EP}")
ep.traffic = {"blue": 0}
ml.online_endpoints.begin_create_or_update(ep).result()
ml.online_deployments.begin_delete(name="blue", endpoint_name="${EP}").result()
left = [d.name for d in ml.online_deployments.list(endpoint_name="${EP}")]
ml.online_endpoints.begin_delete(name="${EP}").result()
emit({"left": left, "endpoints": [e.name for e in ml.online_endpoints.list()]})
`);
    expect(r).toEqual({ left: [], endpoints: [] });
    await waitFor(
      async () => {
        const gone = await kubeConfig().makeApiClient(AppsV1Api).readNamespacedDeployment({ name: `${EP}-blue`, namespace: ns.name }).then(() => false, (e: { code?: number }) => e.code === 404);
        return gone || undefined;
      },
      { what: 'the Kubernetes Deployment removed', timeoutMs: 60_000 },
    );
    expect(server!.requests.filter((q) => q.status >= 500)).toEqual([]);
  });
});
