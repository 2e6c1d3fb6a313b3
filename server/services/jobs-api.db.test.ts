// The jobs API as a client sees it, on a real database, with a compute target on a cluster that cannot be
// reached (nothing listens at its address): every refusal names its field, dry runs answer {spec, objects,
// warnings}, uploads are found and stored content-addressed, and only the right people get through.
// Submitting to a real API server is covered by jobs.k8s.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import YAML from 'yaml';
import { NextRequest } from 'next/server';
import { call, createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { makeZip } from '@/test/zip-writer';
import { auditEvents, clusters, computeTargets, jobs, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { issueFetchToken, storeBlob } from './code-assets';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as jobRoute from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/route';
import * as codeRoute from '@/app/api/v1/workspaces/[workspace]/code/route';
import * as envsRoute from '@/app/api/v1/workspaces/[workspace]/environments/route';
import * as envRoute from '@/app/api/v1/workspaces/[workspace]/environments/[name]/versions/[version]/route';
import * as blobRoute from '@/app/api/v1/code/[sha256]/[[...name]]/route';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-jobs-api-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 5).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
resetEnvCache();

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
  const kubeconfig = unreachableKubeconfig();
  const r = await call(clustersRoute.POST, {
    token: cast.users.admin.token,
    body: { name: 'aks-test', kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig }, allowUnreachable: true },
  });
  expect(r.status).toBe(201);
  const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
  const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'aks-test'));
  await cast.db.db.insert(computeTargets).values([
    { workspaceId: vision.id, name: 'cpu-cluster', clusterId: cluster.id, namespace: 'vision-ml', defaultInstanceType: 'defaultinstancetype' },
    { workspaceId: vision.id, name: 'gpu-only', clusterId: cluster.id, namespace: 'vision-gpu', defaultInstanceType: 'gpu-1', allowedInstanceTypes: ['gpu-1'] },
  ]);
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
const params = { workspace: 'vision' };

function postYaml(text: string, opts: { token?: string; dryRun?: boolean; workspace?: string; headers?: Record<string, string> } = {}) {
  const ws = opts.workspace ?? 'vision';
  return call(jobsRoute.POST as never, {
    method: 'POST',
    path: `/api/v1/workspaces/${ws}/jobs${opts.dryRun === false ? '' : '?dryRun=true'}`,
    token: opts.token ?? cast.users.dsVision.token,
    rawBody: text,
    headers: { 'content-type': 'application/yaml', ...opts.headers },
    params: { workspace: ws },
  });
}

function postJson(doc: unknown, opts: { token?: string; dryRun?: boolean } = {}) {
  return call(jobsRoute.POST as never, { method: 'POST', path: `/api/v1/workspaces/vision/jobs${opts.dryRun === false ? '' : '?dryRun=true'}`, token: opts.token ?? cast.users.dsVision.token, body: doc, params });
}

/** A multipart request, as a browser or `curl -F` sends it. */
async function postForm(handler: unknown, url: string, form: FormData, token = cast.users.dsVision.token, p: Record<string, string> = params) {
  const req = new NextRequest(`http://127.0.0.1${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const res = await (handler as (r: NextRequest, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(req, { params: Promise.resolve(p) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) };
}

const HELLO = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python main.py --lr \${{inputs.lr}} --data \${{inputs.iris}} --out \${{outputs.model}}
code: src
inputs:
  lr: 0.01
  iris:
    type: uri_file
    path: https://azuremlexamples.blob.core.windows.net/datasets/iris.csv
outputs:
  model: {type: uri_folder}
environment: {image: python:3.11-slim}
compute: azureml:cpu-cluster
resources: {shm_size: 8g}
limits: {timeout: 3600}
display_name: hello-iris
`;

const fieldsOf = (r: { json: { errors?: Array<{ path: string }> } }) => (r.json.errors ?? []).map((e) => e.path);

describe('dry runs of the conformance job files (compute replaced by the workspace’s target)', () => {
  const files = fs.existsSync(CONFORMANCE) ? fs.readdirSync(CONFORMANCE).filter((f) => f.includes('__jobs__')) : [];
  it('finds the corpus', () => expect(files.length).toBeGreaterThanOrEqual(9));
  for (const f of files) {
    it(f, async () => {
      const text = fs.readFileSync(path.join(CONFORMANCE, f), 'utf8').replace(/^compute:.*$/m, 'compute: azureml:cpu-cluster');
      const r = await postYaml(text);
      if (r.status === 200) {
        expect(r.json.spec.compute).toBe('cpu-cluster');
        expect(r.json.objects.filter((o: { kind: string }) => o.kind === 'Job').length).toBeGreaterThanOrEqual(1);
        for (const o of r.json.objects) expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('harbormaster');
        // The cluster is unreachable: said, not hidden.
        expect(r.json.warnings.map((w: { message: string }) => w.message).join('\n')).toMatch(/could not be (read|reached)/);
      } else {
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.json.errors.length).toBeGreaterThan(0);
        for (const e of r.json.errors) expect(e.path).not.toBe('');
      }
    });
  }

  it('gives the expected verdicts: build refused on environment.build, pre-GA code refused on code, the rest valid', async () => {
    const verdict = async (name: string) => postYaml(fs.readFileSync(path.join(CONFORMANCE, name), 'utf8').replace(/^compute:.*$/m, 'compute: azureml:cpu-cluster'));
    const r = await verdict('cli__jobs__single-step__r__iris__job.yml');
    expect(r.status).toBe(400);
    expect(fieldsOf(r)).toContain('environment.build');
    const iris = await verdict('cli__jobs__single-step__basics__hello-iris.yml');
    expect(fieldsOf(iris)).toContain('code');
    const torch = await verdict('cli__jobs__single-step__pytorch__iris__job.yml');
    expect(torch.status).toBe(200);
    expect(torch.json.warnings).toContainEqual({ path: 'code', message: expect.stringMatching(/"src" is a local folder: its files must come with the real submission/) });
    expect(torch.json.spec.environment.image).toBe('mcr.microsoft.com/azureml/curated/sklearn-1.5:latest');
    const cifar = await verdict('cli__jobs__single-step__pytorch__cifar-distributed__job.yml');
    expect(cifar.status).toBe(200);
    expect(cifar.json.objects.map((o: { kind: string }) => o.kind).sort()).toEqual(['Job', 'Secret', 'Service']);
    expect(cifar.json.warnings.find((w: { path: string }) => w.path === 'inputs.cifar').message).toMatch(/mode: direct/);
    const sweep = await verdict('cli__jobs__single-step__lightgbm__iris__job-sweep.yml');
    expect(sweep.status).toBe(200);
    // max_concurrent_trials: 10 → the first ten trials' Jobs (each with its code-token Secret).
    expect(sweep.json.objects.filter((o: { kind: string }) => o.kind === 'Job')).toHaveLength(10);
  });
});

describe('refusals name the path to the leaf', () => {
  it.each([
    ['distribution.process_count_per_instance', HELLO + 'distribution: {type: pytorch, process_count_per_instance: 0}\n'],
    ['outputs.model.mode', HELLO.replace('model: {type: uri_folder}', 'model: {type: uri_folder, mode: sideways}')],
    ['colour', HELLO + 'colour: blue\n'],
    ['resources.instance_count', HELLO.replace('shm_size: 8g', 'shm_size: 8g, instance_count: 0')],
    ['limits.timeout', HELLO.replace('timeout: 3600', 'timeout: -5')],
    ['compute', HELLO.replace('azureml:cpu-cluster', 'azureml:nope')],
    ['resources.instance_type', HELLO.replace('compute: azureml:cpu-cluster', 'compute: azureml:gpu-only').replace('shm_size: 8g', 'shm_size: 8g, instance_type: defaultinstancetype')],
    ['environment', HELLO.replace('environment: {image: python:3.11-slim}', 'environment: {conda_file: env.yml}')],
  ])('%s', async (field, text) => {
    const r = await postYaml(text);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(fieldsOf(r).some((p: string) => p === field || p.startsWith(`${field}.`))).toBe(true);
    expect(r.json.detail).toContain(field);
  });

  it('answers malformed YAML with the line and column', async () => {
    const r = await postYaml('command: echo\nenvironment: {image: python\n');
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/line \d+, column \d+/);
  });

  it('refuses a real submit without the local code folder, naming code (a dry run only warns)', async () => {
    const dry = await postYaml(HELLO);
    expect(dry.status).toBe(200);
    expect(dry.json.warnings.map((w: { path: string }) => w.path)).toContain('code');
    const real = await postYaml(HELLO, { dryRun: false });
    expect(real.status).toBe(400);
    expect(real.json.errors).toContainEqual({ path: 'code', message: expect.stringMatching(/did not come with the submission/) });
    expect(await cast.db.db.select().from(jobs)).toEqual([]);
  });

  it('refuses a local input file not sent, and a local input folder in any case', async () => {
    const withFile = HELLO.replace('path: https://azuremlexamples.blob.core.windows.net/datasets/iris.csv', 'path: ./data/iris.csv').replace('code: src\n', '');
    const dry = await postYaml(withFile);
    expect(dry.status).toBe(200);
    expect(dry.json.warnings).toContainEqual({ path: 'inputs.iris.path', message: expect.stringMatching(/must come with the real submission/) });
    const real = await postYaml(withFile, { dryRun: false });
    expect(fieldsOf(real)).toContain('inputs.iris.path');
    const folder = await postYaml(withFile.replace('type: uri_file', 'type: uri_folder').replace('./data/iris.csv', './data'));
    expect(fieldsOf(folder)).toContain('inputs.iris.path');
  });

  it('warns about an unused input and a job that can only wait', async () => {
    const r = await postYaml(HELLO.replace('inputs:\n', 'inputs:\n  unused: 3\n'));
    expect(r.status).toBe(200);
    expect(r.json.warnings).toContainEqual({ path: 'inputs.unused', message: expect.stringMatching(/declared but not used/) });
  });
});

describe('one spec from YAML, JSON and the form', () => {
  it('normalizes the same document to the same spec and objects', async () => {
    const doc = YAML.parse(HELLO);
    const fromYaml = await postYaml(HELLO.replace('display_name: hello-iris', 'display_name: hello-iris\nname: same-job'));
    const fromJson = await postJson({ ...doc, name: 'same-job' });
    expect(fromJson.status).toBe(200);
    expect(fromJson.json.spec).toEqual(fromYaml.json.spec);
    expect(fromJson.json.objects).toEqual(fromYaml.json.objects.map((o: { kind: string }) => o));
  });
  it('refuses JSON that is not an object, and unsupported media types', async () => {
    expect((await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', token: cast.users.dsVision.token, rawBody: '[1]', headers: { 'content-type': 'application/json' }, params })).status).toBe(400);
    const r = await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', token: cast.users.dsVision.token, rawBody: 'x', headers: { 'content-type': 'text/plain' }, params });
    expect(r.status).toBe(415);
  });
});

describe('code with the job (multipart)', () => {
  const form = (files: Record<string, string>, job = HELLO) => {
    const f = new FormData();
    f.append('job', job);
    for (const [p, c] of Object.entries(files)) f.append('files', new Blob([c]), p);
    return f;
  };

  it('finds the folder, drops the warning and fetches the snapshot with a job-scoped token', async () => {
    const r = await postForm(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', form({ 'src/main.py': 'print(1)\n', 'src/util.py': 'x = 2\n' }));
    expect(r.status).toBe(200);
    expect(r.json.warnings.map((w: { path: string }) => w.path)).not.toContain('code');
    const job = r.json.objects.find((o: { kind: string }) => o.kind === 'Job');
    const init = job.spec.template.spec.initContainers.find((c: { name: string }) => c.name === 'fetch-code');
    const url = init.env.find((e: { name: string }) => e.name === 'HM_CODE_URL').value;
    expect(url).toMatch(/^https:\/\/harbormaster\.example\.com\/api\/v1\/code\/[0-9a-f]{64}$/);
    const secret = r.json.objects.find((o: { kind: string }) => o.kind === 'Secret');
    expect(secret.stringData).toEqual({ token: '<redacted>' });
    expect(JSON.stringify(r.json)).not.toMatch(/hmc1\./);
    // A dry run stores nothing.
    expect(fs.existsSync(path.join(dataDir, 'code'))).toBe(false);
  });

  it('names uploaded files the job does not use instead of dropping them silently', async () => {
    const r = await postForm(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', form({ 'src/main.py': 'print(1)\n', 'notes/todo.txt': 'x' }));
    expect(r.status).toBe(200);
    expect(r.json.warnings).toContainEqual({ path: 'files', message: expect.stringMatching(/1 uploaded file is not used by the job .*notes\/todo\.txt/) });
  });

  it('gives a zip of the folder the same snapshot as the folder itself', async () => {
    const folder = await postForm(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', form({ 'src/main.py': 'print(1)\n', 'src/util.py': 'x = 2\n' }));
    const f = new FormData();
    f.append('job', HELLO);
    f.append('code', new Blob([new Uint8Array(makeZip([{ name: 'src/main.py', data: 'print(1)\n', method: 'deflate' }, { name: 'src/util.py', data: 'x = 2\n' }]))]), 'src.zip');
    const zipped = await postForm(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', f);
    expect(zipped.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const urlOf = (j: { objects: Array<{ kind: string; spec?: any }> }) => j.objects.find((o) => o.kind === 'Job')!.spec.template.spec.initContainers[0].env.find((e: { name: string }) => e.name === 'HM_CODE_URL').value;
    expect(urlOf(zipped.json)).toBe(urlOf(folder.json));
  });

  it('uploads a folder on its own and runs a job that references it', async () => {
    const f = new FormData();
    f.append('files', new Blob(['print(1)\n']), 'main.py');
    const up = await postForm(codeRoute.POST, '/api/v1/workspaces/vision/code', f);
    expect(up.status).toBe(201);
    expect(up.json.reference).toMatch(/^azureml:code-[0-9a-f]{64}$/);
    expect(fs.existsSync(path.join(dataDir, 'code', up.json.sha256))).toBe(true);
    const r = await postYaml(HELLO.replace('code: src', `code: ${up.json.reference}`));
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json.objects)).toContain(`/api/v1/code/${up.json.sha256}`);
    const unknown = await postYaml(HELLO.replace('code: src', `code: azureml:code-${'0'.repeat(64)}`));
    expect(fieldsOf(unknown)).toContain('code');
  });

  it('refuses an upload larger than the cap or a document missing from the form', async () => {
    const f = new FormData();
    f.append('files', new Blob(['x']), 'src/a.py');
    const r = await postForm(jobsRoute.POST, '/api/v1/workspaces/vision/jobs?dryRun=true', f);
    expect(r.status).toBe(400);
    expect(r.json.errors).toContainEqual({ path: 'job', message: 'missing' });
  });
});

describe('who may submit', () => {
  it('refuses auditors (403, audited as denied) even for a dry run, hides other workspaces (404), needs a token (401)', async () => {
    const a = await postYaml(HELLO, { token: cast.users.auditor.token });
    expect(a.status).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'jobs.submit', outcome: 'denied', actorEmail: 'audrey@example.com' });
    expect((await postYaml(HELLO, { token: cast.users.dsForecasting.token })).status).toBe(404);
    expect((await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs', rawBody: HELLO, headers: { 'content-type': 'application/yaml' }, params })).status).toBe(401);
  });
  it('lets auditors and members read the list; other teams get 404', async () => {
    for (const who of ['auditor', 'dsVision', 'admin'] as const) {
      const r = await call(jobsRoute.GET as never, { token: cast.users[who].token, params, path: '/api/v1/workspaces/vision/jobs' });
      expect(r.status).toBe(200);
      expect(r.json).toHaveProperty('items');
    }
    expect((await call(jobsRoute.GET as never, { token: cast.users.dsForecasting.token, params })).status).toBe(404);
    expect((await call(jobRoute.GET as never, { token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'nope' } })).status).toBe(404);
  });
});

describe('environments', () => {
  const create = (body: unknown, token = cast.users.dsVision.token, headers: Record<string, string> = {}) =>
    call(envsRoute.POST as never, { method: 'POST', token, body, params, headers, path: '/api/v1/workspaces/vision/environments' });

  it('registers name:version → image (audited), lists it and resolves azureml:<name>@latest in jobs', async () => {
    const r = await create({ name: 'vision-torch', version: '1', image: 'registry.example.com/vision/torch:2.4', condaFile: 'dependencies: [python=3.11]\n' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ reference: 'azureml:vision-torch:1', image: 'registry.example.com/vision/torch:2.4', createdBy: 'dana@example.com' });
    expect(await lastAudit()).toMatchObject({ action: 'environments.create', outcome: 'success', targetName: 'vision-torch:1', workspace: 'vision' });
    await create({ name: 'vision-torch', version: '10', image: 'registry.example.com/vision/torch:2.5' });
    const list = await call(envsRoute.GET as never, { token: cast.users.auditor.token, params });
    expect(list.json.items.map((e: { reference: string }) => e.reference)).toEqual(['azureml:vision-torch:10', 'azureml:vision-torch:1']);
    const job = await postYaml(HELLO.replace('environment: {image: python:3.11-slim}', 'environment: azureml:vision-torch@latest'));
    expect(job.json.spec.environment).toEqual({ image: 'registry.example.com/vision/torch:2.5', source: 'workspace', reference: 'azureml:vision-torch@latest' });
    const pinned = await postYaml(HELLO.replace('environment: {image: python:3.11-slim}', 'environment: azureml:vision-torch:1'));
    expect(pinned.json.spec.environment.image).toBe('registry.example.com/vision/torch:2.4');
  });

  it('refuses duplicates (409), bad images and curated names, naming the field', async () => {
    expect((await create({ name: 'vision-torch', version: '1', image: 'x:1' })).status).toBe(409);
    const bad = await create({ name: 'AzureML-sneaky', version: '1', image: 'has space' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad).sort()).toEqual(['image', 'name']);
    expect((await create({ name: 'x', version: '1', image: 'python:3.11' }, cast.users.auditor.token)).status).toBe(403);
  });

  it('replays an Idempotency-Key and refuses it for a different request', async () => {
    const body = { name: 'idem-env', version: '1', image: 'python:3.12' };
    const first = await create(body, cast.users.dsVision.token, { 'idempotency-key': 'env-key-1' });
    const again = await create(body, cast.users.dsVision.token, { 'idempotency-key': 'env-key-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    const other = await create({ ...body, version: '2' }, cast.users.dsVision.token, { 'idempotency-key': 'env-key-1' });
    expect(other.status).toBe(422);
  });

  it('deletes a version; a job naming it is then refused on submit and warned about in a dry run', async () => {
    const del = await call(envRoute.DELETE as never, { method: 'DELETE', token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'idem-env', version: '1' } });
    expect(del.status).toBe(200);
    const text = HELLO.replace('environment: {image: python:3.11-slim}', 'environment: azureml:idem-env:1').replace('code: src\n', '');
    const dry = await postYaml(text);
    expect(dry.status).toBe(200);
    expect(dry.json.warnings).toContainEqual({ path: 'environment', message: expect.stringMatching(/not known in this workspace/) });
    const real = await postYaml(text, { dryRun: false });
    expect(fieldsOf(real)).toContain('environment');
  });
});

describe('GET /api/v1/code/{sha256}: what an init container fetches', () => {
  it('serves a job’s own files to its token only, and nothing once the job ended', async () => {
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const blob = await storeBlob(cast.db.db, Buffer.from('snapshot bytes'));
    const other = await storeBlob(cast.db.db, Buffer.from('someone else'));
    const [job] = await cast.db.db
      .insert(jobs)
      .values({ workspaceId: vision.id, name: 'fetch-test', type: 'command', computeName: 'cpu-cluster', clusterName: 'aks-test', namespace: 'vision-ml', instanceType: 'defaultinstancetype', spec: {}, codeSha256: blob.sha256, status: 'Queued' })
      .returning();
    const token = issueFetchToken(job.id);
    const get = (sha: string, auth?: string) =>
      call(blobRoute.GET as never, { path: `/api/v1/code/${sha}`, headers: auth ? { authorization: `Bearer ${auth}` } : {}, params: { sha256: sha } as never });
    const ok = await get(blob.sha256, token);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('snapshot bytes');
    expect((await get(other.sha256, token)).status).toBe(404);
    expect((await get(blob.sha256)).status).toBe(401);
    expect((await get(blob.sha256, cast.users.dsVision.token)).status).toBe(401);
    expect((await get(blob.sha256, issueFetchToken(job.id, Date.now() - 2 * 86400_000))).status).toBe(401);
    await cast.db.db.update(jobs).set({ status: 'Canceled' }).where(eq(jobs.id, job.id));
    expect((await get(blob.sha256, token)).status).toBe(403);
  });
});
