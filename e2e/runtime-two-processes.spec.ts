import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { startPostgres, type PostgresServer } from '../test/postgres';
import {
  call,
  Cleanup,
  commandJobYaml,
  deleteNamespace,
  kubeconfigPath,
  needRealPart,
  openWatch,
  registerClusterAndCompute,
  removeDir,
  seedDatabase,
  startExtraConsole,
  suffix,
  tempDir,
  waitUntil,
  type WatchEvent,
} from './process-fixture';

// Several replicas on one PostgreSQL (DESIGN §3 "Background work", "Live state"): two console processes of
// their own share a real PostgreSQL server. One of them leads (advisory lock) and runs the job status
// reconciler; a `?watch=true` stream opened on the other one still sees a job's status change to Completed
// (the leader's notices travel by NOTIFY/LISTEN). When the leader is killed (SIGKILL), the other process takes
// the lead within seconds and a second job's status changes flow on its stream to Completed.

const LEADER_LINE = /this process is the leader/;
const eventText = (e: WatchEvent) => `${e.type} ${e.object.status}${e.object.statusMessage ? ` (${String(e.object.statusMessage)})` : ''}`;

const cleanup = new Cleanup();
test.afterEach(() => cleanup.run());

test('two consoles on one PostgreSQL: job status reaches the non-leader\'s stream, and the survivor takes the lead when the leader dies', async () => {
  test.setTimeout(180_000);
  needRealPart(kubeconfigPath ? '' : 'no local Kubernetes cluster (HM_E2E_KUBECONFIG is not set)');
  let pg: PostgresServer | undefined;
  try {
    pg = await startPostgres();
  } catch (e) {
    needRealPart(`PostgreSQL cannot be started: ${(e as Error).message.split('\n')[0]}`);
  }
  const server = pg!;
  cleanup.defer('stop PostgreSQL', () => server.stop());

  const id = suffix();
  const cluster = `pair-${id}`;
  const compute = `pair-${id}`;
  const namespace = `hm-e2e-pair-${id}`;
  const dirs = [tempDir('hm-e2e-pair-a-'), tempDir('hm-e2e-pair-b-')];
  cleanup.defer('remove the data directories', () => dirs.forEach(removeDir));
  cleanup.defer(`delete namespace ${namespace}`, () => deleteNamespace(namespace));
  const tokens = seedDatabase({ url: server.url });
  const shared = { DATABASE_URL: server.url, HARBORMASTER_SECRET_KEY: randomBytes(32).toString('base64') };
  const a = await startExtraConsole(`pair-${id}-a`, { ...shared, HARBORMASTER_DATA_DIR: dirs[0] }, cleanup);
  const b = await startExtraConsole(`pair-${id}-b`, { ...shared, HARBORMASTER_DATA_DIR: dirs[1] }, cleanup);
  const consoles = [a, b];

  // Which one leads: the one whose log says so. Exactly one, and it stays so past a few retry periods (2 s).
  const leader = await waitUntil(() => consoles.find((c) => c.hasLog(LEADER_LINE)), { timeoutMs: 15_000, what: 'a leader among the two consoles' });
  const follower = leader === a ? b : a;
  await new Promise((r) => setTimeout(r, 5000));
  expect(follower.hasLog(LEADER_LINE), `only one leader (${leader.name} leads; ${follower.name} must not: ${follower.logFile})`).toBe(false);
  console.log(`[pair] ${leader.name} leads, ${follower.name} follows`);

  await registerClusterAndCompute(leader.url, tokens.admin, { cluster, workspace: 'vision', compute, namespace });

  // A stream on the process that does not lead; a job submitted through the leader.
  const watch = await openWatch(`${follower.url}/api/v1/workspaces/vision/jobs?watch=true`, tokens.dataScientist);
  cleanup.defer('close the stream', () => watch.close());
  const job1 = `pair-job1-${id}`;
  const r1 = await call(leader.url, tokens.dataScientist, 'POST', '/api/v1/workspaces/vision/jobs', commandJobYaml(job1, compute));
  expect(r1.status, r1.text).toBe(201);
  await watch.until(() => watch.of(job1).some((e) => e.type === 'MODIFIED' && e.object.status === 'Completed'), 60_000, `${job1} Completed on ${follower.name}'s stream`);
  const seen1 = watch.of(job1);
  console.log(`[pair] ${job1} on ${follower.name}'s stream: ${seen1.map(eventText).join(', ')}`);
  expect(seen1.filter((e) => e.type === 'MODIFIED').length, 'MODIFIED events').toBeGreaterThanOrEqual(1);
  expect(seen1.every((e) => e.type !== 'DELETED')).toBe(true);
  expect(follower.hasLog(LEADER_LINE), `${follower.name} still does not lead: its stream heard the leader's changes`).toBe(false);

  // The leader dies; the survivor takes the lead within seconds.
  const killedAt = Date.now();
  leader.child.kill('SIGKILL');
  expect((await leader.exited).signal).toBe('SIGKILL');
  await waitUntil(() => follower.hasLog(LEADER_LINE), { timeoutMs: 15_000, what: `${follower.name} to take the lead (log: ${follower.logFile})` });
  const tookOver = Date.now() - killedAt;
  console.log(`[pair] ${follower.name} leads ${tookOver} ms after ${leader.name} was killed`);
  expect(tookOver, 'time to take the lead').toBeLessThan(10_000);

  // A second job, through the survivor: its status changes still flow on a stream on the survivor.
  const job2 = `pair-job2-${id}`;
  const r2 = await call(follower.url, tokens.dataScientist, 'POST', '/api/v1/workspaces/vision/jobs', commandJobYaml(job2, compute));
  expect(r2.status, r2.text).toBe(201);
  await watch.until(() => watch.of(job2).some((e) => e.type === 'MODIFIED' && e.object.status === 'Completed'), 60_000, `${job2} Completed on ${follower.name}'s stream`);
  const seen2 = watch.of(job2);
  console.log(`[pair] ${job2} on ${follower.name}'s stream: ${seen2.map(eventText).join(', ')}`);
  expect(watch.ended, 'the stream stayed open').toBe(false);
  const detail = await call(follower.url, tokens.dataScientist, 'GET', `/api/v1/workspaces/vision/jobs/${job2}`);
  const timeline = (detail.body?.transitions ?? []) as { status: string; message: string | null; at: string }[];
  console.log(`[pair] ${job2} recorded (created ${detail.body?.createdAt}): ${timeline.map((t) => `${t.at.slice(11, 23)} ${t.status}`).join(' → ')}`);
});
