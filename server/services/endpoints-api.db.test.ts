// The online endpoints API as a client sees it (issue 14), on a real database, with the compute targets on a
// cluster that cannot be reached (nothing listens at its address) but whose ML extension is recorded as
// installed with inference enabled: endpoints and deployments are recorded, their cluster effects (kube.plan,
// router.sync intents) stay pending and the request answers after a bounded wait (shortened here). Keys never
// appear outside list-keys; auditors read but change nothing; refusals name their field and leave nothing
// behind; traffic is validated against the deployments. Running against a real API server is covered by the
// k8s suite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { count, desc, eq, inArray } from 'drizzle-orm';
import YAML from 'yaml';
import { NextRequest } from 'next/server';
import { call, createCast, unreachableKubeconfig, type Cast } from '@/test/fixtures';
import { aliasBomb, nestingBomb } from '@/test/yaml-bombs';
import { auditEvents, clusterExtensions, codeAssets, clusters, computeTargets, intents, onlineDeployments, onlineEndpoints, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import { routerEndpoints } from './router-sync';
import { parseExtensionSettings } from '@/lib/extension/settings';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import * as modelsRoute from '@/app/api/v1/workspaces/[workspace]/models/route';
import * as modelVersionRoute from '@/app/api/v1/workspaces/[workspace]/models/[name]/versions/[version]/route';
import * as endpointsRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/route';
import * as endpointRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/route';
import * as listKeysRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/list-keys/route';
import * as regenerateRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/regenerate-keys/route';
import * as testRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/test/route';
import * as deploymentsRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/deployments/route';
import * as deploymentRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/deployments/[deployment]/route';

// A request waits for its own intents (10 s in production); the cluster never answers here, so shorten the wait.
vi.mock('@/server/runtime/intents', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/server/runtime/intents')>();
  return { ...m, carryOut: (db: Parameters<typeof m.carryOut>[0], ids: string[], opts: Parameters<typeof m.carryOut>[2] = {}) => m.carryOut(db, ids, { ...opts, waitMs: 200 }) };
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-endpoints-api-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
process.env.HARBORMASTER_REQUEST_WAIT_MS ??= '300'; // its cluster never answers: requests stop waiting for it sooner
resetEnvCache();

const FIXTURES = path.join(process.cwd(), 'test/fixtures/endpoints');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
  const r = await call(clustersRoute.POST, {
    token: cast.users.admin.token,
    body: { name: 'aks-test', kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig: unreachableKubeconfig() }, allowUnreachable: true },
  });
  expect(r.status, r.text).toBe(201);
  const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
  const [forecasting] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'forecasting'));
  const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'aks-test'));
  await cast.db.db.insert(computeTargets).values([
    { workspaceId: vision.id, name: 'k8s-inference', clusterId: cluster.id, namespace: 'vision-inference', defaultInstanceType: 'defaultinstancetype' },
    { workspaceId: vision.id, name: 'gpu-only', clusterId: cluster.id, namespace: 'vision-gpu', defaultInstanceType: 'gpu-1', allowedInstanceTypes: ['gpu-1'] },
    { workspaceId: forecasting.id, name: 'forecast-inference', clusterId: cluster.id, namespace: 'forecasting-inference', defaultInstanceType: 'defaultinstancetype' },
  ]);
  const settings = parseExtensionSettings({ enableTraining: true, enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true });
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  await cast.db.db.insert(clusterExtensions).values({ clusterId: cluster.id, status: 'installed', version: '1.0.0', settings: settings.value });
});
afterAll(async () => {
  stopLoop();
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// --- helpers --------------------------------------------------------------------------------------

type Who = keyof Cast['users'];
const tok = (who: Who = 'dsVision') => cast.users[who].token;
const base = (ws = 'vision') => `/api/v1/workspaces/${ws}/online-endpoints`;
type Body = { yaml?: string; json?: unknown; raw?: string; contentType?: string; form?: FormData };

async function send(handler: unknown, method: string, url: string, params: Record<string, string>, body: Body | undefined, who: Who, headers: Record<string, string> = {}) {
  if (body?.form) {
    const req = new NextRequest(`http://127.0.0.1${url}`, { method, headers: { authorization: `Bearer ${tok(who)}`, ...headers }, body: body.form });
    const res = await (handler as (r: NextRequest, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(req, { params: Promise.resolve(params) });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  const h = { ...headers };
  let rawBody: string | undefined;
  if (body?.yaml !== undefined) {
    rawBody = body.yaml;
    h['content-type'] = 'application/yaml';
  } else if (body?.json !== undefined) {
    rawBody = JSON.stringify(body.json);
    h['content-type'] = 'application/json';
  } else if (body?.raw !== undefined) {
    rawBody = body.raw;
    h['content-type'] = body.contentType ?? 'application/json';
  }
  return call(handler as never, { method, path: url, token: tok(who), params, rawBody, headers: h });
}

const createEndpoint = (body: Body, o: { who?: Who; ws?: string; query?: string; headers?: Record<string, string> } = {}) =>
  send(endpointsRoute.POST, 'POST', `${base(o.ws)}${o.query ?? ''}`, { workspace: o.ws ?? 'vision' }, body, o.who ?? 'dsVision', o.headers);
const listEndpoints = (who: Who = 'dsVision', ws = 'vision') => send(endpointsRoute.GET, 'GET', base(ws), { workspace: ws }, undefined, who);
const getEndpoint = (name: string, who: Who = 'dsVision') => send(endpointRoute.GET, 'GET', `${base()}/${name}`, { workspace: 'vision', name }, undefined, who);
const patchEndpoint = (name: string, json: unknown, who: Who = 'dsVision') => send(endpointRoute.PATCH, 'PATCH', `${base()}/${name}`, { workspace: 'vision', name }, { json }, who);
const putEndpoint = (name: string, body: Body, who: Who = 'dsVision') => send(endpointRoute.PUT, 'PUT', `${base()}/${name}`, { workspace: 'vision', name }, body, who);
const deleteEndpoint = (name: string, who: Who = 'dsVision') => send(endpointRoute.DELETE, 'DELETE', `${base()}/${name}`, { workspace: 'vision', name }, undefined, who);
const listKeys = (name: string, who: Who = 'dsVision') => send(listKeysRoute.POST, 'POST', `${base()}/${name}/list-keys`, { workspace: 'vision', name }, undefined, who);
const regenerate = (name: string, keyType: string, who: Who = 'dsVision') => send(regenerateRoute.POST, 'POST', `${base()}/${name}/regenerate-keys`, { workspace: 'vision', name }, { json: { keyType } }, who);
const testScore = (name: string, who: Who = 'dsVision') => send(testRoute.POST, 'POST', `${base()}/${name}/test`, { workspace: 'vision', name }, { json: { body: '{"data": [[1, 2]]}' } }, who);
const createDeployment = (endpoint: string, body: Body, o: { who?: Who; dryRun?: boolean } = {}) =>
  send(deploymentsRoute.POST, 'POST', `${base()}/${endpoint}/deployments${o.dryRun ? '?dryRun=true' : ''}`, { workspace: 'vision', name: endpoint }, body, o.who ?? 'dsVision');
const listDeployments = (endpoint: string, who: Who = 'dsVision') => send(deploymentsRoute.GET, 'GET', `${base()}/${endpoint}/deployments`, { workspace: 'vision', name: endpoint }, undefined, who);
const getDeployment = (endpoint: string, d: string, who: Who = 'dsVision') =>
  send(deploymentRoute.GET, 'GET', `${base()}/${endpoint}/deployments/${d}`, { workspace: 'vision', name: endpoint, deployment: d }, undefined, who);
const deleteDeployment = (endpoint: string, d: string, who: Who = 'dsVision') =>
  send(deploymentRoute.DELETE, 'DELETE', `${base()}/${endpoint}/deployments/${d}`, { workspace: 'vision', name: endpoint, deployment: d }, undefined, who);

/** The blue fixture with its scoring code folder, as `curl -F deployment=@blue-deployment.yml -F files=@…` sends it. */
function blueForm(text = fixture('blue-deployment.yml')) {
  const f = new FormData();
  f.append('deployment', new Blob([text], { type: 'application/yaml' }), 'blue-deployment.yml');
  f.append('files', new Blob(['def init():\n    pass\n\ndef run(raw):\n    return raw\n']), 'onlinescoring/score.py');
  return f;
}
/** The green fixture as JSON, its scoring code from git instead of a local folder. */
const greenJson = () => ({ ...YAML.parse(fixture('green-deployment.yml')), code_configuration: { code: 'git+https://github.com/example/scoring.git@v2', scoring_script: 'score.py' } });

const fieldsOf = (r: { json?: { errors?: Array<{ path: string }> } }) => (r.json?.errors ?? []).map((e) => e.path);
const rows = async (t: typeof onlineEndpoints | typeof onlineDeployments | typeof intents) => Number((await cast.db.db.select({ n: count() }).from(t))[0].n);
const auditCount = async () => Number((await cast.db.db.select({ n: count() }).from(auditEvents))[0].n);
const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
const auditOf = (actions: string[]) => cast.db.db.select().from(auditEvents).where(inArray(auditEvents.action, actions)).orderBy(desc(auditEvents.id));
const expect4xx = (r: { status: number; text: string }, what: string) => {
  expect(r.status, `${what}: ${r.text}`).toBeGreaterThanOrEqual(400);
  expect(r.status, `${what}: ${r.text}`).toBeLessThan(500);
};

let keys: { primaryKey: string; secondaryKey: string };
let createdText = '';

// --- endpoints ------------------------------------------------------------------------------------

describe('creating endpoints', () => {
  it('creates one from the Azure ML file: 201 with its name, target, traffic, scoring URI and state, never its keys', async () => {
    const r = await createEndpoint({ yaml: fixture('endpoint.yml') });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({
      name: 'my-endpoint',
      workspace: 'vision',
      computeTarget: 'k8s-inference',
      cluster: 'aks-test',
      authMode: 'key',
      description: 'sklearn regression, blue/green',
      tags: { tag1: 'endpoint-tag1-value' },
      traffic: {},
      deployments: [],
      createdBy: 'dana@example.com',
    });
    expect(r.json.scoringUri).toMatch(/\/api\/v1\/endpoint\/my-endpoint\/score$/);
    expect(['Creating', 'Succeeded']).toContain(r.json.provisioningState);
    expect(r.json).not.toHaveProperty('primaryKey');
    expect(r.json).not.toHaveProperty('keysEnc');
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.create', outcome: 'success', targetName: 'my-endpoint', workspace: 'vision', actorEmail: 'dana@example.com' });
    // The router sync is recorded as an intent; the cluster cannot be reached, so it stays pending (and said so).
    const pending = await cast.db.db.select().from(intents).where(eq(intents.kind, 'router.sync'));
    expect(pending.map((x) => x.status)).toContain('pending');
    expect(r.json.provisioningMessage).toMatch(/aks-test/);
    createdText = r.text;
  });

  it('creates one from JSON with the same fields', async () => {
    const r = await createEndpoint({ json: { name: 'json-endpoint', compute: 'azureml:k8s-inference', auth_mode: 'key', description: 'from JSON', tags: { team: 'vision' } } });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ name: 'json-endpoint', computeTarget: 'k8s-inference', traffic: {}, description: 'from JSON', tags: { team: 'vision' } });
    expect(r.json.scoringUri).toMatch(/json-endpoint\/score$/);
    expect(typeof r.json.provisioningState).toBe('string');
  });

  it('lists and gets endpoints without any key material; list-keys answers both keys to a data scientist', async () => {
    const k = await listKeys('my-endpoint');
    expect(k.status, k.text).toBe(200);
    expect(k.json).toEqual({ primaryKey: expect.any(String), secondaryKey: expect.any(String) });
    expect(k.json.primaryKey.length).toBeGreaterThanOrEqual(32);
    expect(k.json.primaryKey).not.toBe(k.json.secondaryKey);
    keys = k.json;
    for (const k of [keys.primaryKey, keys.secondaryKey]) expect(createdText).not.toContain(k);
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.listKeys', outcome: 'success', targetName: 'my-endpoint' });
    for (const who of ['dsVision', 'auditor', 'admin'] as const) {
      const list = await listEndpoints(who);
      expect(list.status, list.text).toBe(200);
      expect(list.json.items.map((e: { name: string }) => e.name)).toEqual(['json-endpoint', 'my-endpoint']);
      const one = await getEndpoint('my-endpoint', who);
      expect(one.status, one.text).toBe(200);
      for (const text of [list.text, one.text]) {
        expect(text).not.toContain(keys.primaryKey);
        expect(text).not.toContain(keys.secondaryKey);
        expect(text).not.toMatch(/keysEnc|primaryKey|secondaryKey/);
      }
    }
    // Another workspace's data scientist does not see vision's endpoints at all.
    expect((await listEndpoints('dsForecasting')).status).toBe(404);
  });

  it('regenerates only the secondary key when asked for it', async () => {
    const r = await regenerate('my-endpoint', 'secondary');
    expect(r.status, r.text).toBe(200);
    expect(r.text).not.toContain(keys.primaryKey);
    const after = (await listKeys('my-endpoint')).json;
    expect(after.primaryKey).toBe(keys.primaryKey);
    expect(after.secondaryKey).not.toBe(keys.secondaryKey);
    expect(r.text).not.toContain(after.secondaryKey);
    keys = after;
    const bad = await regenerate('my-endpoint', 'tertiary');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toContain('keyType');
    expect((await listKeys('my-endpoint')).json).toEqual(keys);
  });

  it('never answers keys without auditing the read: list-keys with ?dryRun=true reveals no key', async () => {
    const a = await auditCount();
    const r = await send(listKeysRoute.POST, 'POST', `${base()}/my-endpoint/list-keys?dryRun=true`, { workspace: 'vision', name: 'my-endpoint' }, undefined, 'dsVision');
    expect(r.status, r.text).toBe(200);
    // A dry run audits nothing, so it must not answer the keys either.
    expect(await auditCount()).toBe(a);
    expect(r.text).not.toContain(keys.primaryKey);
    expect(r.text).not.toContain(keys.secondaryKey);
  });

  it('sends a test request for a data scientist: an unreachable router is an answer, not an error; audited without the key', async () => {
    const r = await testScore('my-endpoint');
    expect(r.status, r.text).toBe(200);
    expect(['unreachable', 'unavailable']).toContain(r.json.outcome);
    expect(r.json.uri).toMatch(/my-endpoint\/score$/);
    expect(r.text).not.toContain(keys.primaryKey);
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.test', outcome: 'success', targetName: 'my-endpoint' });
    // A dry run sends nothing.
    const dry = await send(testRoute.POST, 'POST', `${base()}/my-endpoint/test?dryRun=true`, { workspace: 'vision', name: 'my-endpoint' }, { json: { body: '{}' } }, 'dsVision');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.text).not.toContain(keys.primaryKey);
    expect(dry.text).not.toMatch(/"outcome":"(answered|unreachable)"/);
  });

  it('two identical creates at once: one 201, one 409, never a 500', async () => {
    const body = { json: { name: 'race-endpoint', compute: 'azureml:k8s-inference' } };
    const rs = await Promise.all([createEndpoint(body), createEndpoint(body), createEndpoint(body)]);
    expect(rs.map((r) => r.status).sort(), rs.map((r) => r.text).join('\n')).toEqual([201, 409, 409]);
    for (const r of rs.filter((x) => x.status === 409)) expect(fieldsOf(r)).toContain('name');
    expect((await cast.db.db.select().from(onlineEndpoints).where(eq(onlineEndpoints.name, 'race-endpoint'))).length).toBe(1);
    expect((await deleteEndpoint('race-endpoint')).status).toBe(200);
  });

  it('refuses a name taken in the workspace (409 naming name), writing nothing', async () => {
    const before = await rows(onlineEndpoints);
    const r = await createEndpoint({ json: { name: 'my-endpoint', compute: 'azureml:k8s-inference' } });
    expect(r.status, r.text).toBe(409);
    expect(fieldsOf(r)).toContain('name');
    expect(r.json.detail).toMatch(/^name: /);
    expect(await rows(onlineEndpoints)).toBe(before);
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.create', outcome: 'failed' });
  });

  it('refuses a name taken on the same cluster by another workspace (409) without naming that workspace', async () => {
    const r = await createEndpoint({ json: { name: 'my-endpoint', compute: 'azureml:forecast-inference' } }, { who: 'dsForecasting', ws: 'forecasting' });
    expect(r.status, r.text).toBe(409);
    expect(fieldsOf(r)).toContain('name');
    expect(r.text).not.toMatch(/vision/i);
    expect(r.text).not.toContain('k8s-inference');
    expect((await listEndpoints('dsForecasting', 'forecasting')).json.items).toEqual([]);
  });

  it('refuses auth_mode aml_token naming auth_mode', async () => {
    const r = await createEndpoint({ yaml: fixture('endpoint.yml').replace('name: my-endpoint', 'name: token-endpoint').replace('auth_mode: Key', 'auth_mode: aml_token') });
    expect(r.status, r.text).toBe(400);
    expect(fieldsOf(r)).toContain('auth_mode');
    expect(r.json.detail).toContain('auth_mode');
  });

  it('refuses a managedOnlineEndpoint file without compute naming compute; with ?compute=<target> it is created', async () => {
    const before = await rows(onlineEndpoints);
    const r = await createEndpoint({ yaml: fixture('managed-endpoint.yml') });
    expect(r.status, r.text).toBe(400);
    expect(fieldsOf(r)).toContain('compute');
    expect(await rows(onlineEndpoints)).toBe(before);
    const ok = await createEndpoint({ yaml: fixture('managed-endpoint.yml') }, { query: '?compute=k8s-inference' });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json).toMatchObject({ name: 'my-managed-endpoint', computeTarget: 'k8s-inference' });
    // A file that names its compute and a ?compute= naming another target contradict each other: refused, not one silently.
    const before2 = await rows(onlineEndpoints);
    const both = await createEndpoint({ yaml: fixture('endpoint.yml').replace('name: my-endpoint', 'name: two-targets') }, { query: '?compute=gpu-only' });
    expect(both.status, both.text).toBe(400);
    expect(fieldsOf(both)).toContain('compute');
    expect(both.json.detail).toMatch(/k8s-inference.*gpu-only/);
    expect(await rows(onlineEndpoints)).toBe(before2);
    // The same target both ways (with or without azureml:) is fine (a dry run here).
    const same = await createEndpoint({ yaml: fixture('endpoint.yml').replace('name: my-endpoint', 'name: one-target') }, { query: '?compute=azureml:k8s-inference&dryRun=true' });
    expect(same.status, same.text).toBe(200);
  });

  it('a dry run answers the endpoint and writes nothing', async () => {
    const [e, i, a] = [await rows(onlineEndpoints), await rows(intents), await auditCount()];
    const r = await createEndpoint({ json: { name: 'dry-endpoint', compute: 'azureml:k8s-inference' } }, { query: '?dryRun=true' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dryRun: true, name: 'dry-endpoint', computeTarget: 'k8s-inference' });
    expect([await rows(onlineEndpoints), await rows(intents), await auditCount()]).toEqual([e, i, a]);
  });

  it('replays an Idempotency-Key: the same answer, one row; a different request with the key is refused', async () => {
    const body = { json: { name: 'idem-endpoint', compute: 'azureml:k8s-inference' } };
    const first = await createEndpoint(body, { headers: { 'idempotency-key': 'ep-key-1' } });
    expect(first.status, first.text).toBe(201);
    const before = await rows(onlineEndpoints);
    const again = await createEndpoint(body, { headers: { 'idempotency-key': 'ep-key-1' } });
    expect(again.status, again.text).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    expect(await rows(onlineEndpoints)).toBe(before);
    const other = await createEndpoint({ json: { name: 'idem-endpoint-2', compute: 'azureml:k8s-inference' } }, { headers: { 'idempotency-key': 'ep-key-1' } });
    expect(other.status).toBe(422);
    expect(await rows(onlineEndpoints)).toBe(before);
  });
});

describe('bad input is a 4xx naming its field, never a 500, and writes nothing', () => {
  it('refuses malformed YAML with the line and column', async () => {
    const r = await createEndpoint({ yaml: 'name: broken\ncompute: {azureml:k8s-inference\n' });
    expect(r.status, r.text).toBe(400);
    expect(r.json.detail).toMatch(/line \d+, column \d+/);
  });

  it('refuses bodies that are not one object, unknown fields (named), huge names', async () => {
    const before = await rows(onlineEndpoints);
    const cases: Array<[string, Body, string | null]> = [
      ['JSON array', { raw: '[{"name": "x"}]' }, null],
      ['JSON scalar', { raw: '42' }, null],
      ['malformed JSON', { raw: '{"name": ' }, null],
      ['empty body', { raw: '' }, null],
      ['YAML list', { yaml: '- name: x\n- name: y\n' }, null],
      ['YAML scalar', { yaml: 'just a string\n' }, null],
      ['unknown field', { json: { name: 'colourful', compute: 'azureml:k8s-inference', colour: 'red' } }, 'colour'],
      ['unknown field (YAML)', { yaml: `${fixture('endpoint.yml').replace('name: my-endpoint', 'name: colourful')}colour: red\n` }, 'colour'],
      ['huge name', { json: { name: 'a'.repeat(300), compute: 'azureml:k8s-inference' } }, 'name'],
      ['very huge name', { json: { name: 'b'.repeat(100_000), compute: 'azureml:k8s-inference' } }, 'name'],
      ['bad name', { json: { name: 'Not A Name!', compute: 'azureml:k8s-inference' } }, 'name'],
      ['name not text', { json: { name: { a: 1 }, compute: 'azureml:k8s-inference' } }, 'name'],
      ['unknown compute', { json: { name: 'nowhere', compute: 'azureml:nope' } }, 'compute'],
      ['traffic before deployments', { json: { name: 'early', compute: 'azureml:k8s-inference', traffic: { blue: 100 } } }, 'traffic.blue'],
      ['unsupported media', { raw: 'name: x', contentType: 'text/plain' }, null],
    ];
    for (const [what, body, field] of cases) {
      const r = await createEndpoint(body);
      expect4xx(r, what);
      expect(r.headers.get('content-type'), what).toContain('application/problem+json');
      if (field) {
        expect(fieldsOf(r), `${what}: ${r.text}`).toContain(field);
        expect(r.json.detail, what).toContain(field);
      }
    }
    expect(await rows(onlineEndpoints)).toBe(before);
    // The refusal is audited with its message capped: a client cannot write 100 kB into the audit log.
    const audited = await lastAudit();
    expect(audited).toMatchObject({ action: 'endpoints.create', outcome: 'failed' });
    expect((await auditOf(['endpoints.create'])).every((a) => (a.message ?? '').length <= 256 && (a.targetName ?? '').length <= 256)).toBe(true);
  });

  it('refuses hostile YAML (alias and nesting bombs) quickly, for endpoints and deployments', async () => {
    const before = [await rows(onlineEndpoints), await rows(onlineDeployments)];
    const ep = 'name: bomb-endpoint\ncompute: azureml:k8s-inference\n';
    const dep = 'name: bomb\nenvironment: {image: python:3.12-slim}\n';
    for (const [what, r] of [
      ['endpoint alias bomb', await createEndpoint({ yaml: aliasBomb(9, 10, ep) })],
      ['endpoint nesting bomb', await createEndpoint({ yaml: nestingBomb(100_000, ep) })],
      ['deployment alias bomb', await createDeployment('json-endpoint', { yaml: aliasBomb(9, 10, dep) })],
      ['deployment nesting bomb', await createDeployment('json-endpoint', { yaml: nestingBomb(100_000, dep) })],
    ] as const) {
      expect4xx(r, what);
      expect(r.text.length, what).toBeLessThan(10_000);
    }
    expect([await rows(onlineEndpoints), await rows(onlineDeployments)]).toEqual(before);
  });

  it('answers huge or odd names in the path with 4xx', async () => {
    for (const name of ['x'.repeat(5000), 'no-such-endpoint', '../../etc', '%00']) {
      expect4xx(await getEndpoint(name), `GET ${name.slice(0, 20)}`);
      expect4xx(await patchEndpoint(name, { traffic: {} }), `PATCH ${name.slice(0, 20)}`);
      expect4xx(await listDeployments(name), `deployments of ${name.slice(0, 20)}`);
      expect4xx(await listKeys(name), `list-keys ${name.slice(0, 20)}`);
    }
  });
});

// --- deployments ----------------------------------------------------------------------------------

describe('deployments', () => {
  it('creates blue from the Azure ML file with its scoring code: 201 with the deployment and its objects', async () => {
    const r = await createDeployment('my-endpoint', { form: blueForm() });
    expect(r.status, r.text).toBe(201);
    expect(r.json.deployment).toMatchObject({ name: 'blue', endpoint: 'my-endpoint', computeTarget: 'k8s-inference', namespace: 'vision-inference', instanceType: 'defaultinstancetype', trafficPercent: 0, createdBy: 'dana@example.com' });
    expect(['Provisioning', 'Updating', 'Creating']).toContain(r.json.deployment.state);
    expect(r.json.objects.map((o: { kind: string }) => o.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    // The code fetch token is never answered.
    expect(JSON.stringify(r.json.objects)).not.toMatch(/hmc1\./);
    // Not applied yet: the cluster cannot be reached, and the answer says so.
    expect(r.json.warnings.map((w: { message: string }) => w.message).join('\n')).toMatch(/could not be reached|not applied yet/);
    expect(await lastAudit()).toMatchObject({ action: 'deployments.create', outcome: 'success', targetName: 'my-endpoint/blue' });
    const plans = await cast.db.db.select().from(intents).where(eq(intents.kind, 'kube.plan'));
    expect(plans.length).toBe(1);
    expect(plans[0].status).toBe('pending');
  });

  it('a dry run of green answers Deployment, Service and HPA and writes nothing (no rows, no audit, no intents)', async () => {
    const [d, i, a] = [await rows(onlineDeployments), await rows(intents), await auditCount()];
    const r = await createDeployment('my-endpoint', { json: greenJson() }, { dryRun: true });
    expect(r.status, r.text).toBe(200);
    expect(r.json.dryRun).toBe(true);
    const kinds = r.json.objects.map((o: { kind: string }) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'HorizontalPodAutoscaler']));
    const hpa = r.json.objects.find((o: { kind: string }) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
    expect(JSON.stringify(hpa.spec)).toContain('70');
    expect(r.json.deployment).toMatchObject({ name: 'green', endpoint: 'my-endpoint', instanceType: 'defaultinstancetype' });
    expect([await rows(onlineDeployments), await rows(intents), await auditCount()]).toEqual([d, i, a]);
    expect((await auditOf(['deployments.create'])).filter((e) => e.targetName === 'my-endpoint/green')).toEqual([]);
    // A dry run with uploaded scoring code stores no blob either.
    const blobs = Number((await cast.db.db.select({ n: count() }).from(codeAssets))[0].n);
    const withCode = await createDeployment('my-endpoint', { form: blueForm(fixture('blue-deployment.yml').replace('name: blue', 'name: blue-dry')) }, { dryRun: true });
    expect(withCode.status, withCode.text).toBe(200);
    expect(withCode.json.objects.map((o: { kind: string }) => o.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    expect(Number((await cast.db.db.select({ n: count() }).from(codeAssets))[0].n)).toBe(blobs);
    expect([await rows(onlineDeployments), await rows(intents), await auditCount()]).toEqual([d, i, a]);
  });

  it('creates green from JSON', async () => {
    const r = await createDeployment('my-endpoint', { json: greenJson() });
    expect(r.status, r.text).toBe(201);
    expect(r.json.deployment).toMatchObject({ name: 'green', endpoint: 'my-endpoint', instanceType: 'defaultinstancetype' });
    expect(r.json.objects.map((o: { kind: string }) => o.kind)).toContain('HorizontalPodAutoscaler');
    const list = await listDeployments('my-endpoint');
    expect(list.json.items.map((x: { name: string }) => x.name)).toEqual(['blue', 'green']);
  });

  it('refuses a deployment name the endpoint has (409 naming name), writing nothing', async () => {
    const [d, i] = [await rows(onlineDeployments), await rows(intents)];
    const r = await createDeployment('my-endpoint', { json: greenJson() });
    expect(r.status, r.text).toBe(409);
    expect(fieldsOf(r)).toContain('name');
    expect([await rows(onlineDeployments), await rows(intents)]).toEqual([d, i]);
    expect(await lastAudit()).toMatchObject({ action: 'deployments.create', outcome: 'failed' });
  });

  it('refuses a deployment whose Kubernetes name another endpoint’s deployment has (409 naming name)', async () => {
    // clash-a/blue and clash/a-blue would both be the objects clash-a-blue in the target's namespace.
    for (const name of ['clash-a', 'clash']) expect((await createEndpoint({ json: { name, compute: 'azureml:k8s-inference' } })).status).toBe(201);
    const first = await createDeployment('clash-a', { json: { name: 'blue', environment: { image: 'python:3.12-slim' } } });
    expect(first.status, first.text).toBe(201);
    expect(first.json.deployment.objectName).toBe('clash-a-blue');
    const before = await rows(onlineDeployments);
    const r = await createDeployment('clash', { json: { name: 'a-blue', environment: { image: 'python:3.12-slim' } } });
    expect(r.status, r.text).toBe(409);
    expect(fieldsOf(r)).toContain('name');
    expect(r.json.detail).toContain('clash-a-blue');
    expect(await rows(onlineDeployments)).toBe(before);
    for (const name of ['clash-a', 'clash']) expect((await deleteEndpoint(name)).status).toBe(200);
  });

  it('two identical deployment creates at once: one 201, one 409, never a 500', async () => {
    expect((await createEndpoint({ json: { name: 'race-deploy', compute: 'azureml:k8s-inference' } })).status).toBe(201);
    const body = { json: { name: 'twin', environment: { image: 'python:3.12-slim' } } };
    const rs = await Promise.all([createDeployment('race-deploy', body), createDeployment('race-deploy', body)]);
    expect(rs.map((r) => r.status).sort(), rs.map((r) => r.text).join('\n')).toEqual([201, 409]);
    expect(fieldsOf(rs.find((r) => r.status === 409)!)).toContain('name');
    expect((await deleteEndpoint('race-deploy')).status).toBe(200);
  });

  it('refuses resources above the instance type’s limits, naming the field and both numbers; nothing written', async () => {
    const [d, i] = [await rows(onlineDeployments), await rows(intents)];
    const big = { ...greenJson(), name: 'huge', resources: { requests: { cpu: '4', memory: '1Gi' } } };
    const r = await createDeployment('my-endpoint', { json: big });
    expect(r.status, r.text).toBe(400);
    expect(fieldsOf(r)).toContain('resources.requests.cpu');
    const msg = r.json.errors.find((e: { path: string }) => e.path === 'resources.requests.cpu').message;
    expect(msg).toContain('4');
    expect(msg).toContain('2'); // the default instance type's cpu limit
    expect(r.json.detail).toContain('resources.requests.cpu');
    const lim = await createDeployment('my-endpoint', { json: { ...big, resources: { limits: { memory: '8Gi' } } } });
    expect(lim.status, lim.text).toBe(400);
    expect(fieldsOf(lim)).toContain('resources.limits.memory');
    expect(lim.json.detail).toMatch(/8Gi.*2Gi/);
    expect([await rows(onlineDeployments), await rows(intents)]).toEqual([d, i]);
  });

  it('refuses an instance type the target does not offer, naming instance_type', async () => {
    const before = await rows(onlineDeployments);
    // The gpu-only target allows only gpu-1.
    expect((await createEndpoint({ json: { name: 'gpu-endpoint', compute: 'azureml:gpu-only' } })).status).toBe(201);
    const r = await createDeployment('gpu-endpoint', { json: { name: 'one', environment: { image: 'python:3.12-slim' }, instance_type: 'defaultinstancetype' } });
    expect(r.status, r.text).toBe(400);
    expect(fieldsOf(r)).toContain('instance_type');
    const unknown = await createDeployment('my-endpoint', { json: { ...greenJson(), name: 'gpu', instance_type: 'Standard_NC6s_v3' } });
    expect4xx(unknown, 'an Azure VM size');
    expect(fieldsOf(unknown)).toContain('instance_type');
    // On a target that allows any instance type, an unreachable cluster cannot say whether one exists: the
    // answer says so (503, naming the instance type), it does not guess.
    const unreadable = await createDeployment('my-endpoint', { json: { ...greenJson(), name: 'gpu', instance_type: 'gpu-xl' } });
    expect(unreadable.status, unreadable.text).toBe(503);
    expect(unreadable.json.detail).toContain('gpu-xl');
    expect(await rows(onlineDeployments)).toBe(before);
    expect((await deleteEndpoint('gpu-endpoint')).status).toBe(200);
  });

  it('refuses bad deployment input (named field, 4xx) and writes nothing', async () => {
    const before = await rows(onlineDeployments);
    const cases: Array<[string, Body, string | null]> = [
      ['malformed YAML', { yaml: 'name: x\nenvironment: {image: python\n' }, null],
      ['JSON array', { raw: '[1, 2]' }, null],
      ['unknown field', { json: { ...greenJson(), name: 'odd', colour: 'red' } }, 'colour'],
      ['huge name', { json: { ...greenJson(), name: 'g'.repeat(300) } }, 'name'],
      ['other endpoint', { json: { ...greenJson(), name: 'other', endpoint_name: 'json-endpoint' } }, 'endpoint_name'],
      ['local code not sent', { yaml: fixture('blue-deployment.yml').replace('name: blue', 'name: nocode') }, 'code_configuration.code'],
    ];
    for (const [what, body, field] of cases) {
      const r = await createDeployment('my-endpoint', body);
      expect4xx(r, what);
      if (field) expect(fieldsOf(r), `${what}: ${r.text}`).toContain(field);
    }
    expect(await rows(onlineDeployments)).toBe(before);
  });

  it('updates a deployment by PUT (its file); a dry run writes nothing; the name must match', async () => {
    const put = (text: string, o: { dryRun?: boolean; name?: string } = {}) =>
      send(deploymentRoute.PUT, 'PUT', `${base()}/my-endpoint/deployments/${o.name ?? 'green'}${o.dryRun ? '?dryRun=true' : ''}`, { workspace: 'vision', name: 'my-endpoint', deployment: o.name ?? 'green' }, { json: YAML.parse(text) }, 'dsVision');
    const g = greenJson();
    const i = await rows(intents);
    const dry = await put(JSON.stringify({ ...g, scale_settings: { ...g.scale_settings, max_instances: 5 } }), { dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.objects.find((o: { kind: string }) => o.kind === 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(5);
    // An autoscaled deployment's replica count is the HPA's: an update does not reset it.
    expect(dry.json.objects.find((o: { kind: string }) => o.kind === 'Deployment').spec.replicas).toBeUndefined();
    expect(await rows(intents)).toBe(i);
    expect((await getDeployment('my-endpoint', 'green')).json.spec.scaleSettings.maxInstances).toBe(3);
    const r = await put(JSON.stringify({ ...g, scale_settings: { ...g.scale_settings, max_instances: 5 } }));
    expect(r.status, r.text).toBe(200);
    expect(r.json.deployment).toMatchObject({ name: 'green', state: 'Updating' });
    expect((await getDeployment('my-endpoint', 'green')).json.spec.scaleSettings.maxInstances).toBe(5);
    expect(await lastAudit()).toMatchObject({ action: 'deployments.update', outcome: 'success', targetName: 'my-endpoint/green' });
    const wrong = await put(JSON.stringify({ ...g, name: 'blue' }));
    expect(wrong.status, wrong.text).toBe(400);
    expect(fieldsOf(wrong)).toContain('name');
    expect((await put(JSON.stringify({ ...g, name: 'nope' }), { name: 'nope' })).status).toBe(404);
  });

  it('lists deployments with traffic 0 until traffic is moved; gets one (cluster unreachable, said so)', async () => {
    const list = await listDeployments('my-endpoint', 'auditor');
    expect(list.status, list.text).toBe(200);
    expect(list.json.items.map((x: { name: string; trafficPercent: number }) => [x.name, x.trafficPercent])).toEqual([
      ['blue', 0],
      ['green', 0],
    ]);
    const one = await getDeployment('my-endpoint', 'green', 'auditor');
    expect(one.status, one.text).toBe(200);
    expect(one.json).toMatchObject({ name: 'green', clusterState: 'unreachable', replicas: [] });
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ blue: 0, green: 0 });
    expect(list.text + one.text).not.toContain(keys.primaryKey);
    // The scoring code's fetch token (in the Secret the pods mount) is never answered either.
    expect((await getDeployment('my-endpoint', 'blue')).text).not.toMatch(/hmc1\./);
  });
});

// --- traffic --------------------------------------------------------------------------------------

describe('traffic', () => {
  it('moves traffic: PATCH {blue: 90, green: 10} → 200 and the list shows it', async () => {
    const r = await patchEndpoint('my-endpoint', { traffic: { blue: 90, green: 10 } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.traffic).toEqual({ blue: 90, green: 10 });
    const list = await listEndpoints();
    expect(list.json.items.find((e: { name: string }) => e.name === 'my-endpoint').traffic).toEqual({ blue: 90, green: 10 });
    const deps = await listDeployments('my-endpoint');
    expect(deps.json.items.map((x: { trafficPercent: number }) => x.trafficPercent)).toEqual([90, 10]);
    // What the router.sync intent renders for the cluster, from the rows: the split and the current keys.
    const [cluster] = await cast.db.db.select().from(clusters).where(eq(clusters.name, 'aks-test'));
    const served = (await routerEndpoints(cast.db.db, cluster.id)).find((e) => e.name === 'my-endpoint')!;
    expect(served.deployments.map((d) => [d.name, d.weight])).toEqual([
      ['blue', 90],
      ['green', 10],
    ]);
    expect(served.keys).toEqual([keys.primaryKey, keys.secondaryKey]);
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.update', outcome: 'success', before: expect.objectContaining({ traffic: {} }), after: expect.objectContaining({ traffic: { blue: 90, green: 10 } }) });
  });

  it('refuses a split that does not sum to 100, an unknown deployment and bad values; the split stays', async () => {
    const i = await rows(intents);
    const sum = await patchEndpoint('my-endpoint', { traffic: { blue: 80, green: 10 } });
    expect(sum.status, sum.text).toBe(400);
    expect(fieldsOf(sum)).toContain('traffic');
    expect(sum.json.detail).toContain('90');
    const unknown = await patchEndpoint('my-endpoint', { traffic: { blue: 90, purple: 10 } });
    expect(unknown.status, unknown.text).toBe(400);
    expect(fieldsOf(unknown)).toContain('traffic.purple');
    for (const [what, body] of [
      ['negative', { traffic: { blue: 110, green: -10 } }],
      ['fraction', { traffic: { blue: 89.5, green: 10.5 } }],
      ['not numbers', { traffic: { blue: '90', green: '10' } }],
      ['not a map', { traffic: [90, 10] }],
      ['unknown field', { traffic: { blue: 100, green: 0 }, colour: 'red' }],
      ['nothing', {}],
      ['mirror to a live deployment', { mirrorTraffic: { blue: 10 } }],
    ] as const) {
      const r = await patchEndpoint('my-endpoint', body);
      expect4xx(r, what);
      expect(fieldsOf(r).length, `${what}: ${r.text}`).toBeGreaterThan(0);
    }
    const bad = await patchEndpoint('my-endpoint', { traffic: { blue: 100, green: 0 }, colour: 'red' });
    expect(fieldsOf(bad)).toContain('colour');
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ blue: 90, green: 10 });
    expect(await rows(intents)).toBe(i);
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.update', outcome: 'failed' });
  });

  it('a dry run of a traffic change answers the new split and changes nothing', async () => {
    const [i, a] = [await rows(intents), await auditCount()];
    const r = await send(endpointRoute.PATCH, 'PATCH', `${base()}/my-endpoint?dryRun=true`, { workspace: 'vision', name: 'my-endpoint' }, { json: { traffic: { blue: 100 } } }, 'dsVision');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dryRun: true, traffic: { blue: 100, green: 0 } });
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ blue: 90, green: 10 });
    expect([await rows(intents), await auditCount()]).toEqual([i, a]);
  });

  it('takes the endpoint file by PUT with traffic (YAML)', async () => {
    const r = await putEndpoint('my-endpoint', { yaml: `${fixture('endpoint.yml')}traffic:\n  blue: 50\n  green: 50\n` });
    expect(r.status, r.text).toBe(200);
    expect(r.json.traffic).toEqual({ blue: 50, green: 50 });
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ blue: 50, green: 50 });
    // The file's traffic is held to the same rules.
    const bad = await putEndpoint('my-endpoint', { yaml: `${fixture('endpoint.yml')}traffic:\n  blue: 50\n  green: 40\n` });
    expect(bad.status, bad.text).toBe(400);
    expect(fieldsOf(bad)).toContain('traffic');
    // A file for another endpoint, or on another target, is refused.
    const other = await putEndpoint('my-endpoint', { yaml: fixture('endpoint.yml').replace('name: my-endpoint', 'name: someone-else') });
    expect(fieldsOf(other)).toContain('name');
    const moved = await putEndpoint('my-endpoint', { yaml: fixture('endpoint.yml').replace('azureml:k8s-inference', 'azureml:gpu-only') });
    expect(fieldsOf(moved)).toContain('compute');
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ blue: 50, green: 50 });
  });

  it('refuses to delete a deployment that takes traffic (409); after moving its traffic away it is deleted', async () => {
    const d = await rows(onlineDeployments);
    const r = await deleteDeployment('my-endpoint', 'blue');
    expect(r.status, r.text).toBe(409);
    expect(r.json.detail).toMatch(/blue takes 50 %/);
    expect(await rows(onlineDeployments)).toBe(d);
    const moved = await patchEndpoint('my-endpoint', { traffic: { green: 100 } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.traffic).toEqual({ blue: 0, green: 100 });
    const del = await deleteDeployment('my-endpoint', 'blue');
    expect(del.status, del.text).toBe(200);
    expect(del.json).toMatchObject({ name: 'blue', deleted: true });
    expect((await listDeployments('my-endpoint')).json.items.map((x: { name: string }) => x.name)).toEqual(['green']);
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ green: 100 });
    expect(await lastAudit()).toMatchObject({ action: 'deployments.delete', outcome: 'success', targetName: 'my-endpoint/blue' });
    expect((await deleteDeployment('my-endpoint', 'blue')).status).toBe(404);
  });
});

describe('mirror traffic', () => {
  it('mirrors to a deployment without live traffic; deleting that deployment drops its mirror share', async () => {
    expect((await createEndpoint({ json: { name: 'mirror-ep', compute: 'azureml:k8s-inference' } })).status).toBe(201);
    for (const name of ['live', 'shadow']) expect((await createDeployment('mirror-ep', { json: { name, environment: { image: 'python:3.12-slim' } } })).status).toBe(201);
    const over = await patchEndpoint('mirror-ep', { traffic: { live: 100 }, mirrorTraffic: { shadow: 60 } });
    expect(over.status).toBe(400);
    expect(fieldsOf(over)).toContain('mirrorTraffic.shadow');
    const r = await patchEndpoint('mirror-ep', { traffic: { live: 100 }, mirrorTraffic: { shadow: 20 } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ traffic: { live: 100, shadow: 0 }, mirrorTraffic: { shadow: 20 } });
    const del = await deleteDeployment('mirror-ep', 'shadow');
    expect(del.status, del.text).toBe(200);
    expect((await getEndpoint('mirror-ep')).json).toMatchObject({ traffic: { live: 100 }, mirrorTraffic: {} });
    expect((await deleteEndpoint('mirror-ep')).status).toBe(200);
  });
});

// --- models ---------------------------------------------------------------------------------------

describe('model references', () => {
  it('records the registered model version a deployment serves; the version’s lineage lists the deployment', async () => {
    const m = await call(modelsRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/models', token: tok(), params: { workspace: 'vision' }, body: { name: 'half-plus-two', version: '1', path: 'https://models.example.com/half-plus-two/1/' } });
    expect(m.status, m.text).toBe(201);
    const doc = YAML.parse(fixture('custom-container-deployment.yml'));
    // Within the default instance type (2 cpu, 2Gi).
    doc.resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } };
    const r = await createDeployment('json-endpoint', { json: { ...doc, endpoint_name: 'json-endpoint' } });
    expect(r.status, r.text).toBe(201);
    expect(r.json.deployment.model).toEqual({ name: 'half-plus-two', version: '1' });
    const [row] = await cast.db.db.select().from(onlineDeployments).where(eq(onlineDeployments.name, 'tfserving'));
    expect(row.modelVersionId).toBeTruthy();
    const v = await call(modelVersionRoute.GET as never, { path: '/api/v1/workspaces/vision/models/half-plus-two/versions/1', token: tok(), params: { workspace: 'vision', name: 'half-plus-two', version: '1' } });
    expect(v.status, v.text).toBe(200);
    expect(v.json.lineage.deployments).toEqual([{ endpoint: 'json-endpoint', deployment: 'tfserving', cluster: 'aks-test', traffic: 0 }]);
    // A label resolves to the version it names now, and that version is recorded.
    const latest = await createDeployment('json-endpoint', { json: { ...doc, name: 'tf-latest', endpoint_name: 'json-endpoint', model: 'azureml:half-plus-two@latest' } });
    expect(latest.status, latest.text).toBe(201);
    expect(latest.json.deployment.model).toEqual({ name: 'half-plus-two', version: '1' });
    // An unknown model version is refused naming model.
    const missing = await createDeployment('json-endpoint', { json: { ...doc, name: 'tf2', endpoint_name: 'json-endpoint', model: 'azureml:half-plus-two:7' } });
    expect(missing.status, missing.text).toBe(400);
    expect(fieldsOf(missing)).toContain('model');
  });
});

// --- who may do what ------------------------------------------------------------------------------

describe('auditors read, never change or see keys', () => {
  it('403 on list-keys, regenerate-keys, test, create, PATCH, PUT, DELETE; nothing changes; each denial audited', async () => {
    const [e, d, i] = [await rows(onlineEndpoints), await rows(onlineDeployments), await rows(intents)];
    const attempts: Array<[string, () => Promise<{ status: number; text: string }>]> = [
      ['endpoints.listKeys', () => listKeys('my-endpoint', 'auditor')],
      ['endpoints.regenerateKeys', () => regenerate('my-endpoint', 'primary', 'auditor')],
      ['endpoints.test', () => testScore('my-endpoint', 'auditor')],
      ['endpoints.create', () => createEndpoint({ json: { name: 'audrey-endpoint', compute: 'azureml:k8s-inference' } }, { who: 'auditor' })],
      ['endpoints.update', () => patchEndpoint('my-endpoint', { traffic: {} }, 'auditor')],
      ['endpoints.delete', () => deleteEndpoint('my-endpoint', 'auditor')],
      ['deployments.create', () => createDeployment('my-endpoint', { json: { ...greenJson(), name: 'audrey' } }, { who: 'auditor' })],
      ['deployments.delete', () => deleteDeployment('my-endpoint', 'green', 'auditor')],
      ['deployments.update', () => send(deploymentRoute.PUT, 'PUT', `${base()}/my-endpoint/deployments/green`, { workspace: 'vision', name: 'my-endpoint', deployment: 'green' }, { json: greenJson() }, 'auditor')],
    ];
    for (const [action, attempt] of attempts) {
      const r = await attempt();
      expect(r.status, `${action}: ${r.text}`).toBe(403);
      expect(r.text).not.toContain(keys.primaryKey);
      expect(await lastAudit(), action).toMatchObject({ action, outcome: 'denied', actorEmail: 'audrey@example.com' });
    }
    expect([await rows(onlineEndpoints), await rows(onlineDeployments), await rows(intents)]).toEqual([e, d, i]);
    expect((await listKeys('my-endpoint')).json).toEqual(keys);
    expect((await getEndpoint('my-endpoint')).json.traffic).toEqual({ green: 100 });
  });

  it('lets the auditor list and get endpoints and deployments', async () => {
    expect((await listEndpoints('auditor')).status).toBe(200);
    expect((await getEndpoint('my-endpoint', 'auditor')).status).toBe(200);
    expect((await listDeployments('my-endpoint', 'auditor')).status).toBe(200);
    expect((await getDeployment('my-endpoint', 'green', 'auditor')).status).toBe(200);
  });

  it('a data scientist of another workspace gets 404 everywhere', async () => {
    expect((await listKeys('my-endpoint', 'dsForecasting')).status).toBe(404);
    expect((await getEndpoint('my-endpoint', 'dsForecasting')).status).toBe(404);
    expect((await patchEndpoint('my-endpoint', { traffic: {} }, 'dsForecasting')).status).toBe(404);
  });
});

describe('the audit log', () => {
  it('records every endpoint action (success, failure, denial) and no key anywhere', async () => {
    const all = await auditOf(['endpoints.create', 'endpoints.update', 'endpoints.delete', 'endpoints.listKeys', 'endpoints.regenerateKeys', 'endpoints.test', 'deployments.create', 'deployments.update', 'deployments.delete']);
    const outcomes = new Set(all.map((a) => `${a.action}:${a.outcome}`));
    for (const o of ['endpoints.create:success', 'endpoints.create:failed', 'endpoints.create:denied', 'endpoints.update:success', 'endpoints.update:failed', 'endpoints.update:denied', 'endpoints.listKeys:success', 'endpoints.listKeys:denied', 'endpoints.regenerateKeys:success', 'endpoints.regenerateKeys:failed', 'endpoints.regenerateKeys:denied', 'deployments.create:success', 'deployments.create:failed', 'deployments.delete:success', 'deployments.delete:failed']) {
      expect(outcomes, o).toContain(o);
    }
    const text = JSON.stringify(await cast.db.db.select().from(auditEvents));
    for (const k of [keys.primaryKey, keys.secondaryKey]) expect(text).not.toContain(k);
    expect(text).not.toMatch(/primaryKey|secondaryKey|keysEnc/);
  });
});

// --- deleting -------------------------------------------------------------------------------------

describe('deleting endpoints', () => {
  it('deletes the endpoint with its deployments; the list is empty afterwards', async () => {
    const r = await deleteEndpoint('my-endpoint');
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ name: 'my-endpoint', deleted: true, deployments: ['green'] });
    expect(await lastAudit()).toMatchObject({ action: 'endpoints.delete', outcome: 'success', targetName: 'my-endpoint' });
    expect((await getEndpoint('my-endpoint')).status).toBe(404);
    for (const name of ['json-endpoint', 'my-managed-endpoint', 'idem-endpoint']) expect((await deleteEndpoint(name)).status, name).toBe(200);
    expect((await listEndpoints()).json.items).toEqual([]);
    expect(await rows(onlineDeployments)).toBe(0);
    expect((await deleteEndpoint('my-endpoint')).status).toBe(404);
  });
});
