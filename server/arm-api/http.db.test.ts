// The /arm/ front door as a client meets it (issue 19): ARM's paths (literal segments in any case, subscription and
// resource group echoed back), api-versions, error shape and status codes, the workspace and its computes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { resetEnvCache } from '../env';
import { clusters, computeTargets, workspaces } from '../db/schema';
import * as armRoute from '@/app/arm/[...path]/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-arm-http-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
resetEnvCache();

const WS = (ws = 'vision', sub = 'sub-1', rg = 'rg-1') => `/arm/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
const V = 'api-version=2023-08-01-preview';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
  const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
  const [c] = await cast.db.db
    .insert(clusters)
    .values({ name: 'nowhere', location: 'on-prem', region: 'lab-1', kind: 'kubernetes', connectionMode: 'inCluster' })
    .returning();
  await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'k8s-compute', clusterId: c.id, namespace: 'team-vision', serviceAccount: 'default', description: 'the lab cluster' });
});
afterAll(async () => {
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const get = (p: string, who: keyof Cast['users'] | null = 'dsVision', method = 'GET') =>
  call((armRoute as unknown as Record<string, Parameters<typeof call>[0]>)[method], { method, path: p, token: who ? cast.users[who].token : undefined });

describe('/arm/ front door', () => {
  it('answers the workspace with ARM ids built from the caller\'s own subscription and resource group, and a location', async () => {
    const r = await get(`${WS('vision', 'my-sub', 'my-rg')}?api-version=2024-10-01-preview`);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({
      id: '/subscriptions/my-sub/resourceGroups/my-rg/providers/Microsoft.MachineLearningServices/workspaces/vision',
      name: 'vision',
      type: 'Microsoft.MachineLearningServices/workspaces',
      location: expect.any(String),
      properties: { friendlyName: 'Vision', provisioningState: 'Succeeded' },
    });
    expect(r.headers.get('x-ms-request-id')).toBeTruthy();
  });

  it('matches ARM\'s literal path segments in any case', async () => {
    const r = await get(`/arm/SUBSCRIPTIONS/s/RESOURCEGROUPS/r/PROVIDERS/microsoft.machinelearningservices/WORKSPACES/vision?${V}`);
    expect(r.status, r.text).toBe(200);
  });

  it('lists computes as Kubernetes computes with namespace and instance types', async () => {
    const r = await get(`${WS()}/computes?${V}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.value).toHaveLength(1);
    expect(r.json.value[0]).toMatchObject({
      id: `${WS().replace('/arm', '')}/computes/k8s-compute`,
      name: 'k8s-compute',
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      properties: { computeType: 'Kubernetes', provisioningState: 'Succeeded', isAttachedCompute: true, description: 'the lab cluster', properties: { namespace: 'team-vision', defaultInstanceType: 'defaultinstancetype' } },
    });
    const one = await get(`${WS()}/computes/k8s-compute?${V}`);
    expect(one.json.name).toBe('k8s-compute');
  });

  it('refuses a missing or unknown api-version with ARM\'s codes', async () => {
    const none = await get(`${WS()}/computes`);
    expect(none.status).toBe(400);
    expect(none.json.error.code).toBe('MissingApiVersionParameter');
    const bad = await get(`${WS()}/computes?api-version=2019-01-01`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('InvalidApiVersionParameter');
    expect(bad.json.error.message).toContain("'2019-01-01'");
    expect(bad.json.error.message).toContain('2023-08-01-preview');
  });

  it('answers ResourceNotFound for a missing compute and for a workspace the caller cannot see', async () => {
    const missing = await get(`${WS()}/computes/none?${V}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'ResourceNotFound', message: expect.stringContaining('none') });
    const hidden = await get(`${WS('vision')}/computes?${V}`, 'dsForecasting');
    expect(hidden.status).toBe(404);
    expect(hidden.json.error.code).toBe('ResourceNotFound');
    expect(hidden.text).not.toContain('k8s-compute');
  });

  it('answers 401 AuthenticationFailed without a token, and for a token that is not Harbormaster\'s', async () => {
    const anon = await get(`${WS()}?${V}`, null);
    expect(anon.status).toBe(401);
    expect(anon.json.error.code).toBe('AuthenticationFailed');
    const wrong = await call(armRoute.GET as never, { path: `${WS()}?${V}`, token: 'eyJhbGciOi.not-ours' });
    expect(wrong.status).toBe(401);
  });

  it('names what it serves for an unknown resource type, and refuses an unsupported method', async () => {
    const r = await get(`${WS()}/datasets?${V}`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('InvalidResourceType');
    expect(r.json.error.message).toContain('computes');
    const outside = await get(`/arm/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/x?${V}`);
    expect(outside.status).toBe(404);
    expect(outside.json.error.code).toBe('InvalidResourceType');
    const del = await get(`${WS()}/computes/k8s-compute?${V}`, 'admin', 'DELETE');
    expect(del.status).toBe(400);
    expect(del.json.error.code).toBe('MethodNotAllowed');
  });
});
