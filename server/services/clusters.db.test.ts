// Cluster registration through the REST API and the action pipeline, without a cluster: an API server
// address where nothing listens gives a precise, fast "connection refused".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import YAML from 'yaml';
import { createCast, call, type Cast } from '@/test/fixtures';
import { auditEvents, clusters, computeTargets, workspaces } from '../db/schema';
import * as listRoute from '@/app/api/v1/clusters/route';
import * as itemRoute from '@/app/api/v1/clusters/[cluster]/route';
import * as healthRoute from '@/app/api/v1/clusters/[cluster]/health/route';
import * as extensionRoute from '@/app/api/v1/clusters/[cluster]/extension/route';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 9).toString('base64');

const TOKEN = 'sekret-token-0123456789abcdef';
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64');

function kubeconfig(user: Record<string, unknown> = { token: TOKEN }) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'edge', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority-data': CA } }],
    users: [{ name: 'edge-admin', user }],
    contexts: [{ name: 'edge', context: { cluster: 'edge', user: 'edge-admin' } }],
    'current-context': 'edge',
  });
}

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

const register = (body: unknown, token = cast.users.admin.token) => call(listRoute.POST, { method: 'POST', path: '/api/v1/clusters', token, body });

describe('registering a cluster', () => {
  it('refuses an unreachable cluster with the precise reason, on the kubeconfig field', async () => {
    const r = await register({ name: 'edge-lyon', kind: 'kubernetes', location: 'edge', region: 'lyon', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig() } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(/cannot be reached: connection refused by the API server https:\/\/127.0.0.1:1.*\[connection_refused\]/);
    expect(r.json.errors).toEqual([{ path: 'connection.kubeconfig', message: expect.stringMatching(/^connection refused: /) }]);
    expect(await cast.db.db.select().from(clusters)).toHaveLength(0);
  });

  it('a dry run runs the checks (before the transaction) and answers, recording nothing', async () => {
    const before = await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'clusters.register'));
    const r = await call(listRoute.POST, { method: 'POST', path: '/api/v1/clusters?dryRun=true', token: cast.users.admin.token, body: { name: 'edge-dry', kind: 'kubernetes', location: 'edge', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig() }, allowUnreachable: true } });
    expect(r.status, r.text).toBeLessThan(300);
    expect(r.json).toMatchObject({ dryRun: true, result: { cluster: { name: 'edge-dry' }, checks: { reachable: false, error: { reason: 'connection_refused' } } } });
    expect(await cast.db.db.select().from(clusters)).toHaveLength(0);
    expect(await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'clusters.register'))).toHaveLength(before.length);
  });

  it('refuses kubeconfigs that would run programs or read files on the server', async () => {
    const r = await register({ name: 'edge-lyon', kind: 'kubernetes', location: 'edge', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig({ exec: { command: '/bin/sh', args: ['-c', 'id'] } }) }, allowUnreachable: true });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatchObject({ path: 'connection.kubeconfig', message: expect.stringMatching(/exec plugin/) });
  });

  it('saves an unreachable cluster when asked, stores the credentials encrypted and never returns them', async () => {
    const r = await register({ name: 'edge-lyon', displayName: 'Lyon line 3', kind: 'kubernetes', location: 'edge', region: 'lyon', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig() }, allowUnreachable: true });
    expect(r.status).toBe(201);
    expect(r.json.cluster).toMatchObject({ name: 'edge-lyon', displayName: 'Lyon line 3', connection: { mode: 'kubeconfig', context: 'edge', server: 'https://127.0.0.1:1', authMethod: 'token' } });
    expect(r.json.checks).toMatchObject({ reachable: false, error: { reason: 'connection_refused' } });

    const [row] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'edge-lyon'));
    expect(row.credentialsEnc).toMatch(/^v1:/);
    expect(row.credentialsEnc).not.toContain(TOKEN);

    const list = await call(listRoute.GET, { token: cast.users.auditor.token, path: '/api/v1/clusters' });
    const detail = await call(itemRoute.GET, { token: cast.users.auditor.token, path: '/api/v1/clusters/edge-lyon', params: { cluster: 'edge-lyon' } });
    const [audit] = await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, 'clusters.register')).orderBy(desc(auditEvents.id)).limit(1);
    for (const text of [r.text, list.text, detail.text, JSON.stringify(audit)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/"kubeconfig":|"token":|"keyPem":|"client-key-data":|"certificate-authority-data":|credentialsEnc|LS0tLS1CRUdJTi/);
    }
    expect(list.status).toBe(200);
    expect(list.json.items).toEqual([expect.objectContaining({ name: 'edge-lyon', status: 'Unreachable', reasonCode: 'connection_refused', statusReason: 'connection refused' })]);
    expect(list.json.errors).toEqual([{ source: 'edge-lyon', message: 'connection refused' }]);
    expect(detail.json).toMatchObject({ name: 'edge-lyon', status: 'Unreachable', location: 'edge', region: 'lyon' });
  });

  it('health lists every check, the unreachable one with its reason and the rest as not run', async () => {
    const r = await call(healthRoute.GET, { token: cast.users.auditor.token, path: '/api/v1/clusters/edge-lyon/health', params: { cluster: 'edge-lyon' } });
    expect(r.status).toBe(200);
    expect(r.json.checks).toHaveLength(14);
    expect(r.json.checks[0]).toMatchObject({ code: 'api_unreachable', status: 'error', detail: expect.stringMatching(/^connection refused: /), fix: expect.any(String) });
    expect(r.json.checks.find((c: { code: string }) => c.code === 'node_not_ready')).toMatchObject({ status: 'warning', skipped: true });
  });

  it('answers the extension of an unreachable cluster from what is stored, and refuses to install there', async () => {
    const get = await call(extensionRoute.GET, { token: cast.users.auditor.token, params: { cluster: 'edge-lyon' } });
    expect(get.json).toMatchObject({ cluster: 'edge-lyon', status: 'notInstalled', steps: [] });
    const put = await call(extensionRoute.PUT, { method: 'PUT', token: cast.users.admin.token, params: { cluster: 'edge-lyon' }, body: { settings: {} } });
    expect(put.status).toBe(503);
    expect(put.json.detail).toMatch(/cluster edge-lyon: connection refused.*\[connection_refused\]/);
  });

  it('keeps names unique and lets auditors read but not change', async () => {
    const dup = await register({ name: 'edge-lyon', kind: 'kubernetes', location: 'edge', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig() }, allowUnreachable: true });
    expect(dup.status).toBe(409);
    const denied = await register({ name: 'other', kind: 'kubernetes', location: 'edge', connection: { mode: 'kubeconfig', kubeconfig: kubeconfig() }, allowUnreachable: true }, cast.users.auditor.token);
    expect(denied.status).toBe(403);
    const ds = await call(listRoute.GET, { token: cast.users.dsVision.token });
    expect(ds.status).toBe(403);
    const patch = await call(itemRoute.PATCH, { method: 'PATCH', token: cast.users.admin.token, params: { cluster: 'edge-lyon' }, body: { displayName: 'Lyon, line 3', region: 'lyon-3' } });
    expect(patch.json).toMatchObject({ name: 'edge-lyon', displayName: 'Lyon, line 3', region: 'lyon-3' });
  });

  it('refuses to remove a cluster while compute targets are attached, naming them', async () => {
    const [row] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'edge-lyon'));
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'lyon-gpu', clusterId: row.id, namespace: 'vision-lyon' });
    const refused = await call(itemRoute.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { cluster: 'edge-lyon' } });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/1 compute target\(s\) attached: vision\/lyon-gpu/);
    await cast.db.db.delete(computeTargets).where(eq(computeTargets.clusterId, row.id));
    const ok = await call(itemRoute.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { cluster: 'edge-lyon' } });
    expect(ok.status).toBe(200);
    expect(ok.json.message).toMatch(/Nothing was changed on the cluster/);
    expect(await cast.db.db.select().from(clusters)).toHaveLength(0);
  });
});
