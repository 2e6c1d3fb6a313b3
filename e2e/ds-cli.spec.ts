import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';

// The terminal client (bin/harbormaster.mjs) against the running console and the local cluster, as a data
// scientist of vision with a personal access token: `job create` uploads the code folder, `job stream`
// follows the job and exits 0 when it Completes, 1 when it Fails (the testbed makes its pod exit 3), 2 when
// it is Canceled; `job list -o table` shows the jobs; a refused request prints the problem's detail, exit 1.
const CLI = path.resolve(process.cwd(), 'bin', 'harbormaster.mjs');
const BASE = process.env.HM_E2E_BASE_URL ?? 'http://127.0.0.1:3000';

test.skip(!!noCluster, noCluster);
test.describe.configure({ mode: 'serial' });

let token = '';
let tokenId = '';
let dir = '';
let ds: APIRequestContext;
const stamp = Date.now().toString(36);
const names = { ok: `cli-ok-${stamp}`, fail: `cli-fail-${stamp}`, cancel: `cli-cancel-${stamp}` };

const JOB = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
display_name: cli-e2e
experiment_name: cli
code: src
command: python train.py --epochs 1
environment:
  image: python:3.12-slim
compute: azureml:${VISION_TARGET}
resources:
  instance_type: cpu-small
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What the CLI printed in the current test, attached to its report ("cli transcript"). */
let transcript: string[] = [];

/** Runs the CLI as a user would (a child process, configuration from the environment). */
function cli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, HARBORMASTER_URL: BASE, HARBORMASTER_TOKEN: token, HARBORMASTER_WORKSPACE: 'vision', HARBORMASTER_OUTPUT: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      transcript.push(`$ harbormaster ${args.join(' ')}\n${stdout}${stderr ? `[stderr]\n${stderr}` : ''}[exit ${code}]\n`);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
  ds = await request.newContext({ baseURL: BASE, storageState: 'e2e/.auth/dataScientist.json' });
  const created = await ds.post('/api/v1/tokens', { data: { name: `e2e-cli-${stamp}`, expiresIn: '1d' } });
  expect(created.status(), await created.text()).toBe(201);
  ({ token, id: tokenId } = await created.json());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-cli-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'train.py'), 'print("training")\n');
  fs.writeFileSync(path.join(dir, 'src', '.amlignore'), '*.ckpt\n');
  fs.writeFileSync(path.join(dir, 'src', 'model.ckpt'), 'not uploaded');
  fs.writeFileSync(path.join(dir, 'job.yml'), JOB);
  fs.writeFileSync(path.join(dir, 'bad.yml'), JOB.replace('instance_type: cpu-small', 'instance_type: cpu-small\n  instance_count: 0'));
});

test.afterEach(async ({}, testInfo) => {
  if (transcript.length) await testInfo.attach('cli transcript', { body: transcript.join('\n'), contentType: 'text/plain' });
  transcript = [];
});

test.afterAll(async () => {
  if (tokenId) await ds.delete(`/api/v1/tokens/${tokenId}`);
  await ds?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('compute list -o table shows the workspace’s compute target', async () => {
  const r = await cli(['compute', 'list', '-o', 'table']);
  expect(r.code, show(r)).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Name +Cluster +Location +Namespace +Default instance type +Health$/);
  expect(lines[1]).toMatch(/^-+( +-+){5}$/);
  expect(lines.slice(2).some((l) => l.startsWith(`${VISION_TARGET} `))).toBe(true);
});

test('job create uploads the code folder, and job stream follows the job to Completed and exits 0', async () => {
  test.setTimeout(150_000);
  const created = await cli(['job', 'create', '--file', 'job.yml', '--name', names.ok, '--set', 'tags["harbormaster.io/sim-duration"]=3s', '--set', 'tags.team=vision', '-o', 'json']);
  expect(created.code, show(created)).toBe(0);
  const answer = JSON.parse(created.stdout);
  expect(answer).toMatchObject({ name: names.ok, created: true });
  // the upload came with it (the job has a code snapshot holding train.py and not the ignored checkpoint)
  const shown = await cli(['job', 'show', names.ok]);
  expect(shown.code, show(shown)).toBe(0);
  const job = JSON.parse(shown.stdout);
  expect(job.codeSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(job.spec.tags).toMatchObject({ 'harbormaster.io/sim-duration': '3s', team: 'vision' });
  expect(created.stderr).not.toMatch(/ERROR/);

  const streamed = await cli(['job', 'stream', names.ok], { timeoutMs: 120_000 });
  expect(streamed.code, show(streamed)).toBe(0);
  expect(streamed.stdout).toContain(`RunId: ${names.ok}\nWeb View: ${BASE}/w/vision/jobs/${names.ok}\n`);
  expect(streamed.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] Completed/m);
  expect(streamed.stdout).toMatch(/Execution Summary\n=+\nRunId: .*\nWeb View: .*\nStatus: Completed\n$/);
});

test('a job whose pod exits 3: job stream exits non-zero (1) and says Failed', async () => {
  test.setTimeout(150_000);
  const created = await cli(['job', 'create', '-f', 'job.yml', '-n', names.fail, '--set', 'tags.harbormaster\\.io/sim-exit-code=3', '--set', 'tags.harbormaster\\.io/sim-duration=2s', '-o', 'table']);
  expect(created.code, show(created)).toBe(0);
  expect(created.stdout.split('\n')[0]).toMatch(/^Name +Status +Compute +Cluster +Instance type/);
  expect(created.stdout).toContain(names.fail);

  const streamed = await cli(['job', 'stream', names.fail], { timeoutMs: 120_000 });
  expect(streamed.code, show(streamed)).toBe(1);
  expect(streamed.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] Failed/m);
  expect(streamed.stdout).toMatch(/Status: Failed/);
  const job = JSON.parse((await cli(['job', 'show', names.fail])).stdout);
  expect(job.status).toBe('Failed');
});

test('job cancel: the job is Canceled and job stream exits 2', async () => {
  test.setTimeout(120_000);
  const created = await cli(['job', 'create', '-f', 'job.yml', '-n', names.cancel, '--set', 'tags["harbormaster.io/sim-duration"]=10m']);
  expect(created.code, show(created)).toBe(0);
  const canceled = await cli(['job', 'cancel', names.cancel, '-o', 'json']);
  expect(canceled.code, show(canceled)).toBe(0);
  expect(JSON.parse(canceled.stdout)).toMatchObject({ name: names.cancel, status: 'Canceled' });
  const streamed = await cli(['job', 'stream', names.cancel], { timeoutMs: 60_000 });
  expect(streamed.code, show(streamed)).toBe(2);
  expect(streamed.stdout).toMatch(/Status: Canceled/);
});

test('job list -o table shows the jobs with their status', async () => {
  const r = await cli(['job', 'list', '-o', 'table']);
  expect(r.code, show(r)).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Name +Display name +Status +Compute +Instance type +Experiment +Created$/);
  const row = (name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? '';
  expect(row(names.ok)).toMatch(new RegExp(`^${names.ok} +cli-e2e +Completed +${VISION_TARGET} +cpu-small +cli +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
  expect(row(names.fail)).toMatch(/ Failed /);
  expect(row(names.cancel)).toMatch(/ Canceled /);
  const json = await cli(['job', 'list', '--max-results', '2']);
  expect(JSON.parse(json.stdout)).toHaveLength(2);
  // the list's filters: failed jobs of this run only
  const failed = await cli(['job', 'list', '--status', 'Failed', '--search', stamp, '-o', 'table']);
  expect(failed.code, show(failed)).toBe(0);
  expect(failed.stdout).toContain(names.fail);
  expect(failed.stdout).not.toContain(names.ok);
  const badOrder = await cli(['job', 'list', '--order-by', 'size']);
  expect(badOrder.code).toBe(1);
  expect(badOrder.stderr).toMatch(/^ERROR: orderBy: must be one of/);
});

test('a refused request prints the problem’s detail and exits 1; bad usage and configuration exit 2', async () => {
  // the same file through the API directly: the CLI prints exactly the problem's detail
  const api = await request.newContext({ baseURL: BASE, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const direct = await api.post('/api/v1/workspaces/vision/jobs', { headers: { 'content-type': 'application/yaml' }, data: fs.readFileSync(path.join(dir, 'bad.yml'), 'utf8') });
  expect(direct.status()).toBe(400);
  const { detail } = await direct.json();
  expect(detail).toContain('resources.instance_count');
  await api.dispose();

  const bad = await cli(['job', 'create', '-f', 'bad.yml']);
  expect(bad.code, show(bad)).toBe(1);
  expect(bad.stdout).toBe('');
  expect(bad.stderr.split('\n')[0]).toBe(`ERROR: ${detail}`);

  const missing = await cli(['job', 'show', 'no-such-job']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe('ERROR: job no-such-job not found in workspace vision\n');

  const badSet = await cli(['job', 'create', '-f', 'job.yml', '--set', 'resources.instance_count=two']);
  expect(badSet.code).toBe(1);
  expect(badSet.stderr).toMatch(/^ERROR: resources\.instance_count: must be an integer/);

  const noToken = await cli(['job', 'list'], { env: { HARBORMASTER_TOKEN: '' } });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toMatch(/HARBORMASTER_TOKEN is not set/);
  const badToken = await cli(['job', 'list'], { env: { HARBORMASTER_TOKEN: 'hm_not-a-real-token' } });
  expect(badToken.code).toBe(1);
  expect(badToken.stderr).toMatch(/check HARBORMASTER_TOKEN/);
  const usage = await cli(['job', 'lst']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/did you mean "job list"/);
});
