// The official azure-ai-ml SDK (1.35.2, unchanged) submits, reads, lists and cancels jobs on the local cluster
// through Harbormaster's /arm/ API (issue 19): the console's route handler behind a loopback HTTPS server, a
// data scientist's API token as the bearer token, the runtime loops of the jobs suites moving statuses on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BatchV1Api } from '@kubernetes/client-node';
import { LABELS } from '@/lib/domain';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import type { Cast } from '@/test/fixtures';
import { sdkPythonOrSkip } from '@/test/aml-sdk/sdk-venv';
import { startArmHttps, type ArmTestServer } from '@/test/arm/https-server';
import { runSdk, type SdkTarget } from '@/test/arm/sdk';
import { clusters, computeTargets, jobs, workspaces } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { KubeClient } from '../kube/client';
import { serverSideApply } from '../kube/apply';
import { instanceTypeCrd } from '../kube/manifests/instance-type-crd';
import { stopLoop } from '../runtime/intents';
import { startJobStatusReconciler } from '../runtime/job-status';
import { startSweepController } from '../runtime/sweeps';
import { castWithCluster } from '../services/clusters.k8s-support';
import { runAction } from '../actions/run';

const CLUSTER = 'tb-arm-jobs';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-jobs-k8s-'));

describe.skipIf(k8sSkipReason)('jobs through the Azure ML SDK on the local cluster', () => {
  const ns = testNamespace('hm-arm-jobs');
  const small = uniqueName('arm-small');
  let cast: Cast;
  let server: ArmTestServer | undefined;
  let target: SdkTarget;
  let skipReason: string | undefined;
  let stops: Array<() => void> = [];

  beforeAll(async () => {
    const venv = sdkPythonOrSkip();
    skipReason = venv.skipReason;
    if (!venv.python) return;
    cast = await castWithCluster(CLUSTER, dataDir);
    const client = new KubeClient(kubeConfig());
    await serverSideApply(client, instanceTypeCrd() as never);
    await waitFor(() => client.get('/apis/amlarc.azureml.com/v1alpha1/instancetypes').then(() => true, () => false), { what: 'the InstanceType CRD' });
    await serverSideApply(client, { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceType', metadata: { name: small }, spec: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } } } } as never);
    client.close();
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'k8s-compute', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype', small] });
    stops = [startJobStatusReconciler(cast.db.db, { tickMs: 500 }), startSweepController(cast.db.db, { tickMs: 500 })];
    server = await startArmHttps(path.join(dataDir, 'tls'));
    target = { python: venv.python, arm: `${server.origin}/arm/`, caFile: server.caFile, token: cast.users.dsVision.token, workspace: 'vision' };
  }, 900_000);

  afterAll(async () => {
    for (const s of stops) s();
    stopLoop();
    await server?.close();
    const client = new KubeClient(kubeConfig());
    await client.request('DELETE', `/apis/amlarc.azureml.com/v1alpha1/instancetypes/${small}`).catch(() => undefined);
    client.close();
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const sdk = <T = any>(script: string, timeoutMs = 180_000) => runSdk<T>(target, script, timeoutMs);
  const skip = (ctx: { skip: () => void }) => {
    if (!skipReason) return false;
    console.warn(`SKIPPED: ${skipReason}`);
    ctx.skip();
    return true;
  };
  /** Python: poll ml.jobs.get(name).status until one of `until`, collecting what was seen. */
  const pollStatus = (name: string, until: string[], seconds = 120) => `
import time
seen = []
deadline = time.time() + ${seconds}
while time.time() < deadline:
    s = ml.jobs.get(${JSON.stringify(name)}).status
    if not seen or seen[-1] != s:
        seen.append(s)
    if s in ${JSON.stringify(until)}:
        break
    time.sleep(1)
`;

  it('lists the workspace\'s computes', async (ctx) => {
    if (skip(ctx)) return;
    const r = await sdk(`emit([{"name": c.name, "type": c.type} for c in ml.compute.list()])`);
    expect(r).toEqual([{ name: 'k8s-compute', type: 'kubernetes' }]);
  });

  it('submits a command job with an image environment and an instance type, sees it Completed, gets and lists it', async (ctx) => {
    if (skip(ctx)) return;
    const name = uniqueName('sdk-cmd');
    const r = await sdk(`
from azure.ai.ml import command
from azure.ai.ml.entities import Environment
job = command(name=${JSON.stringify(name)}, command="python -c 'print(\${{inputs.n}})'", inputs={"n": 3},
              environment=Environment(image="python:3.11-slim"), compute="k8s-compute", instance_type=${JSON.stringify(small)},
              display_name="through the SDK", experiment_name="arm-sdk", tags={"harbormaster.io/sim-duration": "2s"})
created = ml.jobs.create_or_update(job)
first = created.status
${pollStatus(name, ['Completed', 'Failed', 'Canceled'])}
got = ml.jobs.get(${JSON.stringify(name)})
emit({"name": created.name, "first": first, "seen": seen, "display": got.display_name, "experiment": got.experiment_name,
      "compute": got.compute, "instance_type": got.resources.instance_type, "studio": got.studio_url,
      "listed": ${JSON.stringify(name)} in [j.name for j in ml.jobs.list()]})
`);
    expect(r.exception, r.message).toBeUndefined();
    expect(r).toMatchObject({ name, display: 'through the SDK', experiment: 'arm-sdk', compute: 'k8s-compute', instance_type: small, listed: true });
    expect(['NotStarted', 'Queued', 'Preparing', 'Running']).toContain(r.first);
    expect(r.seen.at(-1)).toBe('Completed');
    expect(r.studio).toMatch(new RegExp(`/w/vision/jobs/${name}$`));
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect(row).toMatchObject({ status: 'Completed', instanceType: small, computeName: 'k8s-compute' });
    // The SDK's PUT of its anonymous environment before every job is idempotent: a second job reuses it.
    expect(server!.requests.filter((q) => q.method === 'PUT' && q.url.includes('/environments/CliV2AnonymousEnvironment/')).map((q) => q.status)).toContain(201);
  }, 300_000);

  it('cancels a running job with begin_cancel(...).result(): Canceled, its Kubernetes Job gone', async (ctx) => {
    if (skip(ctx)) return;
    const name = uniqueName('sdk-long');
    const r = await sdk(`
from azure.ai.ml import command
from azure.ai.ml.entities import Environment
ml.jobs.create_or_update(command(name=${JSON.stringify(name)}, command="python train.py", environment=Environment(image="python:3.11-slim"),
                                 compute="k8s-compute", tags={"harbormaster.io/sim-duration": "1h"}))
${pollStatus(name, ['Running'])}
running = seen[-1]
ml.jobs.begin_cancel(${JSON.stringify(name)}).result()
emit({"running": running, "after": ml.jobs.get(${JSON.stringify(name)}).status})
`);
    expect(r.exception, r.message).toBeUndefined();
    expect(r).toEqual({ running: 'Running', after: 'Canceled' });
    expect(server!.requests.some((q) => q.method === 'POST' && q.url.includes(`/jobs/${name}/cancel`) && q.status === 202)).toBe(true);
    const batch = kubeConfig().makeApiClient(BatchV1Api);
    await waitFor(async () => (await batch.listNamespacedJob({ namespace: ns.name, labelSelector: `${LABELS.job}=${name}` })).items.length === 0, { what: 'its Job deleted', timeoutMs: 30_000 });
  }, 300_000);

  it('runs a sweep job built with the SDK\'s sweep() to an end', async (ctx) => {
    if (skip(ctx)) return;
    const name = uniqueName('sdk-sweep');
    const r = await sdk(`
from azure.ai.ml import command
from azure.ai.ml.entities import Environment
from azure.ai.ml.sweep import Choice
base = command(command="python -c 'print(\${{inputs.lr}})'", inputs={"lr": 0.1}, environment=Environment(image="python:3.11-slim"),
               compute="k8s-compute", instance_type=${JSON.stringify(small)})
sj = base(lr=Choice([0.1, 0.2])).sweep(sampling_algorithm="grid", primary_metric="acc", goal="Maximize")
sj.set_limits(max_total_trials=2, max_concurrent_trials=2, timeout=600)
sj.name = ${JSON.stringify(name)}
sj.tags = {"harbormaster.io/sim-duration": "2s"}
created = ml.jobs.create_or_update(sj)
${pollStatus(name, ['Completed', 'Failed', 'Canceled'], 150)}
got = ml.jobs.get(${JSON.stringify(name)})
emit({"type": created.type, "seen": seen, "space": str(got.search_space["lr"].values), "goal": got.objective.goal, "trials": got.limits.max_total_trials})
`);
    expect(r.exception, r.message).toBeUndefined();
    expect(r).toMatchObject({ type: 'sweep', space: '[0.1, 0.2]', trials: 2 });
    expect(r.goal.toLowerCase()).toBe('maximize');
    expect(r.seen.at(-1)).toBe('Completed');
    const trials = await cast.db.db.select().from(jobs).where(eq(jobs.name, `${name}`));
    expect(trials[0].type).toBe('sweep');
  }, 300_000);

  it('registers a named environment with ml.environments and runs a job on azureml:<name>@latest', async (ctx) => {
    if (skip(ctx)) return;
    const name = uniqueName('sdk-env');
    const r = await sdk(`
from azure.ai.ml import command
from azure.ai.ml.entities import Environment
env = ml.environments.create_or_update(Environment(name="py311-slim", version="1", image="python:3.11-slim", description="slim Python"))
got = ml.environments.get("py311-slim", version="1")
job = ml.jobs.create_or_update(command(name=${JSON.stringify(name)}, command="echo hi", environment="azureml:py311-slim@latest", compute="k8s-compute",
                                       tags={"harbormaster.io/sim-duration": "1s"}))
emit({"version": env.version, "image": got.image, "description": got.description, "environment": str(ml.jobs.get(${JSON.stringify(name)}).environment)})
`);
    expect(r.exception, `${r.message}\n${JSON.stringify(server!.requests.slice(-8), null, 1)}`).toBeUndefined();
    expect(r).toMatchObject({ version: '1', image: 'python:3.11-slim', description: 'slim Python' });
    expect(r.environment).toMatch(/py311-slim:1$/);
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect((row.spec as { environment: { image: string; reference: string } }).environment).toMatchObject({ image: 'python:3.11-slim', reference: 'azureml:py311-slim:1' });
  }, 300_000);

  it('reads jobs submitted through /api/v1 (inline image, YAML) with ml.jobs.get and ml.jobs.list', async (ctx) => {
    if (skip(ctx)) return;
    const name = uniqueName('api-yaml');
    await runAction('jobs.submit', { workspace: 'vision', yaml: `name: ${name}\ncommand: echo hi\nenvironment: {image: python:3.12-slim}\ncompute: azureml:k8s-compute\ntags: {harbormaster.io/sim-duration: 1s}\n` }, cast.caller('dsVision'));
    const r = await sdk(`
j = ml.jobs.get(${JSON.stringify(name)})
emit({"type": j.type, "environment": str(j.environment), "compute": j.compute, "listed": ${JSON.stringify(name)} in [x.name for x in ml.jobs.list()]})
`);
    expect(r.exception, r.message).toBeUndefined();
    expect(r).toEqual({ type: 'command', environment: 'python:3.12-slim', compute: 'k8s-compute', listed: true });
  }, 300_000);

  it('refuses a field Harbormaster cannot honour, and local code, each with an ARM error naming it', async (ctx) => {
    if (skip(ctx)) return;
    const r = await sdk(`
import os
from azure.ai.ml import command, ManagedIdentityConfiguration
from azure.ai.ml.entities import Environment
from azure.core.exceptions import HttpResponseError
out = {}
try:
    ml.jobs.create_or_update(command(name="sdk-identity", command="echo hi", environment=Environment(image="python:3.11-slim"), compute="k8s-compute", identity=ManagedIdentityConfiguration()))
    out["identity"] = "accepted"
except HttpResponseError as e:
    out["identity"] = {"status": e.status_code, "message": str(e)}
os.makedirs("src", exist_ok=True)
open("src/main.py", "w").write("print(1)")
try:
    ml.jobs.create_or_update(command(name="sdk-code", command="python main.py", code="./src", environment=Environment(image="python:3.11-slim"), compute="k8s-compute"))
    out["code"] = "accepted"
except HttpResponseError as e:
    out["code"] = {"status": e.status_code, "message": str(e)}
emit(out)
`);
    expect(r.exception, JSON.stringify(r)).toBeUndefined();
    expect(r.identity.status, JSON.stringify(r)).toBe(400);
    expect(r.identity.message).toContain('properties.identity');
    expect(r.code.status, JSON.stringify(r)).toBe(400);
    expect(r.code.message).toMatch(/code: .*image/);
    const rows = await cast.db.db.select().from(jobs).where(eq(jobs.workspaceId, (await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision')))[0].id));
    expect(rows.map((j) => j.name)).not.toEqual(expect.arrayContaining(['sdk-identity']));
    expect(rows.map((j) => j.name)).not.toEqual(expect.arrayContaining(['sdk-code']));
  }, 300_000);
});
