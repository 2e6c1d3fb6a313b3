// Environments and jobs through /arm/ as the Azure ML SDK sends them (issue 19), on a real database with a
// compute target on a cluster nobody answers for (jobs are recorded NotStarted, waiting for it): ARM's shapes,
// 201/200, idempotent anonymous environments, refusals naming ARM's field with nothing recorded, who may do what,
// and the audit event of an /arm/ submit equal to its /api/v1 twin's. The SDK itself drives it in jobs-sdk.k8s.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { call, type Cast } from '@/test/fixtures';
import { auditEvents, environments, jobs } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import * as armRoute from '@/app/arm/[...path]/route';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import { castWithUnreachableCompute } from '@/test/arm/cast';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-jobs-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
// The compute's cluster never answers: a submit is recorded (202) once the request stops waiting for it.
process.env.HARBORMASTER_REQUEST_WAIT_MS = '300';
resetEnvCache();

const WS_ID = '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/vision';
const WS = (ws = 'vision') => `/arm/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
const SHA = 'ef0a14cf89e36f216a2626a1a99ef32b57232a13a599879572fb8870a59eaeb1';
const ANON = `${WS()}/environments/CliV2AnonymousEnvironment/versions/${SHA}`;

let cast: Cast;
beforeAll(async () => {
  ({ cast } = await castWithUnreachableCompute('vision-ml'));
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Who = keyof Cast['users'];
const send = (method: string, p: string, who: Who = 'dsVision', body?: unknown, v = '2025-01-01-preview') =>
  call((armRoute as unknown as Record<string, Parameters<typeof call>[0]>)[method], {
    method,
    path: `${p}${p.includes('?') ? '&' : '?'}api-version=${v}`,
    token: cast.users[who].token,
    ...(body !== undefined ? { body } : {}),
  });
const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
const jobRow = async (name: string) => (await cast.db.db.select().from(jobs).where(eq(jobs.name, name)))[0];

/** A CommandJob body exactly as azure-ai-ml 1.35.2 sends it (recorded). */
function commandJob(over: Record<string, unknown> = {}) {
  return {
    properties: {
      displayName: 'sdk-check',
      command: "python -c 'print(${{inputs.x}})'",
      computeId: `${WS_ID}/computes/k8s-compute`,
      properties: {},
      experimentName: 'exp1',
      isArchived: false,
      inputs: { x: { value: '3', jobInputType: 'literal' } },
      outputs: {},
      environmentId: ANON.replace('/arm', ''),
      tags: { t: '1' },
      environmentVariables: { A: 'b' },
      resources: { instanceType: 'defaultinstancetype', properties: {} },
      jobType: 'Command',
      ...over,
    },
  };
}

describe('environments through /arm/', () => {
  it('registers the SDK\'s anonymous environment (201), answers the same PUT again with 200, and another body for that version with 409', async () => {
    const body = { properties: { image: 'python:3.11-slim', isAnonymous: true, isArchived: false } };
    const first = await send('PUT', ANON, 'dsVision', body, '2023-04-01-preview');
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({
      id: ANON.replace('/arm', ''),
      name: SHA,
      type: 'Microsoft.MachineLearningServices/workspaces/environments/versions',
      properties: { image: 'python:3.11-slim', isAnonymous: true, isArchived: false },
      systemData: { createdBy: 'dana@example.com', createdByType: 'User' },
    });
    const audits = (await cast.db.db.select().from(auditEvents)).length;
    const again = await send('PUT', ANON, 'dsVision', body, '2023-04-01-preview');
    expect(again.status, again.text).toBe(200);
    expect(again.json.properties.image).toBe('python:3.11-slim');
    expect((await cast.db.db.select().from(auditEvents)).length, 'an identical PUT changes nothing and records nothing').toBe(audits);
    const other = await send('PUT', ANON, 'dsVision', { properties: { image: 'python:3.12-slim', isAnonymous: true } }, '2023-04-01-preview');
    expect(other.status, other.text).toBe(409);
    expect(other.json.error.message).toMatch(/already exists/);
    expect(other.json.error.target).toBe('version');
    const got = await send('GET', ANON);
    expect(got.status).toBe(200);
    expect(got.json.properties.image).toBe('python:3.11-slim');
    const list = await send('GET', `${WS()}/environments/CliV2AnonymousEnvironment/versions`);
    expect(list.json.value.map((e: { name: string }) => e.name)).toEqual([SHA]);
  });

  it('refuses a Docker build context naming properties.build, and records no environment', async () => {
    const r = await send('PUT', `${WS()}/environments/built/versions/1`, 'dsVision', { properties: { build: { contextUri: 'https://example.com/ctx.zip', dockerfilePath: 'Dockerfile' } } });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.target).toBe('properties.build');
    expect(r.json.error.message).toMatch(/prebuilt images/);
    expect(await cast.db.db.select().from(environments).where(eq(environments.name, 'built'))).toHaveLength(0);
    expect(await lastAudit()).toMatchObject({ action: 'environments.create', outcome: 'failed', targetName: 'built:1' });
  });

  it('answers 404 ResourceNotFound for a version that does not exist; the auditor reads but cannot register', async () => {
    const missing = await send('GET', `${WS()}/environments/nope/versions/1`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
    expect((await send('GET', ANON, 'auditor')).status).toBe(200);
    const put = await send('PUT', `${WS()}/environments/audited/versions/1`, 'auditor', { properties: { image: 'python:3.11' } });
    expect(put.status).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'environments.create', outcome: 'denied' });
  });
});

describe('jobs through /arm/', () => {
  it('submits the SDK\'s CommandJob through jobs.submit (201) and answers it as ARM\'s JobBase', async () => {
    const r = await send('PUT', `${WS()}/jobs/arm-job-1`, 'dsVision', commandJob());
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      id: `${WS_ID}/jobs/arm-job-1`,
      name: 'arm-job-1',
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      systemData: { createdBy: 'dana@example.com' },
      properties: {
        jobType: 'Command',
        status: 'NotStarted',
        displayName: 'sdk-check',
        experimentName: 'exp1',
        computeId: `${WS_ID}/computes/k8s-compute`,
        environmentId: ANON.replace('/arm', ''),
        environmentVariables: { A: 'b' },
        inputs: { x: { jobInputType: 'literal', value: '3' } },
        tags: { t: '1' },
        resources: { instanceType: 'defaultinstancetype', instanceCount: 1 },
        services: { Studio: { jobServiceType: 'Studio', endpoint: expect.stringMatching(/^http:\/\/[^/]+\/w\/vision\/jobs\/arm-job-1$/) } },
      },
    });
    const row = await jobRow('arm-job-1');
    expect(row).toMatchObject({ computeName: 'k8s-compute', status: 'NotStarted', experimentName: 'exp1' });
    expect((row.spec as { environment: { image: string } }).environment.image).toBe('python:3.11-slim');

    const again = await send('PUT', `${WS()}/jobs/arm-job-1`, 'dsVision', commandJob());
    expect(again.status, again.text).toBe(200);
    const changed = await send('PUT', `${WS()}/jobs/arm-job-1`, 'dsVision', commandJob({ command: 'echo other', tags: { t: '2' } }));
    expect(changed.status, changed.text).toBe(409);
    expect(changed.json.error.details.map((d: { target: string }) => d.target).sort()).toEqual(['properties.command', 'properties.tags']);

    const got = await send('GET', `${WS()}/jobs/arm-job-1`, 'auditor', undefined, '2024-01-01-preview');
    expect(got.status, got.text).toBe(200);
    expect(got.json.properties).toMatchObject({ status: 'NotStarted', command: "python -c 'print(${{inputs.x}})'" });
  });

  it('lists jobs as {value, nextLink} paged with $skipToken, and answers 404 for an unknown job', async () => {
    const r2 = await send('PUT', `${WS()}/jobs/arm-job-2`, 'dsVision', commandJob());
    expect(r2.status, r2.text).toBe(201);
    const first = await send('GET', `${WS()}/jobs?listViewType=ActiveOnly&$top=1`, 'dsVision', undefined, '2024-01-01-preview');
    expect(first.status, first.text).toBe(200);
    expect(first.json.value).toHaveLength(1);
    const next = new URL(first.json.nextLink);
    expect(next.pathname).toBe(`${WS()}/jobs`);
    expect(next.searchParams.get('$skipToken')).toBeTruthy();
    const second = await call((armRoute as unknown as Record<string, Parameters<typeof call>[0]>).GET, { path: `${next.pathname}${next.search}`, token: cast.users.dsVision.token });
    const names = [...first.json.value, ...second.json.value].map((j: { name: string }) => j.name);
    expect(names).toEqual(expect.arrayContaining(['arm-job-1', 'arm-job-2']));
    expect((await send('GET', `${WS()}/jobs?listViewType=ArchivedOnly`)).json.value).toEqual([]);
    const missing = await send('GET', `${WS()}/jobs/no-such-job`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('ResourceNotFound');
  });

  it('refuses fields Harbormaster cannot honour or does not know, naming ARM\'s field; nothing is recorded', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ identity: { identityType: 'UserIdentity' } }, 'properties.identity'],
      [{ services: { ssh: { jobServiceType: 'SSH' } } }, 'properties.services'],
      [{ queueSettings: { jobTier: 'Premium' } }, 'properties.queueSettings'],
      [{ resources: { instanceType: 'defaultinstancetype', dockerArgs: '--privileged' } }, 'properties.resources.dockerArgs'],
      [{ someNewField: 1 }, 'properties.someNewField'],
      [{ limits: { jobLimitsType: 'Command', timeout: 'ten minutes' } }, 'properties.limits.timeout'],
      [{ computeId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/forecasting/computes/c' }, 'properties.computeId'],
    ];
    for (const [over, field] of cases) {
      const r = await send('PUT', `${WS()}/jobs/refused-job`, 'dsVision', commandJob(over));
      expect(r.status, `${field}: ${r.text}`).toBe(400);
      expect(r.json.error.details.map((d: { target: string }) => d.target), r.text).toContain(field);
      expect(r.json.error.message).toContain(field);
      expect(await jobRow('refused-job'), field).toBeUndefined();
      expect(await lastAudit(), field).toMatchObject({ action: 'jobs.submit', outcome: 'failed' });
    }
    const bad = await send('PUT', `${WS()}/jobs/refused-job`, 'dsVision', commandJob(), '2019-01-01');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('InvalidApiVersionParameter');
  });

  it('refuses a local code upload at the SDK\'s first call, naming code and what to do instead', async () => {
    const r = await send('GET', `${WS()}/codes/626c0c50-8ecb-4fba-84b5-62673a73fb7a/versions?hash=33da&hashVersion=202208`, 'dsVision', undefined, '2023-04-01');
    expect(r.status).toBe(400);
    expect(r.json.error.target).toBe('code');
    expect(r.json.error.message).toMatch(/^code: .*image.*git\+https.*multipart/);
  });

  it('lets the auditor read but not submit or cancel; hides the workspace from a data scientist of another one', async () => {
    expect((await send('GET', `${WS()}/jobs`, 'auditor')).status).toBe(200);
    const put = await send('PUT', `${WS()}/jobs/auditor-job`, 'auditor', commandJob());
    expect(put.status).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'jobs.submit', outcome: 'denied' });
    expect((await send('POST', `${WS()}/jobs/arm-job-1/cancel`, 'auditor')).status).toBe(403);
    for (const [m, p] of [['GET', `${WS()}/jobs`], ['GET', `${WS()}/jobs/arm-job-1`], ['PUT', `${WS()}/jobs/other-job`], ['GET', ANON]] as const) {
      const r = await send(m, p, 'dsForecasting', m === 'PUT' ? commandJob() : undefined);
      expect(r.status, `${m} ${p}`).toBe(404);
    }
    expect(await jobRow('other-job')).toBeUndefined();
  });

  it('records the same audit event for an /arm/ submit as for its /api/v1 twin', async () => {
    const arm = await send('PUT', `${WS()}/jobs/twin-arm`, 'dsVision', commandJob());
    expect(arm.status, arm.text).toBe(201);
    const viaArm = await lastAudit();
    const api = await call(jobsRoute.POST as never, {
      method: 'POST',
      path: '/api/v1/workspaces/vision/jobs',
      token: cast.users.dsVision.token,
      body: { name: 'twin-api', command: "python -c 'print(${{inputs.x}})'", inputs: { x: '3' }, environment: `azureml:CliV2AnonymousEnvironment:${SHA}`, compute: 'azureml:k8s-compute' },
      params: { workspace: 'vision' },
    });
    expect([201, 202], api.text).toContain(api.status);
    const viaApi = await lastAudit();
    const pick = (e: typeof viaArm) => ({ action: e.action, outcome: e.outcome, targetType: e.targetType, workspace: e.workspace, actorEmail: e.actorEmail });
    expect(pick(viaArm)).toEqual(pick(viaApi));
    expect(viaArm).toMatchObject({ action: 'jobs.submit', outcome: 'success', targetType: 'job', targetName: 'twin-arm' });
    expect(viaApi.targetName).toBe('twin-api');
    const after = (e: typeof viaArm) => {
      const { objects: _o, ...rest } = e.after as Record<string, unknown>;
      return rest;
    };
    expect(after(viaArm)).toEqual(after(viaApi));
  });

  it('cancels with ARM\'s 202 and a Location that answers the job, now Canceled', async () => {
    const r = await send('POST', `${WS()}/jobs/arm-job-2/cancel`, 'dsVision', undefined, '2023-04-01-preview');
    expect(r.status, r.text).toBe(202);
    const location = new URL(r.headers.get('location')!);
    expect(location.pathname).toBe(`${WS()}/jobs/arm-job-2`);
    const polled = await call((armRoute as unknown as Record<string, Parameters<typeof call>[0]>).GET, { path: `${location.pathname}${location.search}`, token: cast.users.dsVision.token });
    expect(polled.json.properties.status).toBe('Canceled');
    expect(await lastAudit()).toMatchObject({ action: 'jobs.cancel', outcome: 'success', targetName: 'arm-job-2' });
    const twice = await send('POST', `${WS()}/jobs/arm-job-2/cancel`, 'dsVision');
    expect(twice.status).toBe(409);
  });

  it('submits the SDK\'s SweepJob (hyperdrive search space, ISO durations) and answers it as a SweepJob', async () => {
    const body = {
      properties: {
        isArchived: false,
        searchSpace: { lr: ['choice', [[0.1, 0.2]]] },
        samplingAlgorithm: { samplingAlgorithmType: 'Random' },
        limits: { maxConcurrentTrials: 1, maxTotalTrials: 2, timeout: 'PT10M', jobLimitsType: 'Sweep' },
        properties: {},
        computeId: `${WS_ID}/computes/k8s-compute`,
        objective: { goal: 'maximize', primaryMetric: 'acc' },
        trial: { environmentId: ANON.replace('/arm', ''), command: "python -c 'print(${{search_space.lr}})'", resources: { instanceType: 'defaultinstancetype', properties: {} } },
        tags: {},
        inputs: {},
        outputs: {},
        jobType: 'Sweep',
        resources: { instanceType: 'defaultinstancetype', properties: {} },
        displayName: 'sweep-1',
        experimentName: 'exp1',
      },
    };
    const r = await send('PUT', `${WS()}/jobs/arm-sweep-1`, 'dsVision', body, '2024-01-01-preview');
    expect(r.status, r.text).toBe(201);
    expect(r.json.properties).toMatchObject({
      jobType: 'Sweep',
      searchSpace: { lr: ['choice', [[0.1, 0.2]]] },
      samplingAlgorithm: { samplingAlgorithmType: 'Random' },
      objective: { goal: 'Maximize', primaryMetric: 'acc' },
      limits: { jobLimitsType: 'Sweep', maxTotalTrials: 2, maxConcurrentTrials: 1, timeout: 'PT600S' },
      trial: { command: "python -c 'print(${{search_space.lr}})'", environmentId: ANON.replace('/arm', '') },
    });
    const bad = await send('PUT', `${WS()}/jobs/arm-sweep-2`, 'dsVision', { properties: { ...body.properties, samplingAlgorithm: { samplingAlgorithmType: 'Bayesian' } } });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json.error.message).toContain('properties.samplingAlgorithm');
  });
});
