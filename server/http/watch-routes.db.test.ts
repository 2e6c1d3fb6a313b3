// The three watch routes as a client sees them, on a real database: authorized like their GET before any
// stream starts, text/event-stream with the list's items as ADDED first, then each notice on the live bus
// re-read and sent (MODIFIED, DELETED). The cluster is registered at an address where nothing listens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { call, createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { openWatch } from '@/test/watch-stream';
import { clusterExtensions, clusters, jobs, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { publish } from '../live/bus';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import * as extensionRoute from '@/app/api/v1/clusters/[cluster]/extension/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-watch-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_REQUEST_WAIT_MS ??= '300'; // its cluster never answers: requests stop waiting for it sooner
resetEnvCache();

let cast: Cast;
let visionId: string;
beforeAll(async () => {
  cast = await createCast();
  const kubeconfig = unreachableKubeconfig();
  const r = await call(clustersRoute.POST, {
    token: cast.users.admin.token,
    body: { name: 'lab', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'kubeconfig', kubeconfig }, allowUnreachable: true },
  });
  expect(r.status, r.text).toBe(201);
  [{ id: visionId }] = await cast.db.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, 'vision'));
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function insertJob(name: string, status = 'Queued', statusMessage: string | null = null) {
  const [row] = await cast.db.db
    .insert(jobs)
    .values({ workspaceId: visionId, name, type: 'command', computeName: 'gpu', clusterName: 'lab', namespace: 'vision-ml', instanceType: 'gpu-1', spec: {}, status, statusMessage, createdBy: cast.users.dsVision.user.id })
    .returning();
  return row;
}

describe('GET /workspaces/{ws}/jobs?watch=true', () => {
  it('refuses like the list: a malformed watch, someone else’s workspace, a workspace that does not exist', async () => {
    const bad = await call(jobsRoute.GET as never, { path: '/api/v1/workspaces/vision/jobs?watch=yes', token: cast.users.dsVision.token, params: { workspace: 'vision' } });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(/watch: must be true or false/);
    const other = await call(jobsRoute.GET as never, { path: '/api/v1/workspaces/vision/jobs?watch=true', token: cast.users.dsForecasting.token, params: { workspace: 'vision' } });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    const missing = await call(jobsRoute.GET as never, { path: '/api/v1/workspaces/nope/jobs?watch=true', token: cast.users.admin.token, params: { workspace: 'nope' } });
    expect(missing.status).toBe(404);
    const anon = await call(jobsRoute.GET as never, { path: '/api/v1/workspaces/vision/jobs?watch=true', params: { workspace: 'vision' } });
    expect(anon.status).toBe(401);
  });

  it('sends the list as ADDED, then each job that changes: a submission, a status, a removal', async () => {
    const a = await insertJob('watch-a', 'Running');
    const w = await openWatch(jobsRoute.GET as never, '/api/v1/workspaces/vision/jobs?watch=true&limit=10', cast.users.dsVision.token, { workspace: 'vision' });
    try {
      expect(w.res.status).toBe(200);
      expect(w.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(w.res.headers.get('cache-control')).toContain('no-transform');
      expect(w.res.headers.get('x-request-id')).toBeTruthy();
      await w.until(() => w.events.length >= 1);
      expect(w.text().startsWith(': connected')).toBe(true);
      expect(w.events[0]).toMatchObject({ id: '1', type: 'ADDED', object: { uid: a.id, name: 'watch-a', status: 'Running', createdBy: 'dana@example.com' } });

      const b = await insertJob('watch-b');
      publish('jobs:vision', 'watch-b');
      await w.until(() => w.events.some((e) => e.object.name === 'watch-b'));
      expect(w.events.at(-1)).toMatchObject({ type: 'ADDED', object: { uid: b.id, status: 'Queued', statusMessage: null } });

      await cast.db.db.update(jobs).set({ status: 'Completed', statusMessage: 'exit code 0' }).where(eq(jobs.id, b.id));
      publish('jobs:vision', 'watch-b');
      publish('jobs:vision', 'watch-b'); // a burst for one key is read once, an unchanged item not sent again
      await w.until(() => w.events.some((e) => e.type === 'MODIFIED'));
      await new Promise((r) => setTimeout(r, 100));
      expect(w.events.filter((e) => e.type === 'MODIFIED')).toEqual([expect.objectContaining({ object: expect.objectContaining({ uid: b.id, status: 'Completed', statusMessage: 'exit code 0' }) })]);

      // Other workspaces' notices do not reach this stream.
      publish('jobs:forecasting', 'watch-a');
      await cast.db.db.delete(jobs).where(and(eq(jobs.workspaceId, visionId), eq(jobs.name, 'watch-a')));
      publish('jobs:vision', 'watch-a');
      await w.until(() => w.events.some((e) => e.type === 'DELETED'));
      expect(w.events.at(-1)).toMatchObject({ type: 'DELETED', object: { uid: a.id, name: 'watch-a' } });
      expect(w.events.map((e) => e.id)).toEqual(w.events.map((_, i) => String(i + 1)));
    } finally {
      await w.stop();
    }
  });

  it('re-sends everything as ADDED on a new connection (a reconnect is a full re-sync)', async () => {
    const w = await openWatch(jobsRoute.GET as never, '/api/v1/workspaces/vision/jobs?watch=true', cast.users.admin.token, { workspace: 'vision' });
    try {
      await w.until(() => w.events.length >= 1);
      expect(w.events.every((e) => e.type === 'ADDED')).toBe(true);
      expect(w.events.map((e) => e.object.name)).toContain('watch-b');
    } finally {
      await w.stop();
    }
  });
});

describe('GET /clusters?watch=true', () => {
  it('is for those who may read clusters, and lists them by name with their reachability', async () => {
    expect((await call(clustersRoute.GET as never, { path: '/api/v1/clusters?watch=true' })).status).toBe(401);
    const w = await openWatch(clustersRoute.GET as never, '/api/v1/clusters?watch=true', cast.users.auditor.token);
    try {
      expect(w.res.status).toBe(200);
      await w.until(() => w.events.length >= 1, 15_000);
      expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { name: 'lab', status: 'Unreachable' } });
      publish('clusters', 'no-such-cluster'); // a notice for a cluster that is not there sends nothing
      await new Promise((r) => setTimeout(r, 200));
      expect(w.events).toHaveLength(1);
    } finally {
      await w.stop();
    }
  });
});

describe('GET /clusters/{cluster}/extension?watch=true', () => {
  it('sends the extension as MODIFIED at once; 404 for a cluster that does not exist', async () => {
    const missing = await call(extensionRoute.GET as never, { path: '/api/v1/clusters/nope/extension?watch=true', token: cast.users.admin.token, params: { cluster: 'nope' } });
    expect(missing.status).toBe(404);
    const w = await openWatch(extensionRoute.GET as never, '/api/v1/clusters/lab/extension?watch=true', cast.users.admin.token, { cluster: 'lab' });
    try {
      expect(w.res.status).toBe(200);
      await w.until(() => w.events.length >= 1, 15_000);
      expect(w.events[0]).toMatchObject({ type: 'MODIFIED', object: { cluster: 'lab', status: 'notInstalled', steps: [] } });
      // A notice with nothing changed sends nothing.
      publish('extension:lab', 'lab');
      await new Promise((r) => setTimeout(r, 300));
      expect(w.events).toHaveLength(1);
      // The installer saves a step and publishes: the whole view follows at once.
      const [row] = await cast.db.db.select({ id: clusters.id }).from(clusters).where(eq(clusters.name, 'lab'));
      const now = new Date();
      await cast.db.db.insert(clusterExtensions).values({
        clusterId: row.id, status: 'installing', operation: 'install', startedAt: now, heartbeatAt: now,
        steps: [{ key: 'namespace', title: 'Namespace azureml', status: 'running' }],
      });
      publish('extension:lab', 'lab');
      await w.until(() => w.events.length >= 2, 2000);
      expect(w.events[1]).toMatchObject({ type: 'MODIFIED', object: { status: 'installing', steps: [{ key: 'namespace', status: 'running' }] } });
    } finally {
      await w.stop();
    }
  });
});
