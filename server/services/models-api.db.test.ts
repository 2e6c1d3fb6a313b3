// The model registry's API as a client sees it (issue: model registry with lineage), on a real database:
// register by Azure ML model YAML, JSON or multipart upload; versions number themselves; a version that exists
// is a 409 naming it; dry runs write nothing; bad input names its field and leaves nothing behind; a completed
// job's model outputs become versions with the job's lineage; references from jobs resolve; auditors read only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, desc, eq } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { auditEvents, codeAssets, jobs, models, modelVersions, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { runAction, systemCaller } from '../actions/run';
import { jobsWithUnregisteredModels } from './models';
import { getJob } from './jobs-read';
import * as modelsRoute from '@/app/api/v1/workspaces/[workspace]/models/route';
import * as versionsRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/route';
import * as versionRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/[version]/route';
import * as archiveRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/[version]/archive/route';
import * as restoreRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/[version]/restore/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-models-api-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
resetEnvCache();

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => {
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const params = { workspace: 'vision' };
const ds = () => cast.users.dsVision.token;
const post = (body: unknown, opts: { token?: string; dryRun?: boolean; yaml?: boolean; headers?: Record<string, string> } = {}) =>
  call(modelsRoute.POST as never, {
    method: 'POST',
    path: `/api/v1/workspaces/vision/models${opts.dryRun ? '?dryRun=true' : ''}`,
    token: opts.token ?? ds(),
    params,
    ...(opts.yaml ? { rawBody: body as string, headers: { 'content-type': 'application/yaml', ...opts.headers } } : { body, headers: opts.headers }),
  });
const get = (route: { GET: unknown }, p: string, extra: Record<string, string> = {}, token = ds()) => call(route.GET as never, { path: `/api/v1/workspaces/vision/models${p}`, token, params: { ...params, ...extra } });
const versionCount = async () => Number((await cast.db.db.select({ n: count() }).from(modelVersions))[0].n);
const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];

describe('registering versions', () => {
  it('takes an Azure ML model file; without version it is 1, then the highest + 1', async () => {
    const yaml = `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json\nname: churn\ntype: mlflow_model\npath: azureml://datastores/workspaceblobstore/paths/models/churn/\ndescription: Churn classifier\ntags: {framework: sklearn}\n`;
    const r1 = await post(yaml, { yaml: true });
    expect(r1.status, r1.text).toBe(201);
    expect(r1.json).toMatchObject({ name: 'churn', version: '1', type: 'mlflow_model', description: 'Churn classifier', tags: { framework: 'sklearn' }, location: { kind: 'datastore' }, lineage: { job: null, deployments: [] } });
    expect(await lastAudit()).toMatchObject({ action: 'models.create', outcome: 'success', targetName: 'churn:1' });
    const r2 = await post({ name: 'churn', path: 'https://models.example.com/churn/2/model.pkl' });
    expect(r2.status, r2.text).toBe(201);
    expect(r2.json).toMatchObject({ version: '2', type: 'custom_model', location: { kind: 'url', uri: 'https://models.example.com/churn/2/model.pkl' } });
    const explicit = await post({ name: 'churn', version: '10', path: 'wasbs://models@acct.blob.core.windows.net/churn/10' });
    expect(explicit.json.version).toBe('10');
    expect((await post({ name: 'churn', path: 'https://models.example.com/churn/11' })).json.version).toBe('11');
  });

  it('refuses a version that exists (409 naming it) and writes nothing', async () => {
    const before = await versionCount();
    const r = await post({ name: 'churn', version: '2', path: 'https://models.example.com/x' });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(/^version: model churn already has a version 2/);
    expect(r.json.errors?.[0]?.path ?? r.json.fieldErrors?.[0]?.path).toBe('version');
    expect(await versionCount()).toBe(before);
    expect(await lastAudit()).toMatchObject({ action: 'models.create', outcome: 'failed' });
  });

  it('names the field of bad input, a 4xx, nothing written', async () => {
    const before = await versionCount();
    for (const [body, field] of [
      [{ name: 'x', path: 'https://e.com/m', colour: 'red' }, 'colour'],
      [{ name: 'x', path: 'https://e.com/m', type: 'onnx_model' }, 'type'],
      [{ name: 'x', path: 'https://e.com/m', tags: 'not-a-map' }, 'tags'],
      [{ path: 'https://e.com/m' }, 'name'],
      [{ name: 'x' }, 'path'],
      [{ name: 'x', path: 'azureml://registries/azureml/models/phi-3/versions/1' }, 'path'],
      [{ name: 'x', path: 'azureml://jobs/no-such-job/outputs/model' }, 'path'],
    ] as const) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
      expect(r.json.detail, JSON.stringify(body)).toContain(field);
    }
    expect(await versionCount()).toBe(before);
    expect((await cast.db.db.select().from(models).where(eq(models.name, 'x'))).length).toBe(0);
  });

  it('a dry run answers the version it would create and writes nothing', async () => {
    const before = await versionCount();
    const r = await post({ name: 'churn', path: 'https://models.example.com/churn/next' }, { dryRun: true });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dryRun: true, name: 'churn', version: '12' });
    expect(await versionCount()).toBe(before);
  });

  it('stores uploaded files content-addressed (multipart: the document and the folder’s files)', async () => {
    const form = new FormData();
    form.append('model', new Blob(['name: tiny\npath: ./tiny-model\ntype: custom_model\n'], { type: 'application/yaml' }), 'model.yml');
    form.append('files', new Blob(['weights']), 'tiny-model/weights.bin');
    form.append('files', new Blob(['{"classes": 3}']), 'tiny-model/config.json');
    const r = await call(modelsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models', token: ds(), params, formData: form });
    expect(r.status, r.text).toBe(201);
    expect(r.json.location).toMatchObject({ kind: 'upload', files: 2 });
    const [blob] = await cast.db.db.select().from(codeAssets).where(eq(codeAssets.sha256, r.json.location.sha256));
    expect(blob.files).toBe(2);
    // The same local path without its files: refused, naming path.
    const bare = await post('name: tiny\npath: ./tiny-model\n', { yaml: true });
    expect(bare.status).toBe(400);
    expect(bare.json.detail).toMatch(/^path: /);
  });
});

describe('reading, archiving, permissions', () => {
  it('lists models by name with their latest version, and versions newest first with paging', async () => {
    const list = await get(modelsRoute, '');
    expect(list.status).toBe(200);
    const names = list.json.items.map((m: { name: string }) => m.name);
    expect(names).toEqual([...names].sort());
    expect(list.json.items.find((m: { name: string }) => m.name === 'churn')).toMatchObject({ versions: 4, latestVersion: { version: '11' } });
    const page1 = await get(versionsRoute, '/churn/versions?limit=2', { name: 'churn' });
    expect(page1.json.items.map((v: { version: string }) => v.version)).toEqual(['11', '10']);
    const page2 = await get(versionsRoute, `/churn/versions?limit=2&cursor=${page1.json.next}`, { name: 'churn' });
    expect(page2.json.items.map((v: { version: string }) => v.version)).toEqual(['2', '1']);
    expect(page2.json.next).toBeUndefined();
  });

  it('archives and restores; latest skips archived versions; the auditor reads but cannot change', async () => {
    const archive = (token: string) => call(archiveRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models/churn/versions/11/archive', token, params: { ...params, name: 'churn', version: '11' } });
    expect((await archive(cast.users.auditor.token)).status).toBe(403);
    expect((await get(versionRoute, '/churn/versions/11', { name: 'churn', version: '11' }, cast.users.auditor.token)).status).toBe(200);
    const a = await archive(ds());
    expect(a.status, a.text).toBe(200);
    expect(a.json).toMatchObject({ version: '11', archived: true });
    expect((await get(versionRoute, '/churn/versions/latest', { name: 'churn', version: 'latest' })).json.version).toBe('10');
    const r = await call(restoreRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models/churn/versions/11/restore', token: ds(), params: { ...params, name: 'churn', version: '11' } });
    expect(r.json.archived).toBe(false);
    expect((await post({ name: 'x', path: 'https://e.com/m' }, { token: cast.users.auditor.token })).status).toBe(403);
    // Another workspace's data scientist does not see vision's models at all.
    expect((await get(modelsRoute, '', {}, cast.users.dsForecasting.token)).status).toBe(404);
  });
});

describe('models from jobs', () => {
  it('a completed job’s model output becomes a version with the job’s lineage; its outputs only', async () => {
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const jobObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train-resnet', namespace: 'vision-ml' },
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'outputs', persistentVolumeClaim: { claimName: 'ml-data' } }],
            containers: [{ name: 'main', volumeMounts: [{ name: 'outputs', mountPath: '/mnt/azureml/outputs', subPath: 'jobs/train-resnet/outputs' }] }],
          },
        },
      },
    };
    const spec = {
      type: 'command',
      command: 'python train.py',
      environment: { image: 'pytorch/pytorch:2.4.0', source: 'inline' },
      environmentVariables: {},
      resources: { instanceCount: 1, shmSize: '2g' },
      tags: {},
      properties: {},
      limits: {},
      inputs: { epochs: { kind: 'literal', type: 'integer', value: 3, text: '3' }, data: { kind: 'data', type: 'uri_folder', path: 'azureml://datastores/images/paths/train/', location: { kind: 'datastore' }, mode: 'direct' } },
      outputs: { model: { type: 'custom_model', mode: 'rw_mount', name: 'resnet' }, metrics: { type: 'uri_folder', mode: 'rw_mount' } },
    };
    await cast.db.db.insert(jobs).values({
      workspaceId: vision.id,
      name: 'train-resnet',
      type: 'command',
      computeName: 'gpu',
      clusterName: 'aks-1',
      namespace: 'vision-ml',
      instanceType: 'gpu-1',
      spec,
      objects: [jobObject],
      status: 'Completed',
      createdBy: cast.users.dsVision.user.id,
      finishedAt: new Date(),
    });
    // Outputs that are not models, and paths outside the job's outputs, are refused.
    const wrong = await post({ name: 'resnet-x', path: 'azureml://jobs/train-resnet/outputs/checkpoints' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.detail).toMatch(/^path: job train-resnet has no output "checkpoints"; its outputs: model, metrics/);
    const escape = await post({ name: 'resnet-x', path: 'azureml://jobs/train-resnet/outputs/model/paths/../../secrets' });
    expect(escape.status).toBe(400);

    expect((await jobsWithUnregisteredModels(cast.db.db, new Date(Date.now() - 3600_000))).map((j) => j.job.name)).toEqual(['train-resnet']);
    const out = await runAction<{ registered: Array<{ output: string; name: string; version?: string }> }>('models.registerJobOutputs', { workspace: 'vision', job: 'train-resnet' }, await systemCaller(cast.db.db));
    expect(out.registered).toEqual([{ output: 'model', name: 'resnet', version: '1' }]);
    expect(await jobsWithUnregisteredModels(cast.db.db, new Date(Date.now() - 3600_000))).toEqual([]);

    const v = await get(versionRoute, '/resnet/versions/1', { name: 'resnet', version: '1' });
    expect(v.status, v.text).toBe(200);
    expect(v.json).toMatchObject({
      path: 'azureml://jobs/train-resnet/outputs/model',
      createdBy: 'dana@example.com',
      location: { kind: 'job-output', job: 'train-resnet', output: 'model', storage: { cluster: 'aks-1', namespace: 'vision-ml', claim: 'ml-data', path: 'jobs/train-resnet/outputs/model' } },
      lineage: {
        job: { name: 'train-resnet', computeTarget: 'gpu', cluster: 'aks-1', namespace: 'vision-ml', output: 'model', image: 'pytorch/pytorch:2.4.0', inputs: { epochs: '3', data: 'azureml://datastores/images/paths/train/' }, status: 'Completed', exists: true },
        deployments: [],
      },
    });
    expect(await lastAudit()).toMatchObject({ action: 'models.registerJobOutputs', outcome: 'success' });
    // The job's record names the versions its outputs became.
    expect((await getJob(cast.db.db, 'vision', 'train-resnet')).models).toEqual([{ name: 'resnet', version: '1', output: 'model' }]);
  });
});
