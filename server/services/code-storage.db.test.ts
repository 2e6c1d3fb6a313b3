// Code storage (issue 18) through the HTTP surface, on a real database: a blob belongs to the workspaces that
// uploaded it (another workspace referencing it by hash is refused exactly like a hash never uploaded), each
// workspace's storage is capped (HARBORMASTER_CODE_QUOTA_BYTES; over it → 413 naming the upload field, nothing
// written, each blob counted once per workspace), and blobs nothing has referenced for 7 days are deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { call, createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { makeZip } from '@/test/zip-writer';
import { clusters, codeAssets, codeAssetWorkspaces, computeTargets, jobs, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { CODE_BLOB_RETENTION_MS, pruneCodeBlobs } from './code-assets';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as codeRoute from '@/app/api/v1/workspaces/[workspace]/code/route';
import * as modelsRoute from '@/app/api/v1/workspaces/[workspace]/models/route';
import * as clustersRoute from '@/app/api/v1/clusters/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-code-storage-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
delete process.env.HARBORMASTER_CODE_QUOTA_BYTES;
process.env.HARBORMASTER_REQUEST_WAIT_MS ??= '300'; // its cluster never answers: requests stop waiting for it sooner
resetEnvCache();

let cast: Cast;
const wsId: Record<string, string> = {};
beforeAll(async () => {
  cast = await createCast();
  const r = await call(clustersRoute.POST, {
    token: cast.users.admin.token,
    body: { name: 'aks-test', kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig: unreachableKubeconfig() }, allowUnreachable: true },
  });
  expect(r.status).toBe(201);
  for (const w of await cast.db.db.select().from(workspaces)) wsId[w.name] = w.id;
  const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'aks-test'));
  await cast.db.db.insert(computeTargets).values([
    { workspaceId: wsId.vision, name: 'cpu-cluster', clusterId: cluster.id, namespace: 'vision-ml', defaultInstanceType: 'defaultinstancetype' },
    { workspaceId: wsId.forecasting, name: 'cpu-cluster', clusterId: cluster.id, namespace: 'forecasting-ml', defaultInstanceType: 'defaultinstancetype' },
  ]);
});
afterEach(() => {
  delete process.env.HARBORMASTER_CODE_QUOTA_BYTES;
  resetEnvCache();
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tokenOf = (ws: string) => (ws === 'vision' ? cast.users.dsVision.token : cast.users.dsForecasting.token);

async function postForm(url: string, handler: unknown, ws: string, form: FormData, token = tokenOf(ws)) {
  const req = new NextRequest(`http://127.0.0.1${url}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const res = await (handler as (r: NextRequest, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(req, { params: Promise.resolve({ workspace: ws }) });
  return { status: res.status, json: JSON.parse(await res.text()) };
}

function uploadCode(ws: string, files: Record<string, string | Uint8Array>, opts: { dryRun?: boolean; token?: string } = {}) {
  const f = new FormData();
  for (const [name, data] of Object.entries(files)) f.append('files', new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), name);
  return postForm(`/api/v1/workspaces/${ws}/code${opts.dryRun ? '?dryRun=true' : ''}`, codeRoute.POST, ws, f, opts.token);
}

const job = (code: string) => `command: python main.py\ncode: ${code}\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu-cluster\n`;

function postJob(ws: string, text: string, dryRun = true) {
  return call(jobsRoute.POST as never, {
    method: 'POST',
    path: `/api/v1/workspaces/${ws}/jobs${dryRun ? '?dryRun=true' : ''}`,
    token: tokenOf(ws),
    rawBody: text,
    headers: { 'content-type': 'application/yaml' },
    params: { workspace: ws },
  });
}

function submitWithFiles(ws: string, text: string, files: Record<string, string | Uint8Array>, dryRun = false) {
  const f = new FormData();
  f.append('job', text);
  for (const [name, data] of Object.entries(files)) f.append('files', new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), name);
  return postForm(`/api/v1/workspaces/${ws}/jobs${dryRun ? '?dryRun=true' : ''}`, jobsRoute.POST, ws, f);
}

const blobFiles = () => (fs.existsSync(path.join(dataDir, 'code')) ? fs.readdirSync(path.join(dataDir, 'code')).sort() : []);
const bindings = async (sha: string) => (await cast.db.db.select().from(codeAssetWorkspaces).where(eq(codeAssetWorkspaces.sha256, sha))).map((b) => b.workspaceId).sort();
const unique = () => randomBytes(8).toString('hex');

describe('blobs belong to the workspaces that uploaded them', () => {
  it('refuses a reference to another workspace’s snapshot exactly like one never uploaded (400 naming code)', async () => {
    const up = await uploadCode('vision', { 'main.py': `print("${unique()}")\n` });
    expect(up.status).toBe(201);
    expect(await bindings(up.json.sha256)).toEqual([wsId.vision]);
    // Its own workspace runs it.
    const own = await postJob('vision', job(up.json.reference));
    expect(own.status, JSON.stringify(own.json)).toBe(200);
    expect(JSON.stringify(own.json.objects)).toContain(`/api/v1/code/${up.json.sha256}`);

    // Another workspace knowing the hash: refused, the same words as a hash nobody uploaded.
    const foreign = await postJob('forecasting', job(up.json.reference));
    const never = await postJob('forecasting', job(`azureml:code-${'a'.repeat(64)}`));
    for (const r of [foreign, never]) {
      expect(r.status).toBe(400);
      expect(r.json.errors).toContainEqual({ path: 'code', message: expect.stringMatching(/was never uploaded; upload it with POST \/api\/v1\/workspaces\/forecasting\/code$/) });
    }
    const words = (r: typeof foreign) => r.json.errors.find((e: { path: string }) => e.path === 'code').message.replace(/[0-9a-f]{12}…/, '<sha>');
    expect(words(foreign)).toBe(words(never));
    // A real submit too: nothing recorded.
    expect((await postJob('forecasting', job(up.json.reference), false)).status).toBe(400);
    expect(await cast.db.db.select().from(jobs).where(eq(jobs.workspaceId, wsId.forecasting))).toEqual([]);
  });

  it('binds a blob to each workspace that stores it (code upload, job submit, model upload) and backfills from jobs and models', async () => {
    const content = `print("${unique()}")\n`;
    const a = await uploadCode('vision', { 'main.py': content });
    const b = await uploadCode('forecasting', { 'main.py': content });
    expect(b.json.sha256).toBe(a.json.sha256);
    expect(await bindings(a.json.sha256)).toEqual([wsId.vision, wsId.forecasting].sort());
    expect((await postJob('forecasting', job(b.json.reference))).status).toBe(200);

    // A real submit with its code folder binds the snapshot (and its input files) to the workspace.
    const name = `bind-${unique()}`;
    const sub = await submitWithFiles('forecasting', `name: ${name}\n${job('src')}inputs:\n  data: {type: uri_file, path: ./iris.csv}\n`, { 'src/main.py': `x = "${unique()}"\n`, 'iris.csv': `a,b\n${unique()}\n` });
    expect(sub.status, JSON.stringify(sub.json)).toBeLessThan(300);
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    expect(await bindings(row.codeSha256!)).toEqual([wsId.forecasting]);
    expect(await bindings(row.inputFiles.data)).toEqual([wsId.forecasting]);

    // A model upload binds its files.
    const form = new FormData();
    form.append('model', new Blob([`name: m-${unique()}\npath: ./m\ntype: custom_model\n`], { type: 'application/yaml' }), 'model.yml');
    form.append('files', new Blob([`weights ${unique()}`]), 'm/weights.bin');
    const m = await call(modelsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models', token: cast.users.dsVision.token, params: { workspace: 'vision' }, formData: form });
    expect(m.status, m.text).toBe(201);
    expect(await bindings(m.json.location.sha256)).toEqual([wsId.vision]);

    // The migration's backfill: bindings from jobs (code, input files) and model versions.
    await cast.db.db.delete(codeAssetWorkspaces);
    const migration = fs.readFileSync(path.join(process.cwd(), 'server/db/migrations/0010_code_workspaces.sql'), 'utf8');
    const backfill = migration.slice(migration.indexOf('INSERT INTO code_asset_workspaces'), migration.indexOf('ON CONFLICT DO NOTHING;') + 'ON CONFLICT DO NOTHING'.length);
    await cast.db.db.execute(sql.raw(backfill));
    expect(await bindings(row.codeSha256!)).toEqual([wsId.forecasting]);
    expect(await bindings(row.inputFiles.data)).toEqual([wsId.forecasting]);
    expect(await bindings(m.json.location.sha256)).toEqual([wsId.vision]);
    // A blob only uploaded on its own (no job, no model) has no owner left: nobody may reference it.
    expect(await bindings(a.json.sha256)).toEqual([]);
    expect((await postJob('vision', job(a.json.reference))).status).toBe(400);
  });
});

describe('per-workspace code storage quota', () => {
  const used = async (ws: string) =>
    Number(
      (
        await cast.db.db
          .select({ n: sql<string>`coalesce(sum(${codeAssets.size}), 0)` })
          .from(codeAssetWorkspaces)
          .innerJoin(codeAssets, eq(codeAssets.sha256, codeAssetWorkspaces.sha256))
          .where(eq(codeAssetWorkspaces.workspaceId, wsId[ws]))
      )[0].n,
    );

  it('refuses (413 naming files or code, both numbers) an upload that would go over it, writing nothing', async () => {
    const before = await used('vision');
    process.env.HARBORMASTER_CODE_QUOTA_BYTES = String(before + 4000);
    resetEnvCache();
    const smallFiles = { 'a.py': `print("${unique()}")\n` };
    const small = await uploadCode('vision', smallFiles);
    expect(small.status).toBe(201);
    const now = await used('vision');
    expect(now).toBe(before + small.json.size);
    // The same blob again counts nothing more.
    expect((await uploadCode('vision', smallFiles)).status).toBe(201);
    expect(await used('vision')).toBe(now);

    const files = blobFiles();
    const rows = await cast.db.db.select().from(codeAssets);
    const big = randomBytes(6000); // incompressible: its snapshot is over the 4000 bytes left
    for (const dryRun of [true, false]) {
      const r = await uploadCode('vision', { 'weights.bin': big }, { dryRun });
      expect(r.status).toBe(413);
      expect(r.json.errors[0].path).toBe('files');
      expect(r.json.detail).toMatch(new RegExp(`^files: this upload adds \\d+ bytes to the code storage of workspace vision, which holds ${now} of its ${before + 4000} bytes`));
    }
    const z = new FormData();
    z.append('code', new Blob([new Uint8Array(makeZip([{ name: 'weights.bin', data: big.toString('base64') + randomBytes(3000).toString('hex') }]))]), 'w.zip');
    const zipped = await postForm('/api/v1/workspaces/vision/code', codeRoute.POST, 'vision', z);
    expect(zipped.status).toBe(413);
    expect(zipped.json.errors[0].path).toBe('code');
    // A job submit with the files: refused the same way (dry run and real), nothing recorded.
    for (const dryRun of [true, false]) {
      const r = await submitWithFiles('vision', `name: quota-${unique()}\n${job('src')}`, { 'src/weights.bin': big }, dryRun);
      expect(r.status).toBe(413);
      expect(r.json.errors[0].path).toBe('files');
    }
    expect(blobFiles()).toEqual(files);
    expect(await cast.db.db.select().from(codeAssets)).toHaveLength(rows.length);
    expect(await used('vision')).toBe(now);
    // The quota is per workspace: forecasting has its own room.
    process.env.HARBORMASTER_CODE_QUOTA_BYTES = String((await used('forecasting')) + 20_000);
    resetEnvCache();
    expect((await uploadCode('forecasting', { 'weights.bin': big })).status).toBe(201);
  });
});

describe('garbage collection', () => {
  const DAY = 24 * 3600_000;
  const backdate = async (sha: string, days: number) => {
    const at = new Date(Date.now() - days * DAY);
    await cast.db.db.update(codeAssets).set({ createdAt: at }).where(eq(codeAssets.sha256, sha));
    await cast.db.db.update(codeAssetWorkspaces).set({ createdAt: at, lastUsedAt: at }).where(eq(codeAssetWorkspaces.sha256, sha));
  };
  const exists = async (sha: string) => ({
    file: fs.existsSync(path.join(dataDir, 'code', sha)),
    row: (await cast.db.db.select().from(codeAssets).where(eq(codeAssets.sha256, sha))).length === 1,
    bound: (await bindings(sha)).length > 0,
  });

  it('deletes blobs nothing referenced for 7 days, never one a job or model version references', async () => {
    expect(CODE_BLOB_RETENTION_MS).toBe(7 * DAY);
    const orphanFiles = { 'o.py': `"${unique()}"\n` };
    const orphan = (await uploadCode('vision', orphanFiles)).json.sha256;
    const recentUse = (await uploadCode('vision', { 'r.py': `"${unique()}"\n` })).json.sha256;
    const young = (await uploadCode('vision', { 'y.py': `"${unique()}"\n` })).json.sha256;
    const name = `gc-${unique()}`;
    const sub = await submitWithFiles('vision', `name: ${name}\n${job('src')}inputs:\n  data: {type: uri_file, path: ./d.csv}\n`, { 'src/main.py': `"${unique()}"\n`, 'd.csv': `${unique()}\n` });
    expect(sub.status, JSON.stringify(sub.json)).toBeLessThan(300);
    const [row] = await cast.db.db.select().from(jobs).where(eq(jobs.name, name));
    const form = new FormData();
    form.append('model', new Blob([`name: gc-${unique()}\npath: ./m\ntype: custom_model\n`], { type: 'application/yaml' }), 'model.yml');
    form.append('files', new Blob([`weights ${unique()}`]), 'm/weights.bin');
    const m = await call(modelsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models', token: cast.users.dsVision.token, params: { workspace: 'vision' }, formData: form });
    expect(m.status, m.text).toBe(201);
    const modelSha = m.json.location.sha256 as string;

    for (const sha of [orphan, recentUse, row.codeSha256!, row.inputFiles.data, modelSha]) await backdate(sha, 30);
    // Uploaded a month ago, used by a job of this workspace yesterday.
    await cast.db.db.update(codeAssetWorkspaces).set({ lastUsedAt: new Date(Date.now() - DAY) }).where(eq(codeAssetWorkspaces.sha256, recentUse));
    // Referenced a month ago (binding old), never uploaded recently: young is new.
    await cast.db.db.update(codeAssetWorkspaces).set({ lastUsedAt: new Date(Date.now() - 30 * DAY) }).where(eq(codeAssetWorkspaces.sha256, young));

    const deleted = await pruneCodeBlobs(cast.db.db);
    expect(deleted).toContain(orphan);
    expect(await exists(orphan)).toEqual({ file: false, row: false, bound: false });
    for (const kept of [recentUse, young, row.codeSha256!, row.inputFiles.data, modelSha]) {
      expect(deleted).not.toContain(kept);
      expect(await exists(kept)).toEqual({ file: true, row: true, bound: true });
    }
    // A second pass finds nothing more; the deleted blob can be uploaded again (and is a new blob).
    expect(await pruneCodeBlobs(cast.db.db)).toEqual([]);
    const again = await uploadCode('vision', orphanFiles);
    expect(again.status).toBe(201);
    expect(await exists(orphan)).toEqual({ file: true, row: true, bound: true });
    // The job gone: its blobs go once they are 7 days unused; within the window they stay.
    await cast.db.db.delete(jobs).where(eq(jobs.id, row.id));
    expect(await pruneCodeBlobs(cast.db.db, Date.now() - 29 * DAY)).toEqual([]);
    expect((await pruneCodeBlobs(cast.db.db)).sort()).toEqual([row.codeSha256!, row.inputFiles.data].sort());
    expect(await exists(row.codeSha256!)).toEqual({ file: false, row: false, bound: false });
    expect(await exists(modelSha)).toEqual({ file: true, row: true, bound: true });
  });
});
