// Sweeps on the local API server (issue: sweep jobs that run all their trials). The trials print their own
// metrics (the testbed runs `echo`/`sleep` of a pod's command when it carries harbormaster.io/sim-log: command),
// the collector reads them from the logs as they run and the controller starts, stops and ranks trials:
//   - a 3×2 grid with max_concurrent_trials 2 runs its 6 distinct combinations, never more than 2 at once; the
//     bandit policy stops the one trial worse than the slack allows and records why; the best trial is right;
//   - a random sweep whose controller is stopped mid-sweep and started again (a console restart) ends with
//     exactly 6 trials, each with the parameters its seed gives it;
//   - cancelling a sweep cancels its trials and deletes their Jobs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api } from '@kubernetes/client-node';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { trialParameters } from '@/lib/aml/sweep';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { clusters, computeTargets, jobs, workspaces } from '../db/schema';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import { startJobStatusReconciler } from '../runtime/job-status';
import { startMetricsCollector } from '../runtime/metrics';
import { startSweepController } from '../runtime/sweeps';
import { castWithCluster } from './clusters.k8s-support';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as jobRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/route';
import * as trialsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/trials/route';
import * as metricsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/metrics/route';
import * as cancelRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/cancel/route';

const CLUSTER = 'tb-sweeps';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-sweeps-k8s-'));
const FIXTURE = fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'sweeps', 'sweep-bandit.yml'), 'utf8');

describe.skipIf(k8sSkipReason)('sweeps on the local API server', () => {
  const ns = testNamespace('hm-sweeps');
  let cast: Cast;
  let stops: Array<() => void> = [];
  const params = { workspace: 'vision' };
  const startRuntime = () => {
    stops = [startJobStatusReconciler(cast.db.db, { tickMs: 500 }), startMetricsCollector(cast.db.db, { tickMs: 300 }), startSweepController(cast.db.db, { tickMs: 500 })];
  };
  const stopRuntime = () => {
    for (const s of stops) s();
    stops = [];
  };

  beforeAll(async () => {
    cast = await castWithCluster(CLUSTER, dataDir);
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, CLUSTER));
    await cast.db.db.insert(computeTargets).values([{ workspaceId: vision.id, name: 'cpu', clusterId: cluster.id, namespace: ns.name, serviceAccount: 'default', allowedInstanceTypes: ['defaultinstancetype'] }]);
    startRuntime();
  }, 120_000);

  afterAll(async () => {
    stopRuntime();
    stopLoop();
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const as = () => cast.users.dsVision.token;
  const submit = async (yaml: string) => {
    const r = await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', token: as(), rawBody: yaml, headers: { 'content-type': 'application/yaml' }, params });
    expect([201, 202], r.text).toContain(r.status);
    return r.json.name as string;
  };
  const get = async (route: { GET: unknown }, name: string, suffix = '') => {
    const r = await call(route.GET as never, { path: `/api/v1/workspaces/vision/jobs/${name}${suffix}`, token: as(), params: { ...params, name } });
    expect(r.status, r.text).toBe(200);
    return r.json;
  };
  const trialRows = async (sweep: string) => {
    const [s] = await cast.db.db.select().from(jobs).where(eq(jobs.name, sweep));
    return cast.db.db.select().from(jobs).where(eq(jobs.parentJobId, s.id)).orderBy(asc(jobs.trialIndex));
  };
  /** Samples how many trials are active (created, not ended) until the sweep ends; answers the most seen. */
  const watchConcurrency = async (sweep: string, timeoutMs: number) => {
    let most = 0;
    await waitFor(
      async () => {
        const t = await trialRows(sweep);
        most = Math.max(most, t.filter((x) => !['Completed', 'Failed', 'Canceled'].includes(x.status)).length);
        const [s] = await cast.db.db.select().from(jobs).where(eq(jobs.name, sweep));
        return ['Completed', 'Failed', 'Canceled'].includes(s.status);
      },
      { what: `sweep ${sweep} to end`, timeoutMs, intervalMs: 100 },
    );
    return most;
  };
  /** The most trials whose [created, finished] spans overlap at one instant (from the records). */
  const maxOverlap = (rows: Array<{ createdAt: Date; finishedAt: Date | null }>) => {
    const edges = rows.flatMap((r) => [
      [r.createdAt.getTime(), 1],
      [(r.finishedAt ?? new Date()).getTime(), -1],
    ]);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let n = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (n += d));
    return most;
  };

  it('runs a 3×2 grid two at a time, stops the trial the bandit policy rules out, and picks the best', async () => {
    const name = uniqueName('grid');
    await submit(`name: ${name}\ncompute: azureml:cpu\n${FIXTURE}`);
    const most = await watchConcurrency(name, 120_000);
    expect(most).toBeLessThanOrEqual(2);
    const rows = await trialRows(name);
    expect(rows.map((r) => r.trialIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxOverlap(rows)).toBeLessThanOrEqual(2);
    // Every combination once, in grid order (the last parameter varies fastest).
    expect(rows.map((r) => `${r.parameters!.depth}/${r.parameters!.width}`)).toEqual(['2/1', '2/9', '3/1', '3/9', '4/1', '4/9']);

    // Trial 5 reported 0.49 at epoch 2, worse than 0.21 × (1 + 1.2) = 0.462: stopped there, with the numbers.
    const stopped = rows.filter((r) => r.termination);
    expect(stopped.map((r) => r.trialIndex)).toEqual([5]);
    expect(stopped[0].status).toBe('Canceled');
    expect(stopped[0].termination).toMatchObject({ policy: 'bandit', interval: 2, value: 0.49 });
    expect(stopped[0].termination!.numbers!.best).toBe(0.21);
    expect(stopped[0].termination!.numbers!.cutoff).toBeCloseTo(0.462, 9);
    expect(stopped[0].statusMessage).toMatch(/^bandit policy at interval 2: .*0\.49.*0\.462/);
    expect(rows.filter((r) => r.trialIndex! < 5).every((r) => r.status === 'Completed')).toBe(true);

    const sweep = await get(jobRoute, name);
    expect(sweep.status).toBe('Completed');
    expect(sweep.sweep).toMatchObject({ plannedTrials: 6, createdTrials: 6, counts: { Completed: 5, Canceled: 1 }, objective: { primaryMetric: 'val_loss', goal: 'minimize' } });
    expect(sweep.sweep.bestTrial).toEqual({ name: `${name}_0`, index: 0, primaryMetric: 0.21, parameters: { depth: 2, width: 1 } });
    expect(sweep.statusMessage).toBe(`6 of 6 trial(s) started: 5 completed, 1 stopped early; best val_loss 0.21 (${name}_0)`);

    const trials = await get(trialsRoute, name, '/trials');
    expect(trials.next).toBeUndefined();
    expect(trials.items.map((t: { name: string; primaryMetric: number }) => [t.name, t.primaryMetric])).toEqual([
      [`${name}_0`, 0.21],
      [`${name}_1`, 0.29],
      [`${name}_2`, 0.31],
      [`${name}_3`, 0.39],
      [`${name}_4`, 0.41],
      [`${name}_5`, 0.49],
    ]);
    expect(trials.items[5].terminationReason).toMatch(/^bandit policy at interval 2/);
    const paged = await get(trialsRoute, name, '/trials?limit=4');
    expect(paged.items).toHaveLength(4);
    expect(paged.next).toEqual(expect.any(String));

    // The metrics: each trial's curve over steps; the stopped one never reached epoch 3.
    const m = await get(metricsRoute, name, '/metrics');
    const curve = (i: number) => m.items.find((s: { job: string }) => s.job === `${name}_${i}`)?.points.map((p: { step: number; value: number }) => [p.step, p.value]);
    expect(curve(0)).toEqual([
      [1, 0.92],
      [2, 0.21],
      [3, 0.21],
    ]);
    expect(curve(5)).toEqual([
      [1, 0.94],
      [2, 0.49],
    ]);
    // A trial opens as a job of its own, knows its sweep, and is not in the jobs list.
    const t0 = await get(jobRoute, `${name}_0`);
    expect(t0.trial).toMatchObject({ sweep: name, index: 0, parameters: { depth: 2, width: 1 }, primaryMetric: 0.21 });
    expect(t0.objectName).toMatch(/-t0$/);
    const list = await call(jobsRoute.GET as never, { path: `/api/v1/workspaces/vision/jobs?q=${name}`, token: as(), params });
    expect(list.json.items.map((j: { name: string }) => j.name)).toEqual([name]);
  }, 180_000);

  it('survives a restart mid-sweep: exactly 6 random trials, none twice, each with its seeded parameters', async () => {
    const name = uniqueName('rand');
    const yaml = `name: ${name}
type: sweep
compute: azureml:cpu
trial:
  command: >-
    echo "HARBORMASTER_METRIC acc=\${{search_space.lr}} step=1"; sleep 1; echo "HARBORMASTER_METRIC acc=\${{search_space.lr}} step=2"
  environment: {image: busybox:1.36}
sampling_algorithm: {type: random, seed: 42}
search_space:
  lr: {type: uniform, min_value: 0.01, max_value: 0.9}
  layers: {type: randint, upper: 4}
objective: {goal: maximize, primary_metric: acc}
limits: {max_total_trials: 6, max_concurrent_trials: 2}
tags: {harbormaster.io/sim-log: command, harbormaster.io/sim-duration: 3s}
`;
    await submit(yaml);
    // Stop the controller (and the reconciler and collector: a console going away) once trials ran, then start again.
    await waitFor(async () => (await trialRows(name)).some((t) => t.status === 'Completed'), { what: 'a first trial to complete', timeoutMs: 60_000 });
    stopRuntime();
    await new Promise((r) => setTimeout(r, 4000));
    const during = await trialRows(name);
    expect(during.length).toBeLessThan(6);
    startRuntime();
    await watchConcurrency(name, 120_000);
    const rows = await trialRows(name);
    expect(rows.map((r) => r.trialIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxOverlap(rows)).toBeLessThanOrEqual(2);
    const [sweep] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const spec = sweep.spec as SweepJobSpec;
    for (const r of rows) {
      const p = trialParameters(spec.searchSpace, spec.samplingAlgorithm, r.trialIndex!, 42);
      expect(r.parameters).toEqual({ lr: p.lr.value, layers: p.layers.value });
    }
    expect(new Set(rows.map((r) => JSON.stringify(r.parameters))).size).toBe(6);
    // Kubernetes has exactly one Job per trial.
    const k8sJobs = (await kubeConfig().makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns.name, labelSelector: `harbormaster.io/sweep=${rows[0].objectName!.replace(/-t0$/, '')}` })).items;
    expect(k8sJobs.map((j) => j.metadata!.name).sort()).toEqual(rows.map((r) => r.objectName).sort());
    // maximize: the best is the trial with the largest lr.
    expect(sweep.status).toBe('Completed');
    const best = rows.reduce((b, r) => ((r.parameters!.lr as number) > (b.parameters!.lr as number) ? r : b));
    expect((sweep.bestTrial as { name: string }).name).toBe(best.name);
  }, 240_000);

  it('cancelling a sweep cancels its active trials and deletes their Jobs', async () => {
    const name = uniqueName('cancel');
    await submit(
      `name: ${name}\ntype: sweep\ncompute: azureml:cpu\ntrial: {command: sleep 600, environment: {image: busybox:1.36}}\nsearch_space: {x: {type: choice, values: [1, 2, 3, 4]}}\nsampling_algorithm: grid\nobjective: {goal: minimize, primary_metric: loss}\nlimits: {max_total_trials: 4, max_concurrent_trials: 2}\ntags: {harbormaster.io/sim-duration: 10m}\n`,
    );
    await waitFor(async () => (await trialRows(name)).filter((t) => t.status === 'Running').length === 2, { what: 'two running trials', timeoutMs: 60_000 });
    const r = await call(cancelRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/jobs/${name}/cancel`, token: as(), params: { ...params, name } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('Canceled');
    expect(r.json.trials.sort()).toEqual([`${name}_0`, `${name}_1`]);
    const rows = await trialRows(name);
    expect(rows.map((t) => [t.trialIndex, t.status])).toEqual([
      [0, 'Canceled'],
      [1, 'Canceled'],
    ]);
    expect(rows[0].termination).toMatchObject({ policy: 'sweep_canceled' });
    await waitFor(
      async () => (await kubeConfig().makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns.name })).items.filter((j) => rows.some((t) => t.objectName === j.metadata!.name && !j.metadata!.deletionTimestamp)).length === 0,
      { what: 'the trial Jobs to be deleted', timeoutMs: 30_000 },
    );
    // The controller starts nothing more for a canceled sweep.
    await new Promise((res) => setTimeout(res, 1500));
    expect(await cast.db.db.select().from(jobs).where(and(eq(jobs.parentJobId, rows[0].parentJobId!), isNotNull(jobs.trialIndex)))).toHaveLength(2);
  }, 120_000);
});
