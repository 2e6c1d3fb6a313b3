// The live part of `npm run bench` (DESIGN §7: "change in the cluster → visible in an open browser: p95 under
// 200 ms"). A real local cluster (testbed profile `test`), the production console (.next-e2e) on a throw-away
// data dir, and Debian's Chromium with a data scientist's jobs page open. Two clocks run on one machine, so
// wall-clock times (Date.now()) from this process and from the page compare directly.
//
//   added    for each job submitted through the API (one at a time): the moment its Kubernetes Job's
//            Complete=True condition arrives on a raw @kubernetes/client-node watch in this process (t_watch),
//            and the moment the job's row on the open page shows Completed (t_dom: a MutationObserver in the
//            page, i.e. when React has committed it to the DOM). t_dom − t_watch is what the console adds:
//            its informer, the status reconciler, the DB, the live bus, SSE, react-query and React.
//   baseline the raw watch's own latency: PATCH a ConfigMap's label → the event on a raw client-node watch,
//            sampled between the jobs (same run, same load).
//   change → page ≈ baseline + added (each percentile summed: an estimate, since t_change of a Job
//            condition is not observable with millisecond precision).
//
// Complete=True (not succeeded=1) is the watch signal because it is the one the console turns into
// "Completed" (lib/jobs/status.ts); Kubernetes' own time between the two is not the console's latency.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import type { Browser } from 'playwright-core';
import { CHROMIUM, ROOT, ensureBuild, freePort, log, startConsole, stopChild, waitFor } from './lib.mjs';
import { down as clusterDown, missingBinaries, binaryDir, up as clusterUp } from '../testbed/cluster.mjs';
import { openDatabase } from '../server/db/client';
import { createLocalUser } from '../server/auth/users';
import { issueToken } from '../server/auth/tokens';
import { memberships, workspaces } from '../server/db/schema';

export interface LiveResult {
  rows: Array<[string, number, number]>;
  lines: string[];
}

const WORKSPACE = 'bench';
const CLUSTER = 'bench-k8s';
const TARGET = 'bench-cpu';
const BASELINE_NS = 'hm-bench-baseline';
const BASELINE_CM = 'bench-watch';
const JOB_TIMEOUT_MS = 90_000;

/** Why the live part cannot run here (missing testbed binaries or Chromium), or undefined. */
export function liveSkipReason(): string | undefined {
  const missing = missingBinaries();
  if (missing.length) return `testbed binaries missing in ${binaryDir()} (${missing.join(', ')}): run npm run cluster:build`;
  if (!fs.existsSync(CHROMIUM)) return `Chromium missing (${CHROMIUM}): apt-get install chromium`;
  return undefined;
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)];
}

/** Seeds a data dir for the console: an ops admin, a data scientist in workspace `bench`, a token each. */
async function seed(dataDir: string) {
  const h = await openDatabase({ dataDir, purpose: 'bench seed' });
  try {
    const [w] = await h.db.insert(workspaces).values({ name: WORKSPACE, displayName: 'Bench' }).returning();
    const password = randomBytes(12).toString('base64url');
    const admin = await createLocalUser(h.db, { email: 'bench-admin@example.com', password, globalRole: 'ops_admin' });
    const ds = await createLocalUser(h.db, { email: 'bench-ds@example.com', password, globalRole: null });
    await h.db.insert(memberships).values({ workspaceId: w.id, userId: ds.id });
    const expires = new Date(Date.now() + 86_400_000);
    return {
      password,
      dsEmail: 'bench-ds@example.com',
      adminToken: (await issueToken(h.db, admin.id, 'bench', expires)).token,
      dsToken: (await issueToken(h.db, ds.id, 'bench', expires)).token,
    };
  } finally {
    await h.close();
  }
}

function api(base: string, token: string) {
  return async (method: string, url: string, body?: unknown, contentType = 'application/json') => {
    const r = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: r.status, json: json as Record<string, unknown>, text };
  };
}

function expectStatus(r: { status: number; text: string }, ok: number[], what: string) {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
}

/** Registers the cluster, installs the extension, defines cpu-small and attaches the workspace; returns the namespace. */
async function attachCompute(base: string, adminToken: string, kubeconfig: string): Promise<string> {
  const call = api(base, adminToken);
  expectStatus(
    await call('POST', '/api/v1/clusters', { name: CLUSTER, kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig } }),
    [201],
    'register the cluster',
  );
  expectStatus(await call('PUT', `/api/v1/clusters/${CLUSTER}/extension`, { settings: { enableTraining: true } }), [202], 'install the extension');
  await waitFor(async () => (await call('GET', `/api/v1/clusters/${CLUSTER}/extension`)).json?.status === 'installed', { timeoutMs: 180_000, intervalMs: 500, what: 'the extension to be installed' });
  const form = { name: 'cpu-small', nodeSelector: [{ key: 'kubernetes.azure.com/agentpool', value: 'cpupool' }], cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi', gpu: '' };
  expectStatus(await call('POST', `/api/v1/clusters/${CLUSTER}/instance-types`, form), [200, 201], 'define instance type cpu-small');
  expectStatus(await call('POST', `/api/v1/workspaces/${WORKSPACE}/computes`, { name: TARGET, cluster: CLUSTER, defaultInstanceType: 'cpu-small' }), [201], 'attach the compute target');
  const t = await call('GET', `/api/v1/workspaces/${WORKSPACE}/computes/${TARGET}`);
  expectStatus(t, [200], 'read the compute target');
  return String(t.json.namespace);
}

/**
 * Installed in the page: records when each wanted job's row first shows Completed, and tells the bench. A string,
 * not a function: tsx (esbuild keepNames) would put a `__name` helper the page does not have into its source.
 */
const INSTALL_OBSERVER = `(() => {
  const b = (window.__hmBench = { want: new Set(), seen: {} });
  const scan = () => {
    if (!b.want.size) return;
    const t = Date.now();
    for (const el of document.querySelectorAll('[data-job-status="Completed"]')) {
      const row = el.closest('tr');
      if (!row) continue;
      for (const name of b.want) {
        if (![...row.querySelectorAll('div')].some((d) => d.textContent === name)) continue;
        b.want.delete(name);
        b.seen[name] = t;
        void window.__hmBenchSeen(name, t);
      }
    }
  };
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-job-status'] });
})()`;

/** Runs the live measurement; throws with a reason when something does not work. */
export async function benchLive({ jobs = 30, baselinePerJob = 2, gapMs = 0 }: { jobs?: number; baselinePerJob?: number; gapMs?: number } = {}): Promise<LiveResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bench-live-'));
  const dataDir = path.join(tmp, 'data');
  const clusterDir = path.join(tmp, 'cluster');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(clusterDir);
  const logFile = path.join(ROOT, 'test-results', 'bench-console.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.rmSync(logFile, { force: true });

  let consoleChild: ChildProcess | undefined;
  let clusterStarted = false;
  let browser: Browser | undefined;
  const aborts: AbortController[] = [];
  try {
    ensureBuild('.next-e2e');
    const seeded = await seed(dataDir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    log('bench', `starting a local cluster (testbed profile test) and the console on ${base} (log: ${path.relative(ROOT, logFile)})`);
    const env = { HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_LOG_LEVEL: 'warn', HARBORMASTER_DEMO: 'false', HARBORMASTER_ADMIN_EMAIL: '', HARBORMASTER_ADMIN_PASSWORD: '' };
    const [clusterInfo, child] = await Promise.allSettled([
      clusterUp({ profile: 'test', stateDir: clusterDir, quiet: true }).then((i: { kubeconfigPath: string }) => ((clusterStarted = true), i)),
      startConsole({ port, env, distDir: '.next-e2e', logFile, onLine: undefined }),
    ]);
    if (child.status === 'fulfilled') consoleChild = child.value;
    if (clusterInfo.status === 'rejected') {
      clusterStarted = true; // up() stops what it started on failure; down() on the state dir is harmless
      throw new Error(`the local cluster did not start: ${(clusterInfo.reason as Error).message}`);
    }
    if (child.status === 'rejected') throw child.reason;
    const kubeconfigPath = clusterInfo.value.kubeconfigPath;

    log('bench', 'registering the cluster, installing the extension, attaching a compute target');
    const namespace = await attachCompute(base, seeded.adminToken, fs.readFileSync(kubeconfigPath, 'utf8'));

    // Raw client-node watches in this process: the target namespace's Jobs, and a ConfigMap for the baseline.
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: BASELINE_NS } } });
    await core.createNamespacedConfigMap({ namespace: BASELINE_NS, body: { metadata: { name: BASELINE_CM, labels: { seq: '0' } } } });
    const watch = new Watch(kc);
    const jobComplete = new Map<string, number>(); // job name (label) → t_watch
    const jobWaiters = new Map<string, () => void>();
    let watchError: unknown;
    aborts.push(
      await watch.watch(
        `/apis/batch/v1/namespaces/${namespace}/jobs`,
        {},
        (_type, obj) => {
          const t = Date.now();
          const name = obj?.metadata?.labels?.['harbormaster.io/job'];
          if (!name || jobComplete.has(name)) return;
          const done = (obj.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True');
          if (!done) return;
          jobComplete.set(name, t);
          jobWaiters.get(name)?.();
        },
        (err) => (watchError = err ?? new Error('the raw Job watch ended')),
      ),
    );
    const cmSeen = new Map<string, bigint>(); // label value → arrival
    const cmWaiters = new Map<string, () => void>();
    aborts.push(
      await watch.watch(
        `/api/v1/namespaces/${BASELINE_NS}/configmaps`,
        { fieldSelector: `metadata.name=${BASELINE_CM}` },
        (_type, obj) => {
          const t = process.hrtime.bigint();
          const seq = obj?.metadata?.labels?.seq;
          if (seq && !cmSeen.has(seq)) {
            cmSeen.set(seq, t);
            cmWaiters.get(seq)?.();
          }
        },
        (err) => (watchError = err ?? new Error('the raw ConfigMap watch ended')),
      ),
    );
    const until = (ready: () => boolean, waiters: Map<string, () => void>, key: string, what: string) =>
      new Promise<void>((resolve, reject) => {
        if (ready()) return resolve();
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}${watchError ? ` (watch: ${(watchError as Error).message})` : ''}`)), JOB_TIMEOUT_MS);
        waiters.set(key, () => {
          clearTimeout(t);
          waiters.delete(key);
          resolve();
        });
      });

    let seq = 0;
    const baseline: number[] = [];
    const sampleWatch = async () => {
      const key = String(++seq);
      const arrived = until(() => cmSeen.has(key), cmWaiters, key, `the ConfigMap watch event ${key}`);
      const t0 = process.hrtime.bigint();
      await core.patchNamespacedConfigMap({ namespace: BASELINE_NS, name: BASELINE_CM, body: { metadata: { labels: { seq: key } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await arrived;
      baseline.push(Number(cmSeen.get(key)! - t0) / 1e6);
    };
    for (let i = 0; i < 3; i++) await sampleWatch(); // warm the connection
    baseline.length = 0;

    // Chromium: the data scientist signs in and opens the jobs page.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const pageSeen = new Map<string, number>();
    const pageWaiters = new Map<string, () => void>();
    await page.exposeFunction('__hmBenchSeen', (name: string, t: number) => {
      pageSeen.set(name, t);
      pageWaiters.get(name)?.();
    });
    await page.goto('/login');
    await page.getByLabel('Email').fill(seeded.dsEmail);
    await page.getByLabel('Password').fill(seeded.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
    await page.goto(`/w/${WORKSPACE}/jobs`);
    await page.getByRole('status').filter({ hasText: /^live$/ }).waitFor({ timeout: 30_000 });
    await page.evaluate(INSTALL_OBSERVER);

    const submit = api(base, seeded.dsToken);
    const runId = randomBytes(3).toString('hex');
    const added: number[] = [];
    let warmup = NaN;
    log('bench', `live: 1 warm-up job + ${jobs} jobs, one at a time (each ≈ 2–4 s in the testbed)${gapMs ? `, ${gapMs} ms apart` : ''}`);
    for (let i = 0; i <= jobs; i++) {
      if (gapMs && i) await new Promise((r) => setTimeout(r, gapMs));
      for (let k = 0; k < baselinePerJob; k++) await sampleWatch();
      const name = `bench-${runId}-${String(i).padStart(3, '0')}`;
      await page.evaluate(`window.__hmBench.want.add(${JSON.stringify(name)})`);
      const onWatch = until(() => jobComplete.has(name), jobWaiters, name, `job ${name} to complete on the raw watch`);
      const onPage = until(() => pageSeen.has(name), pageWaiters, name, `job ${name} to show Completed on the page`);
      const yaml = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
name: ${name}
display_name: bench live ${i}
experiment_name: bench
command: echo bench
environment:
  image: busybox:1.36
compute: azureml:${TARGET}
`;
      expectStatus(await submit('POST', `/api/v1/workspaces/${WORKSPACE}/jobs`, yaml, 'application/yaml'), [201], `submit job ${name}`);
      await Promise.all([onWatch, onPage]);
      const d = pageSeen.get(name)! - jobComplete.get(name)!;
      if (i === 0) warmup = d;
      else added.push(d);
    }

    const b50 = percentile(baseline, 0.5);
    const b95 = percentile(baseline, 0.95);
    const a50 = percentile(added, 0.5);
    const a95 = percentile(added, 0.95);
    const fmt = (x: number) => `${x.toFixed(1)} ms`;
    return {
      rows: [
        ['live: change → open page, p50', b50 + a50, b50],
        ['live: change → open page, p95', b95 + a95, b95],
      ],
      lines: [
        `live: console's added latency (Job Complete=True on a raw watch → its row shows Completed in Chromium), n=${added.length}${gapMs ? `, ${gapMs} ms between jobs` : ''}: p50 ${fmt(a50)}, p95 ${fmt(a95)}, min ${fmt(Math.min(...added))}, max ${fmt(Math.max(...added))} (warm-up job, not counted: ${fmt(warmup)})`,
        `live: raw client-node watch (ConfigMap PATCH → watch event), n=${baseline.length}: p50 ${fmt(b50)}, p95 ${fmt(b95)}`,
        `live: change → open page ≈ raw watch + added: p50 ${fmt(b50 + a50)}, p95 ${fmt(b95 + a95)} (DESIGN §7 budget: p95 < 200 ms)`,
      ],
    };
  } finally {
    for (const a of aborts) a.abort();
    await browser?.close().catch(() => undefined);
    if (consoleChild) await stopChild(consoleChild);
    if (clusterStarted) await clusterDown({ stateDir: clusterDir, quiet: true }).catch((e: Error) => log('bench', `stopping the cluster: ${e.message}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

