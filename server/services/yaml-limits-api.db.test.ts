// YAML alias and nesting bombs sent to the API as a client would (issue 18, "Denial of service by one request"):
// every route that reads user YAML answers a 400 naming the document and the cap (lib/yaml-limits.ts), and
// writes nothing. The cap is what is asserted — a count of nodes — not a time (`npm run bench` shows the time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { call, createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { aliasBomb, aliasBombNodes, nestingBomb } from '@/test/yaml-bombs';
import { YAML_MAX_DEPTH, YAML_MAX_NODES } from '@/lib/yaml-limits';
import { clusters, computeTargets, environments, jobs, modelVersions, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as modelsRoute from '@/app/api/v1/workspaces/[workspace]/models/route';
import * as envsRoute from '@/app/api/v1/workspaces/[workspace]/environments/route';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import * as itList from '@/app/api/v1/clusters/[cluster]/instance-types/route';
import * as itOne from '@/app/api/v1/clusters/[cluster]/instance-types/[name]/route';

process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
resetEnvCache();

const OVER = `more than ${YAML_MAX_NODES} YAML nodes after expanding aliases (a YAML alias bomb?)`;
/** Six levels of ten aliases (the 465-byte file): 10^7 scalars once expanded. */
const BOMB = aliasBomb(6);

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
  const r = await call(clustersRoute.POST, {
    token: cast.users.admin.token,
    body: { name: 'down', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'kubeconfig', kubeconfig: unreachableKubeconfig() }, allowUnreachable: true },
  });
  expect(r.status, r.text).toBe(201);
  const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
  const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'down'));
  await cast.db.db.insert(computeTargets).values({ workspaceId: vision.id, name: 'cpu-cluster', clusterId: cluster.id, namespace: 'vision-ml', defaultInstanceType: 'defaultinstancetype' });
});
afterAll(async () => {
  dropAllClusterCaches();
  await cast?.cleanup();
});

const yamlCall = (handler: unknown, path: string, text: string, params: Record<string, string>, opts: { method?: string; token?: string } = {}) =>
  call(handler as never, { method: opts.method ?? 'POST', path, token: opts.token ?? cast.users.dsVision.token, rawBody: text, headers: { 'content-type': 'application/yaml' }, params });

function expectRefused(r: { status: number; json: { detail?: string; errors?: Array<{ path: string; message: string }> } }, message: string) {
  expect(r.status, JSON.stringify(r.json)).toBe(400);
  expect(r.json.detail).toBe(message);
  expect(r.json.errors).toEqual([{ path: '(body)', message }]);
}

describe('job files', () => {
  const postJob = (text: string, dryRun = true) => yamlCall(jobsRoute.POST, `/api/v1/workspaces/vision/jobs${dryRun ? '?dryRun=true' : ''}`, text, { workspace: 'vision' });

  it('the issue’s alias bomb (dry run and real submit): 400 naming the job file and the node cap; nothing written', async () => {
    expect(Buffer.byteLength(BOMB)).toBeLessThan(600);
    expect(aliasBombNodes(6)).toBeGreaterThan(10_000_000);
    expectRefused(await postJob(BOMB), `job file: ${OVER}`);
    expectRefused(await postJob(BOMB, false), `job file: ${OVER}`);
    // A hundred levels (10^101 scalars) is refused the same way: the count stops at the cap.
    expectRefused(await postJob(aliasBomb(100)), `job file: ${OVER}`);
    expect(await cast.db.db.select().from(jobs)).toEqual([]);
  });

  it('the same file as the job part of a multipart submit', async () => {
    const form = new FormData();
    form.append('job', new Blob([BOMB], { type: 'application/yaml' }), 'job.yml');
    form.append('files', new Blob(['print(1)\n']), 'src/main.py');
    const mp = await call(jobsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/jobs?dryRun=true', token: cast.users.dsVision.token, formData: form, params: { workspace: 'vision' } });
    expectRefused(mp, `job file: ${OVER}`);
  });

  it('is counted, not guessed: under the cap the aliases are expanded and the file is judged on its fields', async () => {
    // Three levels of nine: 8,000-odd nodes once expanded, under the cap; four levels are over it.
    expect(aliasBombNodes(3, 9)).toBeLessThan(YAML_MAX_NODES);
    expect(aliasBombNodes(4, 9)).toBeGreaterThan(YAML_MAX_NODES);
    const under = await postJob(aliasBomb(3, 9));
    expect(under.status).toBe(400);
    expect(under.json.detail).not.toMatch(/YAML nodes/);
    expect(under.json.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining([expect.stringMatching(/^tags\.l\d/)]));
    expectRefused(await postJob(aliasBomb(4, 9)), `job file: ${OVER}`);
  });

  it('nesting bombs and self-referring aliases', async () => {
    expectRefused(await postJob(nestingBomb(100_000)), `job file: YAML nested more than ${YAML_MAX_DEPTH} levels deep`);
    expectRefused(await postJob('command: echo\ntags: &t {a: *t}\n'), 'job file: the alias *t refers to a node that contains it (it would expand forever)');
  });
});

describe('model files', () => {
  it('400 naming the model file; nothing registered', async () => {
    const bomb = aliasBomb(6, 10, 'name: bomb\npath: https://models.example.com/bomb/model.pkl\n');
    for (const dryRun of [true, false]) {
      expectRefused(await yamlCall(modelsRoute.POST, `/api/v1/workspaces/vision/models${dryRun ? '?dryRun=true' : ''}`, bomb, { workspace: 'vision' }), `model file: ${OVER}`);
    }
    expect(await cast.db.db.select().from(modelVersions)).toEqual([]);
  });
});

describe('instance types', () => {
  it('application/yaml bodies (POST and PUT) and JSON {yaml}: 400 naming the instance type YAML', async () => {
    const admin = cast.users.admin.token;
    expectRefused(await yamlCall(itList.POST, '/api/v1/clusters/down/instance-types?dryRun=true', BOMB, { cluster: 'down' }, { token: admin }), `instance type YAML: ${OVER}`);
    expectRefused(await yamlCall(itList.POST, '/api/v1/clusters/down/instance-types', BOMB, { cluster: 'down' }, { token: admin }), `instance type YAML: ${OVER}`);
    expectRefused(await yamlCall(itOne.PUT, '/api/v1/clusters/down/instance-types/x', BOMB, { cluster: 'down', name: 'x' }, { method: 'PUT', token: admin }), `instance type YAML: ${OVER}`);
    const json = await call(itList.POST, { method: 'POST', path: '/api/v1/clusters/down/instance-types', token: admin, params: { cluster: 'down' }, body: { yaml: BOMB } });
    expect(json.status).toBe(400);
    expect(json.json.detail).toContain(`instance type YAML: ${OVER}`);
    // Refused before the cluster is called: applying anything to this unreachable cluster would be a 503.
  });
});

describe('other YAML bodies', () => {
  it('kubeconfigs (in a JSON registration) and YAML cluster registrations', async () => {
    const admin = cast.users.admin.token;
    const kc = await call(clustersRoute.POST, { token: admin, body: { name: 'bomb', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'kubeconfig', kubeconfig: BOMB }, allowUnreachable: true } });
    expect(kc.status).toBe(400);
    expect(kc.json.detail).toBe(`kubeconfig: ${OVER}`);
    expectRefused(await yamlCall(clustersRoute.POST, '/api/v1/clusters', BOMB, {}, { token: admin }), `cluster YAML: ${OVER}`);
    expect((await cast.db.db.select().from(clusters)).map((c) => c.name)).toEqual(['down']);
  });

  it('environments', async () => {
    expectRefused(await yamlCall(envsRoute.POST, '/api/v1/workspaces/vision/environments', BOMB, { workspace: 'vision' }), `environment YAML: ${OVER}`);
    expect(await cast.db.db.select().from(environments)).toEqual([]);
  });
});
