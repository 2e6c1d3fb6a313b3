import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  applySets,
  collectUploads,
  formatTable,
  ignoreMatcher,
  jobCreateBody,
  localPath,
  main,
  parseArgs,
  parseJobYaml,
  parseSetArg,
  parseSetPath,
  resolveConfig,
  sseEvents,
  uploadName,
  UsageError,
} from './harbormaster.mjs';

// The terminal client (bin/harbormaster.mjs): argument parsing, --set, tables, uploads, and whole commands
// against a fake console on loopback. e2e/ds-cli.spec.ts runs it against a real console and cluster.

describe('the package', () => {
  it('ships the client as its `harbormaster` bin: an executable Node script', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.bin).toEqual({ harbormaster: 'bin/harbormaster.mjs' });
    const file = new URL('./harbormaster.mjs', import.meta.url);
    expect(fs.readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(file).mode & 0o111).not.toBe(0);
  });
});

describe('parseArgs', () => {
  it('reads the command, its options (repeated, --x=y, short) and global options anywhere', () => {
    const a = parseArgs(['-w', 'vision', 'job', 'create', '-f', 'job.yml', '--set', 'a=1', '--set=b.c=2', '-o', 'table', '--stream']);
    expect(a.command).toBe('job create');
    expect(a.options).toEqual({ workspace: 'vision', file: 'job.yml', set: ['a=1', 'b.c=2'], output: 'table', stream: true });
    expect(parseArgs(['job', 'show', 'brave_lamp', '--output=json']).positionals).toEqual(['brave_lamp']);
    expect(parseArgs(['job', 'stream', '-n', 'x', '--rank', '1']).options).toEqual({ name: 'x', rank: '1' });
    expect(parseArgs(['job', 'show', '--', '-odd-name']).positionals).toEqual(['-odd-name']);
  });

  it('answers help for no command, a group, --help anywhere and `help <command>`', () => {
    expect(parseArgs([])).toMatchObject({ help: true });
    expect(parseArgs(['job'])).toMatchObject({ help: true, group: 'job' });
    expect(parseArgs(['job', 'stream', '-h'])).toMatchObject({ help: true, command: 'job stream' });
    expect(parseArgs(['help', 'job', 'create'])).toMatchObject({ help: true, command: 'job create' });
    expect(parseArgs(['--version'])).toMatchObject({ version: true });
  });

  it('refuses unknown commands and options with a suggestion, and checks required options and values', () => {
    const err = (argv: string[]) => {
      try {
        parseArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(err(['jobs', 'list'])).toBe('unknown command "jobs" (did you mean "job"?)');
    expect(err(['job', 'lst'])).toMatch(/unknown command "job lst" \(did you mean "job list"\?\); "job" has: create, list, show, stream, cancel/);
    expect(err(['job', 'list', '--max-result', '3'])).toBe('unknown option --max-result (did you mean --max-results?)');
    expect(err(['job', 'show', 'x', '--file', 'a.yml'])).toBe('--file is not an option of "job show"');
    expect(err(['job', 'create'])).toBe('--file is required');
    expect(err(['job', 'create', '-f'])).toBe('-f needs a value (path)');
    expect(err(['job', 'list', '-o', 'xml'])).toBe('--output must be one of json, table, yaml (got "xml")');
    expect(err(['job', 'show', 'a', 'b'])).toBe('unexpected argument "b"');
    expect(err(['job', 'list', '--stream=yes'])).toBe('--stream takes no value');
  });
});

describe('--set', () => {
  it('splits dotted paths, list indexes, escaped dots and bracketed keys', () => {
    expect(parseSetPath('resources.instance_count')).toEqual(['resources', 'instance_count']);
    expect(parseSetPath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parseSetPath('tags.harbormaster\\.io/sim-duration')).toEqual(['tags', 'harbormaster.io/sim-duration']);
    expect(parseSetPath('tags["harbormaster.io/sim-exit-code"]')).toEqual(['tags', 'harbormaster.io/sim-exit-code']);
    expect(parseSetPath("tags['a.b'].c")).toEqual(['tags', 'a.b', 'c']);
    expect(parseSetPath('tags[a.b]')).toEqual(['tags', 'a.b']);
    for (const bad of ['a..b', '.a', 'a[0', 'a[]', 'a[0]b']) expect(() => parseSetPath(bad), bad).toThrow();
  });

  it('splits at the first "=" outside brackets; values are strings, or JSON when they start with { or [', () => {
    expect(parseSetArg('tags["a=b"]=x=y')).toEqual({ path: ['tags', 'a=b'], value: 'x=y' });
    expect(parseSetArg('resources.instance_count=2')).toEqual({ path: ['resources', 'instance_count'], value: '2' });
    expect(parseSetArg('environment_variables={"A": "1"}')).toEqual({ path: ['environment_variables'], value: { A: '1' } });
    expect(parseSetArg('display_name=')).toEqual({ path: ['display_name'], value: '' });
    expect(() => parseSetArg('novalue')).toThrow(/write --set <path>=<value>/);
    expect(() => parseSetArg('=x')).toThrow(/write --set <path>=<value>/);
    expect(() => parseSetArg('a={oops')).toThrow(/starts like JSON but is not JSON/);
    expect(() => parseSetArg('a..b=1')).toThrow(/the path "a..b" has an empty key/);
  });

  const JOB = `# train
$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python train.py  # the entry point
args: [a, b]
environment:
  image: busybox:1.36
tags:
  team: vision
`;

  it('edits the YAML in place: new and nested keys, list items, strings that look like numbers stay strings', () => {
    const doc = applySets(parseJobYaml(JOB), [
      'resources.instance_count=2',
      'tags.harbormaster\\.io/sim-exit-code=3',
      'tags["harbormaster.io/sim-duration"]=5s',
      'args[1]=c',
      'environment.image=python:3.12',
      'distribution={"type": "pytorch", "process_count_per_instance": 1}',
      'limits.list[1].x=y',
    ]);
    const text = doc.toString();
    expect(text).not.toContain('!!'); // new mappings are plain (not YAML 1.1 !!omap)
    expect(text).toContain('# the entry point');
    expect(text).toContain('harbormaster.io/sim-exit-code: "3"');
    expect(YAML.parse(text)).toMatchObject({
      resources: { instance_count: '2' },
      tags: { team: 'vision', 'harbormaster.io/sim-exit-code': '3', 'harbormaster.io/sim-duration': '5s' },
      args: ['a', 'c'],
      environment: { image: 'python:3.12' },
      distribution: { type: 'pytorch', process_count_per_instance: 1 },
      limits: { list: [null, { x: 'y' }] },
    });
    // YAML 1.1 words stay strings too
    expect(YAML.parse(applySets(parseJobYaml(JOB), ['tags.on=yes']).toString(), { version: '1.1' }).tags.on).toBe('yes');
  });

  it('refuses paths through a value and list indexes on a mapping', () => {
    expect(() => applySets(parseJobYaml(JOB), ['command.x=1'])).toThrow(/--set command.x: command is a value, not a mapping or list/);
    expect(() => applySets(parseJobYaml(JOB), ['tags[0]=1'])).toThrow(/tags is not a list/);
  });
});

describe('formatTable', () => {
  it('aligns columns like az: headers, dashes, two spaces between columns, no trailing spaces', () => {
    const rows = [
      { name: 'brave_lamp', status: 'Completed', message: null },
      { name: 'x', status: 'Queued', message: 'waiting for\n1 pod' },
    ];
    const cols = [
      { header: 'Name', get: 'name' },
      { header: 'Status', get: 'status' },
      { header: 'Message', get: (r: { message: string | null }) => r.message },
    ];
    expect(formatTable(rows, cols)).toBe(
      ['Name        Status     Message', '----------  ---------  -----------------', 'brave_lamp  Completed', 'x           Queued     waiting for 1 pod', ''].join('\n'),
    );
    expect(formatTable([], cols)).toBe('');
  });
});

describe('local files of a job', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cli-unit-'));
    dirs.push(root);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    return root;
  };

  it('tells local paths from references, and names them relative to the job file', () => {
    expect(localPath('./src')).toBe('./src');
    expect(localPath('file:data.csv')).toBe('data.csv');
    for (const ref of ['azureml:code:1', 'git+https://github.com/o/r.git', 'https://x/y.csv', 'wasbs://c@a.blob.core.windows.net/p', '', 3]) expect(localPath(ref)).toBeUndefined();
    expect(uploadName('./src/')).toEqual({ name: 'src', outside: false });
    expect(uploadName('.')).toEqual({ name: '', outside: false });
    expect(uploadName('../shared/src')).toEqual({ name: 'src', outside: true });
    expect(uploadName('/abs/src')).toEqual({ name: 'src', outside: true });
  });

  it('matches .gitignore patterns', () => {
    const m = ignoreMatcher('# comment\n*.pyc\n/outputs/\ndata/*.csv\n!data/keep.csv\n**/logs\nbuild/\n');
    expect(m('a/b/x.pyc', false)).toBe(true);
    expect(m('outputs', true)).toBe(true);
    expect(m('src/outputs', true)).toBe(false);
    expect(m('data/big.csv', false)).toBe(true);
    expect(m('data/keep.csv', false)).toBe(false);
    expect(m('a/logs', true)).toBe(true);
    expect(m('build', false)).toBe(false);
    expect(m('train.py', false)).toBe(false);
  });

  it('collects the code folder (minus .git and .amlignore) and local file inputs', () => {
    const root = tree({
      'job.yml': '',
      'src/train.py': 'print(1)',
      'src/lib/util.py': '',
      'src/.git/HEAD': 'ref',
      'src/.amlignore': '*.ckpt\n',
      'src/model.ckpt': 'big',
      'data.csv': 'a,b',
      'folder/x.csv': '',
    });
    const job = { code: './src', inputs: { data: { type: 'uri_file', path: './data.csv' }, f: { type: 'uri_folder', path: 'folder' }, web: { path: 'https://x/y' }, lr: 0.1 } };
    const { files, notes } = collectUploads(job, root);
    expect(files.map((f: { name: string }) => f.name).sort()).toEqual(['data.csv', 'src/.amlignore', 'src/lib/util.py', 'src/train.py']);
    expect(notes).toEqual([]);
    // sweep: trial.code; a code folder outside the job's folder travels under its own name
    const sweep = collectUploads({ type: 'sweep', trial: { code: '../src' } }, path.join(root, 'folder'));
    expect(sweep.files.map((f: { name: string }) => f.name).sort()).toEqual(['src/.amlignore', 'src/lib/util.py', 'src/train.py']);
    expect(() => collectUploads({ code: 'nope' }, root)).toThrow(/code: the local folder "nope" does not exist/);
    expect(collectUploads({ code: 'nope' }, root, { lenient: true }).notes[0]).toMatch(/does not exist/);
    expect(collectUploads({ inputs: { d: { type: 'uri_file', path: '../data.csv' } } }, path.join(root, 'src')).notes[0]).toMatch(/outside the job file’s folder/);
  });

  it('sends the file as it is when nothing local goes with it, else multipart with files and paths', async () => {
    const root = tree({ 'plain.yml': 'command: echo hi # as written\nenvironment: {image: busybox}\n', 'withcode.yml': 'code: src\ncommand: python train.py\n', 'src/train.py': 'print(1)' });
    const plain = jobCreateBody(path.join(root, 'plain.yml'));
    expect(plain.headers).toEqual({ 'content-type': 'application/yaml' });
    expect(plain.body).toBe(fs.readFileSync(path.join(root, 'plain.yml'), 'utf8'));
    const named = jobCreateBody(path.join(root, 'plain.yml'), { name: 'my-job', sets: ['tags.a=1'] });
    expect(YAML.parse(named.body as string)).toMatchObject({ name: 'my-job', tags: { a: '1' } });
    const withCode = jobCreateBody(path.join(root, 'withcode.yml'));
    expect(withCode.body).toBeInstanceOf(FormData);
    const form = withCode.body as FormData;
    expect(form.get('job')).toBe('code: src\ncommand: python train.py\n');
    expect(JSON.parse(form.get('paths') as string)).toEqual(['src/train.py']);
    const f = form.getAll('files')[0] as File;
    expect(f.name).toBe('src/train.py');
    expect(await f.text()).toBe('print(1)');
    expect(() => jobCreateBody(path.join(root, 'missing.yml'))).toThrow(/--file .*missing.yml: no such file/);
  });
});

describe('sseEvents', () => {
  it('parses events split anywhere across chunks, skipping comments', async () => {
    const text = ': connected\n\nid: 1\ndata: {"type":"ADDED"}\n\n: heartbeat\n\nid: 2\r\ndata: a\r\ndata: b\r\n\r\n';
    const chunks = (async function* () {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
    })();
    const got = [];
    for await (const e of sseEvents(chunks)) got.push(e);
    expect(got).toEqual([
      { id: '1', event: undefined, data: '{"type":"ADDED"}' },
      { id: '2', event: undefined, data: 'a\nb' },
    ]);
  });
});

describe('resolveConfig', () => {
  it('needs the URL and the token, and says how to set them', () => {
    expect(() => resolveConfig({})).toThrow(/HARBORMASTER_URL is not set/);
    expect(() => resolveConfig({ HARBORMASTER_URL: 'ftp://x' })).toThrow(/must be an http:\/\/ or https:\/\/ address/);
    expect(() => resolveConfig({ HARBORMASTER_URL: 'https://hm.example.com' })).toThrow(/HARBORMASTER_TOKEN is not set/);
    const c = resolveConfig({ HARBORMASTER_URL: 'https://hm.example.com/prefix', HARBORMASTER_TOKEN: 't', HARBORMASTER_WORKSPACE: 'vision' });
    expect(c.base.href).toBe('https://hm.example.com/prefix/');
    expect(c.workspace).toBe('vision');
    expect(c.insecure).toBe(false);
    expect(resolveConfig({ HARBORMASTER_URL: 'http://hm.example.com', HARBORMASTER_TOKEN: 't' }).insecure).toBe(true);
    expect(resolveConfig({ HARBORMASTER_URL: 'http://127.0.0.1:3000', HARBORMASTER_TOKEN: 't' }, { workspace: 'w' })).toMatchObject({ insecure: false, workspace: 'w' });
  });
});

// --- whole commands against a fake console ------------------------------------------------------------------

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => unknown;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function fakeConsole(handler: Handler) {
  const requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch((e) => {
        res.writeHead(500);
        res.end(String(e));
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const json = (res: http.ServerResponse, status: number, value: unknown, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(value));
};
const problem = (res: http.ServerResponse, status: number, detail: string, errors?: unknown[]) =>
  json(res, status, { type: 'https://harbormaster.dev/problems/x', title: 'Bad request', status, detail, ...(errors ? { errors } : {}), requestId: 'r1' }, 'application/problem+json');

async function run(url: string, argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: { HARBORMASTER_URL: url, HARBORMASTER_TOKEN: 'tok-123', HARBORMASTER_WORKSPACE: 'vision', ...env },
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
  });
  return { code, stdout, stderr };
}

const TARGET = { name: 'gpu-pool', cluster: 'aks-westeurope', location: 'cloud', region: 'westeurope', namespace: 'hm-vision-gpu-pool', defaultInstanceType: 'gpu-1', health: { status: 'healthy' } };

describe('commands against a fake console', () => {
  it('compute list: the bearer token, the workspace route, an aligned table or the JSON items', async () => {
    const c = await fakeConsole((req, res) => json(res, 200, { items: [TARGET, { ...TARGET, name: 'cpu', defaultInstanceType: 'cpu-small', region: '' }] }));
    const t = await run(c.url, ['compute', 'list', '-o', 'table']);
    expect(t).toMatchObject({ code: 0, stderr: '' });
    expect(t.stdout).toBe(
      [
        'Name      Cluster         Location            Namespace           Default instance type  Health',
        '--------  --------------  ------------------  ------------------  ---------------------  -------',
        'gpu-pool  aks-westeurope  cloud / westeurope  hm-vision-gpu-pool  gpu-1                  healthy',
        'cpu       aks-westeurope  cloud               hm-vision-gpu-pool  cpu-small              healthy',
        '',
      ].join('\n'),
    );
    expect(c.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/workspaces/vision/computes' });
    expect(c.requests[0].headers.authorization).toBe('Bearer tok-123');
    const j = await run(c.url, ['compute', 'list', '-w', 'forecasting']);
    expect(JSON.parse(j.stdout)[0].name).toBe('gpu-pool');
    expect(c.requests[1].url).toBe('/api/v1/workspaces/forecasting/computes');
  });

  it('a 4xx prints the problem’s detail (and field errors it does not name) and exits 1', async () => {
    const c = await fakeConsole((req, res) => {
      if (req.url!.includes('/jobs/ghost')) return problem(res, 404, 'job ghost not found in workspace vision');
      if (req.url!.includes('/computes')) return problem(res, 401, 'missing or invalid token');
      problem(res, 400, 'resources.instance_count: must be at least 1, not 0', [{ path: 'resources.instance_count', message: 'must be at least 1, not 0' }, { path: 'x', message: 'other' }]);
    });
    expect(await run(c.url, ['job', 'show', 'ghost'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: job ghost not found in workspace vision\n' });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cli-unit-'));
    try {
      fs.writeFileSync(path.join(root, 'job.yml'), 'command: echo\nresources: {instance_count: 0}\n');
      const r = await run(c.url, ['job', 'create', '-f', path.join(root, 'job.yml')]);
      expect(r).toEqual({ code: 1, stdout: '', stderr: 'ERROR: resources.instance_count: must be at least 1, not 0\n  x: other\n' });
      expect(c.requests[1].headers['content-type']).toBe('application/yaml');
      expect(c.requests[1].body.toString()).toBe('command: echo\nresources: {instance_count: 0}\n');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    const unauth = await run(c.url, ['compute', 'list']);
    expect(unauth.code).toBe(1);
    expect(unauth.stderr).toBe('ERROR: missing or invalid token\n  check HARBORMASTER_TOKEN: it may be mistyped, expired or revoked\n');
  });

  it('says which URL could not be reached, and when the URL is not the API', async () => {
    const c = await fakeConsole((req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>not found</html>');
    });
    const html = await run(c.url, ['job', 'list']);
    expect(html.code).toBe(1);
    expect(html.stderr).toBe(`ERROR: ${c.url}/api/v1/workspaces/vision/jobs answered 404 Not Found with a web page, not the API; is HARBORMASTER_URL the console’s address?\n`);
    const closed = await fakeConsole(() => {});
    const port = new URL(closed.url).port;
    servers.pop()!.close();
    const down = await run(`http://127.0.0.1:${port}`, ['job', 'list']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`ERROR: cannot reach the console at http://127.0.0.1:${port} (GET /api/v1/workspaces/vision/jobs): ECONNREFUSED; check HARBORMASTER_URL\n`);
    const usage = await run(c.url, ['job', 'frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^ERROR: unknown command "job frobnicate"/);
    expect((await run(c.url, ['job', 'list'], { HARBORMASTER_TOKEN: '' })).stderr).toMatch(/HARBORMASTER_TOKEN is not set/);
  });

  it('job list follows cursors up to --max-results, or to the end with --all-results', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => ({ name: `job-${i}`, displayName: `Job ${i}`, status: 'Completed', computeTarget: 'gpu-pool', instanceType: 'gpu-1', experimentName: 'e', createdAt: '2025-01-01T00:00:00Z' }));
    const c = await fakeConsole((req, res) => {
      const u = new URL(req.url!, 'http://x');
      const start = Number(u.searchParams.get('cursor') ?? 0);
      const limit = Math.min(Number(u.searchParams.get('limit')), 2); // pages of 2
      const items = jobs.slice(start, start + limit);
      json(res, 200, start + limit < jobs.length ? { items, next: String(start + limit) } : { items });
    });
    const three = await run(c.url, ['job', 'list', '-r', '3']);
    expect(JSON.parse(three.stdout).map((j: { name: string }) => j.name)).toEqual(['job-0', 'job-1', 'job-2']);
    await run(c.url, ['job', 'list', '--status', 'Running,Queued', '--status', 'Failed', '--compute', 'gpu-pool', '--search', 'lamp', '--order-by', 'name', '--since', '2026-01-01T00:00:00Z', '-r', '1']);
    expect(new URL(c.requests[c.requests.length - 1].url, 'http://x').search).toBe(
      `?status=${encodeURIComponent('Running,Queued,Failed')}&compute=gpu-pool&since=2026-01-01T00%3A00%3A00Z&q=lamp&orderBy=name&limit=1`,
    );
    const all = await run(c.url, ['job', 'list', '--all-results', '-o', 'table']);
    expect(all.stdout.split('\n')[0]).toBe('Name   Display name  Status     Compute   Instance type  Experiment  Created');
    expect(all.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('job create uploads the code folder as multipart (job, files, paths) and prints warnings to stderr', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cli-unit-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'train.py'), 'print("hi")\n');
    fs.writeFileSync(path.join(root, 'job.yml'), 'code: src\ncommand: python train.py\nenvironment: {image: python:3.12}\n');
    let form: FormData | undefined;
    const c = await fakeConsole(async (req, res, body) => {
      form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type']! }, body: new Uint8Array(body) }).formData();
      json(res, 201, { name: 'brave_lamp', status: 'Queued', statusMessage: null, created: true, placement: { computeTarget: 'gpu-pool', cluster: 'aks', instanceType: { name: 'gpu-1' }, instanceCount: 1 }, warnings: [{ path: 'code', message: 'pods fetch over plain HTTP' }] });
    });
    try {
      const r = await run(c.url, ['job', 'create', '-f', path.join(root, 'job.yml'), '--set', 'tags.team=vision', '-o', 'table']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('WARNING: code: pods fetch over plain HTTP\n');
      expect(r.stdout).toBe(
        ['Name        Status  Compute   Cluster  Instance type  Message', '----------  ------  --------  -------  -------------  -------', 'brave_lamp  Queued  gpu-pool  aks      gpu-1', ''].join('\n'),
      );
      expect(c.requests[0].url).toBe('/api/v1/workspaces/vision/jobs');
      expect(YAML.parse(form!.get('job') as string)).toMatchObject({ code: 'src', tags: { team: 'vision' } });
      expect(form!.get('paths')).toBe('["src/train.py"]');
      expect(await (form!.get('files') as File).text()).toBe('print("hi")\n');
      const dry = await run(c.url, ['job', 'create', '-f', path.join(root, 'job.yml'), '--dry-run']);
      expect(dry.code).toBe(0);
      expect(c.requests[1].url).toBe('/api/v1/workspaces/vision/jobs?dryRun=true');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('job show: a sweep’s objective, progress and best trial; a trial’s sweep, parameters and why it was stopped', async () => {
    const job = { name: 'grid', type: 'sweep', status: 'Running', computeTarget: 'cpu', instanceType: 'cpu-small', instanceCount: 1, experimentName: 'sweep-demo', createdAt: '2026-03-01T10:00:00Z', statusMessage: null };
    const sweep = {
      ...job,
      sweep: {
        objective: { primaryMetric: 'val_loss', goal: 'minimize' }, samplingAlgorithm: 'grid', earlyTermination: 'bandit', plannedTrials: 6, maxConcurrentTrials: 2, createdTrials: 4,
        counts: { Completed: 1, Running: 2, Canceled: 1 }, bestTrial: { name: 'grid_0', index: 0, primaryMetric: 0.21, parameters: { depth: 2, width: 1 } },
      },
    };
    const reason = "bandit policy at interval 2: the trial's best val_loss so far, 0.49, is worse than the cutoff 0.462";
    const trial = { ...job, name: 'grid_5', type: 'command', status: 'Canceled', trial: { sweep: 'grid', index: 5, parameters: { depth: 4, width: 9 }, primaryMetric: 0.49, terminationReason: reason } };
    const c = await fakeConsole((req, res) => {
      const name = req.url!.split('/').pop();
      if (name === 'grid') return json(res, 200, sweep);
      if (name === 'grid_5') return json(res, 200, trial);
      json(res, 200, { ...sweep, name: 'fresh', sweep: { ...sweep.sweep, createdTrials: 0, counts: {}, bestTrial: undefined } });
    });
    const local = (iso: string) => {
      const d = new Date(iso);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    const s = await run(c.url, ['job', 'show', 'grid', '-o', 'table']);
    expect(s).toMatchObject({ code: 0, stderr: '' });
    expect(s.stdout).toBe(
      [
        'Name  Type   Status   Compute  Instance type  Experiment  Created              Message',
        '----  -----  -------  -------  -------------  ----------  -------------------  -------',
        `grid  sweep  Running  cpu      cpu-small      sweep-demo  ${local(job.createdAt)}`,
        '',
        'Objective          Sampling  Early termination  Progress',
        `-----------------  --------  -----------------  ${'-'.repeat(57)}`,
        'minimize val_loss  grid      bandit             4 of 6 trials started, 2 running, 1 completed, 1 canceled',
        '',
        'Best trial  Primary metric  Parameters',
        '----------  --------------  ----------------',
        'grid_0      val_loss 0.21   depth=2, width=1',
        '',
      ].join('\n'),
    );
    const t = await run(c.url, ['job', 'show', 'grid_5', '-o', 'table']);
    expect(t.stdout.split('\n').slice(4)).toEqual([
      `Sweep  Trial  Parameters        Primary metric  Stopped because`,
      `-----  -----  ----------------  --------------  ${'-'.repeat(reason.length)}`,
      `grid   5      depth=4, width=9  0.49            ${reason}`,
      '',
    ]);
    const none = await run(c.url, ['job', 'show', 'fresh', '-o', 'table']);
    expect(none.stdout).toContain('minimize val_loss  grid      bandit             0 of 6 trials started\n');
    expect(none.stdout).toMatch(/Best trial  Primary metric  Parameters\n-+  -+  -+\n\(none yet\)\n$/);
    // JSON (the default) is the answer as it is: sweep and trial included.
    expect(JSON.parse((await run(c.url, ['job', 'show', 'grid'])).stdout).sweep.bestTrial.name).toBe('grid_0');
  });

  describe('job stream', () => {
    /** A console whose job goes through `statuses` (one every 150 ms after the watch connects). */
    async function streamingConsole(statuses: Array<[string, string | null]>, logs: 'missing' | 'text' = 'missing') {
      let i = 0;
      const item = () => ({ uid: 'u1', name: 'brave_lamp', status: statuses[i][0], statusMessage: statuses[i][1] });
      return fakeConsole((req, res) => {
        const u = new URL(req.url!, 'http://x');
        if (u.pathname.endsWith('/logs')) {
          if (logs === 'missing') {
            res.writeHead(404, { 'content-type': 'text/html' });
            return res.end('<html>404</html>');
          }
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('epoch 1\n');
          setTimeout(() => res.end('epoch 2\ndone'), 100);
          return;
        }
        if (u.searchParams.get('watch') === 'true') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(': connected\n\n');
          res.write(`id: 1\ndata: ${JSON.stringify({ type: 'ADDED', object: { ...item(), name: 'other', uid: 'u0' } })}\n\n`);
          const t = setInterval(() => {
            if (i + 1 >= statuses.length) return clearInterval(t);
            i++;
            res.write(`id: ${i + 1}\ndata: ${JSON.stringify({ type: 'MODIFIED', object: item() })}\n\n`);
          }, 150);
          res.on('close', () => clearInterval(t));
          return;
        }
        if (req.method === 'POST' && u.pathname.endsWith('/jobs')) return json(res, 201, { name: 'brave_lamp', status: 'Queued', created: true, warnings: [] });
        if (u.pathname.endsWith('/jobs/brave_lamp')) return json(res, 200, { ...item(), transitions: [] });
        problem(res, 404, `job ${u.pathname.split('/').pop()} not found in workspace vision`);
      });
    }

    it('prints status changes and exits 0 on Completed; without a logs route it says so and shows status only', async () => {
      const c = await streamingConsole([
        ['Queued', 'waiting for 1 pod(s) to start'],
        ['Running', null],
        ['Completed', null],
      ]);
      const r = await run(c.url, ['job', 'stream', 'brave_lamp']);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, 3)).toEqual(['RunId: brave_lamp', `Web View: ${c.url}/w/vision/jobs/brave_lamp`, '']);
      expect(lines.filter((l) => l.startsWith('[')).map((l) => l.replace(/^\[\d\d:\d\d:\d\d\] /, ''))).toEqual(['Queued: waiting for 1 pod(s) to start', 'Running', 'Completed']);
      expect(r.stdout).toMatch(/Execution Summary\n=================\nRunId: brave_lamp\nWeb View: .*\nStatus: Completed\n$/);
      expect(r.stderr).toMatch(/^WARNING: logs are not available \(404: this console does not serve job logs\); showing status only\n$/);
      expect(c.requests.some((q) => q.url === '/api/v1/workspaces/vision/jobs?watch=true&q=brave_lamp&limit=1' && q.headers.accept === 'text/event-stream')).toBe(true);
      expect(c.requests.some((q) => q.url === '/api/v1/workspaces/vision/jobs/brave_lamp/logs?rank=0&follow=true')).toBe(true);
    });

    it('follows the logs once the job runs, and exits 1 on Failed, 2 on Canceled', async () => {
      const failed = await streamingConsole(
        [
          ['Queued', null],
          ['Running', null],
          ['Failed', 'rank 0 exited with code 3'],
        ],
        'text',
      );
      const r = await run(failed.url, ['job', 'stream', '--name', 'brave_lamp']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('epoch 1\nepoch 2\ndone\n');
      expect(r.stdout).toMatch(/\] Failed: rank 0 exited with code 3\n/);
      expect(r.stdout).toMatch(/Status: Failed \(rank 0 exited with code 3\)\n$/);
      expect(r.stderr).toBe('');
      const canceled = await streamingConsole([
        ['Queued', null],
        ['Canceled', 'canceled by ana@example.com'],
      ]);
      expect((await run(canceled.url, ['job', 'stream', 'brave_lamp'])).code).toBe(2);
    });

    it('job create --stream submits, prints the answer, then follows the job and exits with its outcome', async () => {
      const c = await streamingConsole([
        ['Queued', null],
        ['Failed', 'rank 0 exited with code 3'],
      ]);
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cli-unit-'));
      try {
        fs.writeFileSync(path.join(root, 'job.yml'), 'command: exit 3\nenvironment: {image: busybox}\n');
        const r = await run(c.url, ['job', 'create', '-f', path.join(root, 'job.yml'), '--stream', '-o', 'table']);
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/^Name +Status +Compute.*\n-+ .*\nbrave_lamp +Queued\n\nRunId: brave_lamp\n/);
        expect(r.stdout).toMatch(/Status: Failed \(rank 0 exited with code 3\)\n$/);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it('a job that already ended: its logs and outcome at once; an unknown job: the detail, exit 1', async () => {
      const c = await streamingConsole([['Completed', null]], 'text');
      const r = await run(c.url, ['job', 'stream', 'brave_lamp']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('] Completed\nepoch 1\nepoch 2\ndone\n\nExecution Summary');
      expect(c.requests.some((q) => q.url.includes('watch=true'))).toBe(false);
      expect(await run(c.url, ['job', 'stream', 'ghost'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: job ghost not found in workspace vision\n' });
    });
  });
});
