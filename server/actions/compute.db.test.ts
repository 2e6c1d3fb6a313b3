// Compute targets and instance types through the REST API without a reachable cluster: permissions, 404s that
// do not leak other workspaces, validation before any cluster call, and precise errors when the cluster
// cannot be reached (nothing is written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createCast, call, type Cast } from '@/test/fixtures';
import { eq } from 'drizzle-orm';
import { computeTargets, workspaces } from '../db/schema';
import { runAction } from './run';
import { clusterAttachments, getClusterRow } from '../services/clusters';
import { dropAllClusterCaches } from '../kube/cache';
import * as computes from '@/app/api/v1/workspaces/[workspace]/computes/route';
import * as compute from '@/app/api/v1/workspaces/[workspace]/computes/[name]/route';
import * as computeTypes from '@/app/api/v1/workspaces/[workspace]/computes/[name]/instance-types/route';
import * as itList from '@/app/api/v1/clusters/[cluster]/instance-types/route';
import * as itOne from '@/app/api/v1/clusters/[cluster]/instance-types/[name]/route';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 7).toString('base64');

const kubeconfig = YAML.stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'down', cluster: { server: 'https://127.0.0.1:1' } }],
  users: [{ name: 'u', user: { token: 'not-used-0123456789' } }],
  contexts: [{ name: 'down', context: { cluster: 'down', user: 'u' } }],
  'current-context': 'down',
});

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
  await runAction('clusters.register', { name: 'down', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'kubeconfig', kubeconfig }, allowUnreachable: true }, cast.caller('admin'));
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
});

describe('compute targets API without a reachable cluster', () => {
  it('lists an empty workspace for members, ops admins and auditors; 404 for other workspaces', async () => {
    for (const who of ['admin', 'auditor', 'dsVision'] as const) {
      const r = await call(computes.GET, { token: cast.users[who].token, params: { workspace: 'vision' } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ items: [], errors: [] });
    }
    const other = await call(computes.GET, { token: cast.users.dsVision.token, params: { workspace: 'forecasting' } });
    expect(other.status).toBe(404);
    expect(other.json.detail).toBe('workspace forecasting not found');
    expect((await call(computes.GET, { token: cast.users.admin.token, params: { workspace: 'nope' } })).status).toBe(404);
    expect((await call(compute.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'none' } })).status).toBe(404);
    expect((await call(computeTypes.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'none' } })).status).toBe(404);
  });

  it('refuses attach to data scientists and auditors (403) before anything else', async () => {
    for (const who of ['dsVision', 'auditor'] as const) {
      const r = await call(computes.POST, { method: 'POST', token: cast.users[who].token, params: { workspace: 'vision' }, body: { name: 'gpu', cluster: 'down' } });
      expect(r.status).toBe(403);
    }
  });

  it('validates the input first, then says the cluster cannot be read — and writes nothing', async () => {
    const bad = await call(computes.POST, { method: 'POST', token: cast.users.admin.token, params: { workspace: 'vision' }, body: { name: 'x', cluster: 'down', quota: { memory: '2 GB' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'quota.memory']);
    const down = await call(computes.POST, { method: 'POST', token: cast.users.admin.token, params: { workspace: 'vision' }, body: { name: 'gpu', cluster: 'down' } });
    expect(down.status).toBe(503);
    expect(down.json.detail).toMatch(/cluster down cannot be read right now \(connection refused/);
    const noCluster = await call(computes.POST, { method: 'POST', token: cast.users.admin.token, params: { workspace: 'vision' }, body: { name: 'gpu', cluster: 'ghost' } });
    expect(noCluster.status).toBe(400);
    expect(noCluster.json.errors).toEqual([{ path: 'cluster', message: 'no cluster "ghost"' }]);
    expect(await cast.db.db.select().from(computeTargets)).toEqual([]);
  });

  it('still lists a target whose cluster is down, with the cluster in errors, and counts it as attached to the cluster', async () => {
    const row = await getClusterRow(cast.db.db, 'down');
    const [ws] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'forecasting'));
    await cast.db.db.insert(computeTargets).values({ workspaceId: ws.id, name: 'edge', clusterId: row.id, namespace: 'forecasting-edge', quota: { cpu: '4' } });
    const r = await call(computes.GET, { token: cast.users.dsForecasting.token, params: { workspace: 'forecasting' } });
    expect(r.status).toBe(200);
    expect(r.json.items).toEqual([expect.objectContaining({ name: 'edge', cluster: 'down', location: 'on-prem', namespace: 'forecasting-edge', quota: { cpu: '4' }, quotaAmounts: { cpu: 4, memory: null, gpu: null, pods: null }, usage: null, health: expect.objectContaining({ status: 'Unreachable' }) })]);
    expect(r.json.errors).toEqual([{ source: 'down', message: expect.stringMatching(/connection refused/) }]);
    expect(await clusterAttachments(cast.db.db, row.id)).toEqual([{ workspace: 'forecasting', name: 'edge', namespace: 'forecasting-edge' }]);
    const remove = (await runAction('clusters.remove', { name: 'down' }, cast.caller('admin')).catch((e: Error) => e)) as Error;
    expect(remove.message).toMatch(/has 1 compute target\(s\) attached: forecasting\/edge/);
    // Detaching needs the cluster to check for running work; force removes the registration alone.
    const refused = await call(compute.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { workspace: 'forecasting', name: 'edge' } });
    expect(refused.status).toBe(503);
    expect(refused.json.detail).toMatch(/detach with force: true/);
    const forced = await call(compute.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { workspace: 'forecasting', name: 'edge' }, path: '/api/v1/workspaces/forecasting/computes/edge?force=true' });
    expect(forced.status, forced.text).toBe(200);
    expect(forced.json.message).toMatch(/without touching cluster down/);
  });
});

describe('instance types API without a reachable cluster', () => {
  it('lists the implicit default with zero fit and a warning that says why', async () => {
    const r = await call(itList.GET, { token: cast.users.auditor.token, params: { cluster: 'down' } });
    expect(r.status).toBe(200);
    expect(r.json.items).toEqual([expect.objectContaining({ name: 'defaultinstancetype', implicit: true, fit: expect.objectContaining({ matchingNodes: 0, maxReplicas: 0, availableNow: 0 }) })]);
    expect(r.json.items[0].fit.warnings[0].message).toMatch(/Live capacity is unknown: .*connection refused/);
    expect(r.json.errors).toHaveLength(1);
    expect((await call(itList.GET, { token: cast.users.dsVision.token, params: { cluster: 'down' } })).status).toBe(403);
  });

  it('refuses invalid YAML documents before calling the cluster, naming item and field', async () => {
    const r = await call(itList.POST, {
      method: 'POST',
      token: cast.users.admin.token,
      params: { cluster: 'down' },
      rawBody: 'apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceTypeList\nitems:\n  - metadata: {name: ok}\n    spec: {resources: {requests: {cpu: "1", memory: "1Gi"}, limits: {cpu: "1", memory: "1Gi"}}}\n  - metadata: {name: bad}\n    spec: {resources: {requests: {cpu: "1", memory: "2 GB"}, limits: {cpu: "1", memory: "1Gi"}}}\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/^items\[1\] \(bad\): spec\.resources\.requests\.memory: "2 GB" is not a Kubernetes quantity.*nothing was applied/);
    expect(r.json.errors[0].path).toBe('items[1].spec.resources.requests.memory');
    const form = await call(itList.POST, { method: 'POST', token: cast.users.admin.token, params: { cluster: 'down' }, body: { name: 'x', cpuRequest: '2', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' } });
    expect(form.json.errors).toEqual([{ path: 'cpuRequest', message: 'must not be more than the CPU limit' }]);
    const down = await call(itList.POST, { method: 'POST', token: cast.users.admin.token, params: { cluster: 'down' }, body: { name: 'x', cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' } });
    expect(down.status).toBe(503);
    expect(down.json.detail).toMatch(/cluster down: .*connection refused/);
    expect((await call(itOne.DELETE, { method: 'DELETE', token: cast.users.auditor.token, params: { cluster: 'down', name: 'x' } })).status).toBe(403);
  });
});
