// Helpers of the process-level specs (runtime-*.spec.ts): they start their own console processes from the
// same production build as the shared e2e console (.next-e2e), each on a free loopback port with its own
// database, so killing one never disturbs the other specs. Also: the REST calls they make with tokens, the
// local test cluster seen through kubectl, and a `?watch=true` client reading the SSE stream with fetch.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from '@playwright/test';
import { freePort, ROOT, stopChild } from '../scripts/lib.mjs';
import { binaryDir } from '../testbed/cluster.mjs';

export const kubeconfigPath = process.env.HM_E2E_KUBECONFIG ?? '';
export const CI = process.env.CI === 'true' || process.env.CI === '1';

/** Skips the running test for `reason`; with CI=true a real part that is missing fails the test instead. */
export function needRealPart(reason: string): void {
  if (!reason) return;
  if (CI) throw new Error(`${reason} (CI=true: failing instead of skipping)`);
  test.skip(true, reason);
}

/** A short random suffix for names that must not clash with other specs or earlier runs on the same cluster. */
export const suffix = () => randomBytes(4).toString('hex');

export async function waitUntil<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, opts: { timeoutMs: number; what: string; intervalMs?: number; detail?: () => string }): Promise<T> {
  const end = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      if ((e as { fatal?: boolean }).fatal) throw e;
      lastError = e;
    }
    if (Date.now() > end) {
      const extra = opts.detail ? `; ${opts.detail()}` : lastError ? `; last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${extra}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

// ------------------------------------------------------------------------------------------ seeding

export interface Tokens {
  admin: string;
  dataScientist: string;
  otherScientist: string;
  auditor: string;
}

/** The e2e cast with one token per role, in a data directory (embedded database) or on PostgreSQL. */
export function seedDatabase(target: { dataDir: string } | { url: string }): Tokens {
  const args = 'url' in target ? ['--url', target.url] : ['--data-dir', target.dataDir];
  const r = spawnSync('npx', ['tsx', '--conditions=react-server', 'e2e/seed-process.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HARBORMASTER_LOG_LEVEL: 'warn', DATABASE_URL: '' },
  });
  if (r.status !== 0) throw new Error(`seeding failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return (JSON.parse(last) as { tokens: Tokens }).tokens;
}

// ------------------------------------------------------------------------------------------ cleanup

/**
 * What a spec must undo, run in reverse order. Call `run()` from test.afterEach so it also happens after a
 * failure or a timeout; each step runs once, and a failing step does not keep the others from running.
 */
export class Cleanup {
  private steps: Array<{ what: string; fn: () => unknown }> = [];
  defer(what: string, fn: () => unknown): void {
    this.steps.push({ what, fn });
  }
  async run(): Promise<void> {
    for (let s = this.steps.pop(); s; s = this.steps.pop()) {
      try {
        await s.fn();
      } catch (e) {
        console.warn(`cleanup: ${s.what}: ${(e as Error).message}`);
      }
    }
  }
}

// Last resort: a worker that exits without its hooks (killed, crashed) takes its console processes with it.
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

// ----------------------------------------------------------------------------------------- consoles

export interface ConsoleProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  lines: string[];
  /** Resolves with the exit signal (or code) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasLog(re: RegExp): boolean;
  stop(): Promise<void>;
}

/**
 * server.mjs (the console's production server) from .next-e2e (HM_E2E_DIST_DIR: another build) on a free
 * loopback port (what scripts/lib.mjs startConsole does, but the process is known, registered with `cleanup` and
 * the exit hook, before it is ready, so a console that never becomes ready is stopped too); resolves once /api/health/ready answers 200 (at most readyMs). Its output goes to
 * test-results/e2e-<name>.log (kept after the run) and to `lines`.
 */
export async function startExtraConsole(name: string, env: Record<string, string>, cleanup: Cleanup, readyMs = 60_000): Promise<ConsoleProcess> {
  const port = await freePort();
  const logFile = path.join(ROOT, 'test-results', `e2e-${name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, `--- ${new Date().toISOString()} console ${name} on port ${port}\n`, { flag: 'a' });
  const out = fs.createWriteStream(logFile, { flags: 'a' });
  const lines: string[] = [];
  const child = spawn(process.execPath, [path.join(ROOT, 'server.mjs'), '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      HARBORMASTER_DIST_DIR: process.env.HM_E2E_DIST_DIR || '.next-e2e',
      PORT: String(port),
      HARBORMASTER_TRUSTED_PROXIES: '',
      HARBORMASTER_LOG_LEVEL: 'info',
      HARBORMASTER_DEMO: 'false',
      HARBORMASTER_ADMIN_EMAIL: '',
      HARBORMASTER_ADMIN_PASSWORD: '',
      HARBORMASTER_PUBLIC_URL: '',
      HARBORMASTER_TEST_CRASH_AFTER_COMMIT: '',
      DATABASE_URL: '',
      HARBORMASTER_SECRET_KEY: '',
      ...env,
    },
  });
  started.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
    }),
  );
  let partial = '';
  const feed = (buf: Buffer) => {
    out.write(buf);
    const text = partial + buf.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) if (l) lines.push(l);
  };
  child.stdout!.on('data', feed);
  child.stderr!.on('data', feed);
  const stop = async () => {
    await stopChild(child);
    if (partial) lines.push(partial);
    await new Promise<void>((r) => out.end(() => r()));
  };
  cleanup.defer(`stop console ${name}`, stop);

  let gone: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (gone = e));
  await waitUntil(
    async () => {
      if (gone) throw Object.assign(new Error(`console ${name} exited (${gone.signal ?? gone.code}) before it was ready; see ${logFile}`), { fatal: true });
      const r = await fetch(`http://127.0.0.1:${port}/api/health/ready`, { signal: AbortSignal.timeout(5000) });
      return r.status === 200;
    },
    { timeoutMs: readyMs, what: `console ${name} to become ready (log: ${logFile})`, intervalMs: 200 },
  );
  return { name, url: `http://127.0.0.1:${port}`, child, logFile, lines, exited, hasLog: (re) => lines.some((l) => re.test(l)), stop };
}

// ------------------------------------------------------------------------------------------- REST

export interface ApiAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function call(base: string, token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const isText = typeof body === 'string';
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': isText ? 'application/yaml' : 'application/json' }), ...headers },
    body: body === undefined ? undefined : isText ? (body as string) : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await r.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed, text };
}

/** Registers the local test cluster under `cluster` and attaches it to `workspace` as `compute` on `namespace`. */
export async function registerClusterAndCompute(base: string, adminToken: string, o: { cluster: string; workspace: string; compute: string; namespace: string }) {
  const reg = await call(base, adminToken, 'POST', '/api/v1/clusters', {
    name: o.cluster,
    kind: 'kubernetes',
    location: 'on-prem',
    connection: { mode: 'kubeconfig', kubeconfig: fs.readFileSync(kubeconfigPath, 'utf8') },
  });
  if (reg.status !== 201) throw new Error(`registering cluster ${o.cluster}: ${reg.status} ${reg.text}`);
  const att = await call(base, adminToken, 'POST', `/api/v1/workspaces/${o.workspace}/computes`, { name: o.compute, cluster: o.cluster, namespace: o.namespace });
  if (att.status !== 201) throw new Error(`attaching compute ${o.workspace}/${o.compute}: ${att.status} ${att.text}`);
}

export const commandJobYaml = (name: string, compute: string) => `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
name: ${name}
display_name: ${name}
experiment_name: runtime-e2e
command: echo hello from ${name}
environment:
  image: busybox:1.36
compute: azureml:${compute}
`;

// ----------------------------------------------------------------------------------------- cluster

function kubectl(args: string[]): string {
  return execFileSync(path.join(binaryDir(), 'kubectl'), ['--kubeconfig', kubeconfigPath, '--request-timeout=10s', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Names of the Kubernetes Jobs labelled for a Harbormaster job in a namespace. */
export function kubeJobsOf(namespace: string, jobName: string): string[] {
  const out = JSON.parse(kubectl(['get', 'jobs', '-n', namespace, '-l', `harbormaster.io/job=${jobName}`, '-o', 'json'])) as { items: { metadata: { name: string } }[] };
  return out.items.map((i) => i.metadata.name);
}

/** Deletes a namespace the spec created (and everything in it), without waiting. */
export function deleteNamespace(namespace: string): void {
  try {
    kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  } catch (e) {
    console.warn(`could not delete namespace ${namespace}: ${(e as Error).message}`);
  }
}

// ------------------------------------------------------------------------------------------- watch

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: { name: string; status: string; uid: string; [k: string]: unknown };
  at: number;
}

/** A `?watch=true` stream read with fetch (as any HTTP client would), its events collected as they come. */
export async function openWatch(url: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
  const type = res.headers.get('content-type') ?? '';
  if (res.status !== 200 || !type.startsWith('text/event-stream')) throw new Error(`watch ${url}: ${res.status} ${type} ${await res.text()}`);
  const events: WatchEvent[] = [];
  let ended = false;
  const done = (async () => {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) events.push({ ...JSON.parse(data), at: Date.now() });
      }
    }
    ended = true;
  })();
  const summary = () => JSON.stringify(events.map((e) => [e.type, e.object.name, e.object.status]));
  return {
    events,
    summary,
    get ended() {
      return ended;
    },
    /** The events about one job, in order. */
    of: (name: string) => events.filter((e) => e.object?.name === name),
    async until(pred: () => boolean, timeoutMs: number, what: string) {
      await waitUntil(() => pred(), { timeoutMs, what, intervalMs: 50, detail: () => `stream ${ended ? 'ended' : 'open'}; events so far: ${summary()}` });
    },
    async close() {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
}

// ------------------------------------------------------------------------------------------ temp dirs

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
