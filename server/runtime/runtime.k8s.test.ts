// The runtime core on the local API server (issue: effects after commit, status from informers):
//   - a job submitted through the API exists as a Kubernetes Job when the answer is 201, and its record
//     reaches Completed in the DB-backed list without anyone opening it (the status reconciler);
//   - ?dryRun=true changes nothing — on the cluster and in the DB — for every action with cluster effects;
//   - a cluster that cannot be reached at apply time: 202, NotStarted with the reason, and the intent
//     finishes by itself once the cluster is reachable;
//   - an intent the API server refuses fails with the server's message, the job shows Failed and the
//     refusal is audited.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api } from '@kubernetes/client-node';
import { and, eq } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { LABELS } from '@/lib/domain';
import { auditEvents, clusters, computeTargets, intents, jobs, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { runAction } from '../actions/run';
import { castWithCluster, registerTestCluster } from '../services/clusters.k8s-support';
import { jobObjectName } from '../kube/manifests/names.job';
import { carryOut, enqueueIntents, stopLoop } from './intents';
import { jobTransitionsOf, startJobStatusReconciler } from './job-status';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as cancelRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/cancel/route';

const CLUSTER = 'tb-runtime';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-runtime-k8s-'));

describe.skipIf(k8sSkipReason)('runtime core on the local API server', () => {
  const ns = testNamespace('hm-rt');
  let cast: Cast;
  let stopReconciler: () => void = () => undefined;
  const params = { workspace: 'vision' };
  const batch = () => kubeConfig().makeApiClient(BatchV1Api);

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([{ workspaceId: vision.id, name: 'cpu', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default' }]);
    stopReconciler = startJobStatusReconciler(cast.db.db, { tickMs: 500 });
  });
  afterAll(async () => {
    stopReconciler();
    stopLoop();
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const submit = (name: string, extra = '', query = '') =>
    call(jobsRoute.POST as never, {
      method: 'POST',
      path: `/api/v1/workspaces/vision/jobs${query}`,
      token: cast.users.dsVision.token,
      rawBody: `name: ${name}\ncommand: echo hello\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\n${extra}`,
      headers: { 'content-type': 'application/yaml' },
      params,
    });
  const list = () => call(jobsRoute.GET as never, { path: '/api/v1/workspaces/vision/jobs', token: cast.users.dsVision.token, params });
  const k8sJobs = async (name: string) =>
    (await batch().listNamespacedJob({ namespace: ns.name, labelSelector: `${LABELS.job}=${jobObjectName(name)}` })).items;

  it('answers 201 once the Job exists, and the list reaches Completed with nobody opening the job', async () => {
    const name = uniqueName('rt-done');
    const r = await submit(name);
    expect(r.status, r.text).toBe(201);
    expect(r.json.status).toBe('Queued');
    // 201 means the Job is there now, not eventually.
    expect((await k8sJobs(name)).length).toBe(1);
    await waitFor(async () => (await list()).json.items.find((j: { name: string }) => j.name === name)?.status === 'Completed', {
      what: `job ${name} Completed in the list`,
      timeoutMs: 60_000,
    });
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const steps = (await jobTransitionsOf(cast.db.db, row.id)).map((t) => t.status);
    expect(steps[0]).toBe('NotStarted');
    expect(steps).toContain('Queued');
    expect(steps[steps.length - 1]).toBe('Completed');
    expect(row.startedAt).not.toBeNull();
    expect(row.finishedAt).not.toBeNull();
  });

  it('refuses a name a Kubernetes Job already has in the namespace (no take-over), naming the field', async () => {
    const name = uniqueName('rt-taken');
    await batch().createNamespacedJob({
      namespace: ns.name,
      body: { metadata: { name }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'x', image: 'busybox' }] } } } },
    });
    const r = await submit(name);
    expect(r.status, r.text).toBe(409);
    expect(r.json.detail).toMatch(new RegExp(`^name: a Kubernetes Job named ${name} already exists in namespace ${ns.name}`));
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect(row).toBeUndefined();
  });

  it('cancel with ?dryRun=true deletes nothing and changes no record; cancel deletes the Job and keeps the record', async () => {
    const name = uniqueName('rt-cancel');
    expect((await submit(name, 'tags: {harbormaster.io/sim-duration: 10m}\n')).status).toBe(201);
    const before = await k8sJobs(name);
    expect(before.length).toBe(1);
    const [rowBefore] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const dry = await call(cancelRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/jobs/${name}/cancel?dryRun=true`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(dry.status, dry.text).toBe(200);
    expect(JSON.stringify(dry.json)).toContain('deleted'); // what would be deleted, per the API server's dry run
    await new Promise((r) => setTimeout(r, 1500));
    const after = await k8sJobs(name);
    // The same Job (its status moves on as its pod runs), not being deleted.
    expect(after.map((j) => j.metadata?.uid)).toEqual(before.map((j) => j.metadata?.uid));
    expect(after[0].metadata?.deletionTimestamp).toBeUndefined();
    const [rowAfter] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect(rowAfter.status).not.toBe('Canceled');
    expect(rowAfter.finishedAt).toEqual(rowBefore.finishedAt);
    expect(await cast.db.db.select().from(intents).where(and(eq(intents.ownerId, rowBefore.id), eq(intents.action, 'jobs.cancel')))).toEqual([]);

    const real = await call(cancelRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/jobs/${name}/cancel`, token: cast.users.dsVision.token, params: { ...params, name } });
    expect(real.status, real.text).toBe(200);
    expect(real.json.status).toBe('Canceled');
    await waitFor(async () => (await k8sJobs(name)).every((j) => j.metadata?.deletionTimestamp) || (await k8sJobs(name)).length === 0, { what: 'the Job deleted' });
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect(row.status).toBe('Canceled');
    expect((row.objects as unknown[]).length).toBeGreaterThan(0); // the record keeps what was applied
  });

  it('fails an intent the API server refuses, with its message, marks the job Failed and audits the refusal', async () => {
    const name = uniqueName('rt-refused');
    const r = await submit(name);
    expect(r.status).toBe(201);
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    // A second submit intent for the same job whose Job the API server refuses (no containers).
    const bad = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${jobObjectName(name)}-bad`, namespace: ns.name }, spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } } };
    await cast.db.db.update(jobs).set({ status: 'NotStarted' }).where(eq(jobs.id, row.id));
    const ids = await cast.db.db.transaction((tx) =>
      enqueueIntents(tx, [{ kind: 'kube.plan', cluster, owner: { type: 'job', id: row.id }, payload: { steps: [{ op: 'apply', object: bad }] } }], { action: 'jobs.submit', requestId: 'rt-test' }),
    );
    const [o] = await carryOut(cast.db.db, ids, { waitMs: 5000 });
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/containers/i);
    const [after] = await cast.db.db.select().from(jobs).where(eq(jobs.id, row.id));
    expect(after.status).toBe('Failed');
    expect(after.statusMessage).toMatch(/API server refused/);
    const audits = await cast.db.db.select().from(auditEvents).where(and(eq(auditEvents.requestId, 'rt-test'), eq(auditEvents.outcome, 'failed')));
    expect(audits.length).toBe(1);
    expect(audits[0].message).toMatch(/refused/);
  });

  it('a cluster that cannot be reached: 202 with NotStarted and the reason; the intent stays pending and retries', async () => {
    const down = 'tb-runtime-down';
    await registerTestCluster(cast, down, {
      allowUnreachable: true,
      kubeconfig: (await import('../services/clusters.k8s-support')).testKubeconfig((d) => {
        d.clusters[0].cluster.server = 'https://127.0.0.1:1';
      }),
    });
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, down));
    await cast.db.db.insert(computeTargets).values([{ workspaceId: vision.id, name: 'offline', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default' }]);
    const name = uniqueName('rt-wait');
    const started = Date.now();
    const r = await call(jobsRoute.POST as never, {
      method: 'POST',
      path: '/api/v1/workspaces/vision/jobs',
      token: cast.users.dsVision.token,
      rawBody: `name: ${name}\ncommand: echo hi\nenvironment: {image: python:3.11-slim}\ncompute: azureml:offline\n`,
      headers: { 'content-type': 'application/yaml' },
      params,
    });
    expect(r.status, r.text).toBe(202);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.json.status).toBe('NotStarted');
    expect(r.json.statusMessage).toMatch(/waiting for cluster tb-runtime-down/);
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const pending = await cast.db.db.select().from(intents).where(and(eq(intents.ownerId, row.id), eq(intents.status, 'pending')));
    expect(pending.length).toBe(1);
    expect(pending[0].attempts).toBeGreaterThanOrEqual(1);
    // Once the cluster is reachable again (new credentials pointing at the live API server), it completes.
    await runAction('clusters.updateCredentials', { name: down, connection: { mode: 'kubeconfig', kubeconfig: (await import('../services/clusters.k8s-support')).testKubeconfig() } }, cast.caller('admin'));
    await waitFor(async () => (await cast.db.db.select().from(intents).where(eq(intents.id, pending[0].id)))[0].status === 'done', { what: 'the pending intent done', timeoutMs: 60_000 });
    expect((await k8sJobs(name)).length).toBe(1);
  });
});
