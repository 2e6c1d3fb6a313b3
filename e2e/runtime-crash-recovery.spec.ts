import { expect, test } from '@playwright/test';
import {
  call,
  Cleanup,
  commandJobYaml,
  deleteNamespace,
  kubeconfigPath,
  kubeJobsOf,
  needRealPart,
  registerClusterAndCompute,
  removeDir,
  seedDatabase,
  startExtraConsole,
  suffix,
  tempDir,
  waitUntil,
} from './process-fixture';

// Effects after commit (DESIGN §3): a console that dies between the commit of a job submit and the creation of
// its Kubernetes Job loses nothing. A console of its own (embedded database in a throw-away data directory)
// runs with HARBORMASTER_TEST_CRASH_AFTER_COMMIT=jobs.submit: the submit's connection fails and the process
// dies by SIGKILL, with no Job on the cluster yet. A console started again on the same directory, without the
// switch, finishes the pending intent: exactly one Kubernetes Job, one job record that leaves NotStarted and
// reaches Completed, and exactly one successful jobs.submit in the audit log.

const cleanup = new Cleanup();
test.afterEach(() => cleanup.run());

test('a console killed between the commit of a job submit and its apply: the next start creates the Job exactly once', async () => {
  test.setTimeout(180_000);
  needRealPart(kubeconfigPath ? '' : 'no local Kubernetes cluster (HM_E2E_KUBECONFIG is not set)');

  const id = suffix();
  const cluster = `crash-${id}`;
  const compute = `crash-${id}`;
  const namespace = `hm-e2e-crash-${id}`;
  const job = `crash-job-${id}`;
  const dataDir = tempDir('hm-e2e-crash-');
  cleanup.defer(`remove ${dataDir}`, () => removeDir(dataDir));
  const tokens = seedDatabase({ dataDir });

  // 1. A console that kills itself right after a job submit commits.
  cleanup.defer(`delete namespace ${namespace}`, () => deleteNamespace(namespace));
  const first = await startExtraConsole(`crash-${id}-1`, { HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_TEST_CRASH_AFTER_COMMIT: 'jobs.submit' }, cleanup);
  await registerClusterAndCompute(first.url, tokens.admin, { cluster, workspace: 'vision', compute, namespace });

  const submit = await fetch(`${first.url}/api/v1/workspaces/vision/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.dataScientist}`, 'content-type': 'application/yaml' },
    body: commandJobYaml(job, compute),
    signal: AbortSignal.timeout(30_000),
  }).then(
    async (r) => `answered ${r.status}: ${await r.text()}`,
    (e: Error) => e,
  );
  expect(submit, 'the submit request must fail with the connection (the process dies before answering)').toBeInstanceOf(Error);
  const ended = await Promise.race([first.exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  expect(ended, `console ${first.name} should have exited (log: ${first.logFile})`).not.toBeNull();
  expect(ended!.signal, `exit of console ${first.name}`).toBe('SIGKILL');
  // Killed before its intent ran: nothing on the cluster yet.
  expect(kubeJobsOf(namespace, job), 'Kubernetes Jobs before the restart').toEqual([]);

  // 2. The same data directory, without the switch: the pending intent is finished.
  const second = await startExtraConsole(`crash-${id}-2`, { HARBORMASTER_DATA_DIR: dataDir }, cleanup);
  const t0 = Date.now();
  const created = await waitUntil(() => (kubeJobsOf(namespace, job).length ? kubeJobsOf(namespace, job) : undefined), {
    timeoutMs: 30_000,
    what: `the Kubernetes Job of ${job} after the restart (log: ${second.logFile})`,
    intervalMs: 300,
  });
  console.log(`[crash] Kubernetes Job ${created.join(', ')} exists ${Date.now() - t0} ms after the second console became ready`);

  const ds = (url: string) => call(second.url, tokens.dataScientist, 'GET', url);
  const statuses: string[] = [];
  const final = await waitUntil(
    async () => {
      const r = await ds(`/api/v1/workspaces/vision/jobs/${job}`);
      if (r.status !== 200) throw new Error(`GET job: ${r.status} ${r.text}`);
      if (statuses[statuses.length - 1] !== r.body.status) statuses.push(r.body.status);
      return r.body.status === 'Completed' ? r.body : undefined;
    },
    { timeoutMs: 60_000, what: `job ${job} to reach Completed`, detail: () => `statuses seen: ${statuses.join(' → ')} (log: ${second.logFile})` },
  );
  expect(final.status).toBe('Completed');
  const transitions = final.transitions as { status: string; message: string | null; at: string }[];
  const timeline = transitions.map((t) => t.status);
  console.log(`[crash] ${job}: ${transitions.map((t) => `${t.at.slice(11, 23)} ${t.status}${t.message ? ` (${t.message})` : ''}`).join(' → ')}`);
  expect(timeline, 'recorded transitions').toContain('Queued');
  expect(timeline[timeline.length - 1]).toBe('Completed');

  // Exactly once: one Kubernetes Job, one record, one successful audited submit.
  expect(kubeJobsOf(namespace, job)).toHaveLength(1);
  const list = await ds('/api/v1/workspaces/vision/jobs?limit=200');
  expect(list.status, list.text).toBe(200);
  const records = (list.body.items as { name: string; status: string }[]).filter((j) => j.name === job);
  expect(records, 'job records with this name').toHaveLength(1);
  expect(records[0].status).toBe('Completed');

  const audit = await call(second.url, tokens.auditor, 'GET', `/api/v1/audit/events?action=jobs.submit&q=${encodeURIComponent(job)}&limit=500`);
  expect(audit.status, audit.text).toBe(200);
  const events = (audit.body.items as { targetName: string | null; outcome: string; actor: string | null; message: string | null }[]).filter((e) => e.targetName === job);
  expect(
    events.map((e) => ({ outcome: e.outcome, actor: e.actor })),
    'audited jobs.submit events of this job',
  ).toEqual([{ outcome: 'success', actor: 'e2e-dana@example.com' }]);
});
