// The sharing map and who-can-do-what API (issue 15) on a real database, with two clusters nobody answers for
// (the live side — usage, missing namespaces, drift — is covered by sharing.k8s.test.ts): who may read them, the
// map's records and stored-state flags, the CSV exports, the access entries of a workspace and of a cluster with
// their sources, paging; and the no-secrets scan — every GET route an auditor can reach under app/api/v1, called as
// the auditor, never answers a seeded secret (kubeconfig token and client key, router TLS key, endpoint keys, API
// tokens and their hashes, password hashes), nor its base64.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import YAML from 'yaml';
import { call, createCast, type Cast } from '@/test/fixtures';
import { recordEndpoints } from '@/test/endpoint-records';
import { apiTokens, clusterExtensions, clusters, computeTargets, modelVersions, models, users, workspaces } from '../db/schema';
import { resetEnvCache } from '../env';
import { dropAllClusterCaches } from '../kube/cache';
import { stopLoop } from '../runtime/intents';
import { issueToken } from '../auth/tokens';
import { createLocalUser } from '../auth/users';
import { PERMISSIONS } from '@/lib/rbac/permissions';
import type { AccessEntryDto, SharingMapDto } from '@/lib/audit/sharing';
import { ACCESS_CSV_COLUMNS, globalPermissions, workspacePermissions } from './access';
import { SHARING_CSV_COLUMNS } from './sharing';
import { recordRouters } from './sharing.test-support';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import * as envsRoute from '@/app/api/v1/workspaces/[workspace]/environments/route';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';
import * as sharingRoute from '@/app/api/v1/audit/sharing/route';
import * as accessRoute from '@/app/api/v1/audit/access/route';
import * as listKeysRoute from '@/app/api/v1/workspaces/[workspace]/online-endpoints/[name]/list-keys/route';
import { clusterConnection } from './clusters';
import { storedTls } from './extension';
import { insertConnection } from '../azure/connections';
import { configureArmRetries } from '../azure/clients';
import { azureConnections } from '../db/schema';

// A request waits for its own intents (10 s in production); the clusters never answer here, so shorten the wait.
vi.mock('@/server/runtime/intents', async (importOriginal) => {
  const m = await importOriginal<typeof import('@/server/runtime/intents')>();
  return { ...m, carryOut: (db: Parameters<typeof m.carryOut>[0], ids: string[], opts: Parameters<typeof m.carryOut>[2] = {}) => m.carryOut(db, ids, { ...opts, waitMs: 200 }) };
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-sharing-api-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 15).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
resetEnvCache();

// --- the seeded secrets -------------------------------------------------------------------------------------
const mark = randomBytes(6).toString('hex');
const KUBE_TOKEN = `seeded-kube-token-${mark}-0123456789abcdef`;
const AZURE_SECRET = `seeded-azure-client-secret-${mark}-0123456789`;
const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const CLIENT_KEY_BODY = `MIIEvSeededClientKey${mark}AbCdEfGhIjKlMnOpQrStUvWxYz0123456789`;
const CLIENT_KEY_PEM = pem('PRIVATE KEY', CLIENT_KEY_BODY);
const CLIENT_CERT_PEM = pem('CERTIFICATE', `MIIDSeededClientCert${mark}AbCdEfGhIjKlMnOp`);
const TLS_KEY_BODY = `MIIEvSeededRouterTlsKey${mark}ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210`;
const TLS_KEY_PEM = pem('PRIVATE KEY', TLS_KEY_BODY);
const ENDPOINT_KEYS: [string, string] = [`seeded-primary-${mark}-0123456789abcdefghij`, `seeded-secondary-${mark}-0123456789abcdefghij`];

function tokenKubeconfig(): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { token: KUBE_TOKEN } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });
}
function certKubeconfig(): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key-data': b64(CLIENT_KEY_PEM) } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'c',
  });
}

let cast: Cast;
let ids: { aks: string; onprem: string; vision: string; forecasting: string; edgeTarget: string };
let ciToken: string;
const DAY = 86_400_000;

beforeAll(async () => {
  cast = await createCast();
  const db = cast.db.db;
  // An Azure connection with a client secret; its ARM endpoint and authority refuse connections (no Azure here).
  configureArmRetries({ retryDelayInMs: 1, maxRetryDelayInMs: 5 });
  await insertConnection(db, { name: 'seeded-azure', kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: '00000000-0000-4000-8000-0000000000c1', clientSecret: AZURE_SECRET, authorityHost: 'https://127.0.0.1:1', armEndpoint: 'https://127.0.0.1:1' }, null);
  for (const [name, location, kubeconfig] of [
    ['aks-secret', 'cloud', tokenKubeconfig()],
    ['onprem-secret', 'on-prem', certKubeconfig()],
  ] as const) {
    const r = await call(clustersRoute.POST, { token: cast.users.admin.token, body: { name, kind: 'aks', location, region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig }, allowUnreachable: true } });
    expect(r.status, r.text).toBe(201);
  }
  const id = async (t: typeof clusters | typeof workspaces, name: string) => (await db.select().from(t).where(eq(t.name, name)))[0].id;
  ids = { aks: await id(clusters, 'aks-secret'), onprem: await id(clusters, 'onprem-secret'), vision: await id(workspaces, 'vision'), forecasting: await id(workspaces, 'forecasting'), edgeTarget: '' };
  const [, edge] = await db
    .insert(computeTargets)
    .values([
      { workspaceId: ids.vision, name: 'cpu', clusterId: ids.aks, namespace: 'vision-ml', quota: { cpu: '4', memory: '16Gi' }, allowedInstanceTypes: ['defaultinstancetype', 'gpu-1'], createdBy: cast.users.admin.user.id },
      { workspaceId: ids.vision, name: 'edge-inference', clusterId: ids.onprem, namespace: 'shared-ns' },
      { workspaceId: ids.forecasting, name: 'fc', clusterId: ids.onprem, namespace: 'shared-ns', quota: { pods: '10' } },
    ])
    .returning();
  ids.edgeTarget = edge.id;
  // aks-secret: TLS router whose uploaded certificate expires in 10 days; onprem-secret: plain HTTP scoring.
  await recordRouters(db, {
    tlsCluster: ids.aks,
    plainCluster: ids.onprem,
    tls: { certPem: CLIENT_CERT_PEM, keyPem: TLS_KEY_PEM },
    info: { subject: 'CN=ml.example.com', sans: ['ml.example.com'], notAfter: new Date(Date.now() + 10 * DAY).toISOString() },
  });
  await recordEndpoints(db, { clusterId: ids.onprem, workspaceId: ids.vision, computeTargetId: ids.edgeTarget }, [{ name: 'scorer', keys: ENDPOINT_KEYS, deployments: [{ name: 'blue', weight: 100 }] }]);
  ciToken = (await issueToken(db, cast.users.dsVision.user.id, 'ci-pipeline', null)).token;
  // A revoked token and a disabled user have no access: neither is listed.
  const revoked = await issueToken(db, cast.users.dsForecasting.user.id, 'old-laptop', null);
  await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, revoked.row.id));
  const gone = await createLocalUser(db, { email: 'gone@example.com', password: 'correct-horse-battery-staple', globalRole: 'ops_admin' });
  await issueToken(db, gone.id, 'forgotten', null);
  await db.update(users).set({ status: 'disabled' }).where(eq(users.id, gone.id));
  // Records the scan's routes can name: a job, an environment, a model version.
  const env = await call(envsRoute.POST as never, { method: 'POST', token: cast.users.dsVision.token, body: { name: 'vision-torch', version: '1', image: 'python:3.12' }, params: { workspace: 'vision' }, path: '/api/v1/workspaces/vision/environments' });
  expect(env.status, env.text).toBe(201);
  const job = await call(jobsRoute.POST as never, {
    method: 'POST',
    token: cast.users.dsVision.token,
    rawBody: 'name: seeded-job\ncommand: echo hello\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu\n',
    headers: { 'content-type': 'application/yaml' },
    params: { workspace: 'vision' },
    path: '/api/v1/workspaces/vision/jobs',
  });
  expect([201, 202], job.text).toContain(job.status);
  const [model] = await db.insert(models).values({ workspaceId: ids.vision, name: 'seeded-model', createdBy: cast.users.dsVision.user.id }).returning();
  await db.insert(modelVersions).values({ modelId: model.id, version: '1', versionNum: 1, type: 'custom_model', path: 'https://example.com/model.pkl', location: { kind: 'url', uri: 'https://example.com/model.pkl' } });
}, 120_000);

afterAll(async () => {
  configureArmRetries(null);
  stopLoop();
  dropAllClusterCaches();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Who = keyof Cast['users'];
const sharing = (query = '', who: Who | null = 'auditor') => call(sharingRoute.GET as never, { path: `/api/v1/audit/sharing${query}`, token: who ? cast.users[who].token : undefined });
const access = (query: string, who: Who = 'auditor') => call(accessRoute.GET as never, { path: `/api/v1/audit/access${query}`, token: cast.users[who].token });

describe('who may read the sharing map and the access lists', () => {
  it('auditors and ops admins: 200; a data scientist: 403; nobody signed in: 401', async () => {
    expect((await sharing('', 'auditor')).status).toBe(200);
    expect((await sharing('', 'admin')).status).toBe(200);
    const ds = await sharing('', 'dsVision');
    expect(ds.status).toBe(403);
    expect(ds.json.detail).toContain('access.read');
    expect((await sharing('', null)).status).toBe(401);
    expect((await access('?workspace=vision', 'auditor')).status).toBe(200);
    expect((await access('?cluster=aks-secret', 'admin')).status).toBe(200);
    expect((await access('?workspace=vision', 'dsVision')).status).toBe(403);
  });
});

describe('the sharing map from the records', () => {
  it('cells per cluster × workspace with the targets, their quotas and creators; unreachable clusters in errors', async () => {
    const r = await sharing();
    expect(r.status, r.text).toBe(200);
    const map = r.json as SharingMapDto;
    expect(map.clusters.map((c) => [c.name, c.location])).toEqual([
      ['aks-secret', 'cloud'],
      ['onprem-secret', 'on-prem'],
    ]);
    expect(map.workspaces).toEqual(['forecasting', 'vision']);
    expect(map.cells.map((c) => `${c.cluster}/${c.workspace}:${c.targets.map((t) => t.name).join(',')}`)).toEqual(['aks-secret/vision:cpu', 'onprem-secret/forecasting:fc', 'onprem-secret/vision:edge-inference']);
    expect(map.cells[0].targets[0]).toMatchObject({
      name: 'cpu',
      namespace: 'vision-ml',
      instanceTypes: ['defaultinstancetype', 'gpu-1'],
      quota: { 'requests.cpu': '4', 'requests.memory': '16Gi' },
      usage: null,
      backend: 'kubernetes',
      createdBy: 'admin@example.com',
    });
    expect(map.cells[2].targets[0]).toMatchObject({ name: 'edge-inference', instanceTypes: ['*'], quota: null, createdBy: null });
    expect(map.errors.map((e) => e.cluster).sort()).toEqual(['aks-secret', 'onprem-secret']);
  });

  it('flags the stored states: shared namespace, no quota, plain HTTP, expiring certificate, a workspace across locations', async () => {
    const map = (await sharing()).json as SharingMapDto;
    const codes = map.flags.map((f) => `${f.code}:${f.cluster ?? ''}:${f.workspace ?? ''}:${f.target ?? ''}`).sort();
    expect(codes).toEqual(['cross_location::vision:', 'insecure_connections:onprem-secret::', 'namespace_shared:onprem-secret::', 'no_quota:onprem-secret:vision:edge-inference', 'tls_expiring:aks-secret::']);
    const shared = map.flags.find((f) => f.code === 'namespace_shared')!;
    expect(shared).toMatchObject({ namespace: 'shared-ns', targets: ['forecasting/fc', 'vision/edge-inference'], href: '/ops/clusters/onprem-secret/computes', severity: 'warning' });
    expect(map.flags.find((f) => f.code === 'tls_expiring')!.message).toMatch(/expires on .* \(in (9|10) days\)/);
    expect(map.flags.find((f) => f.code === 'insecure_connections')!.href).toBe('/ops/clusters/onprem-secret/extension');
    expect(map.flags.find((f) => f.code === 'cross_location')!.severity).toBe('info');
  });

  it('filters by location, cluster and workspace; an unknown location is a 400 naming it', async () => {
    const onprem = (await sharing('?location=on-prem')).json as SharingMapDto;
    expect(onprem.clusters.map((c) => c.name)).toEqual(['onprem-secret']);
    expect(onprem.cells.every((c) => c.location === 'on-prem')).toBe(true);
    expect(onprem.flags.some((f) => f.code === 'tls_expiring')).toBe(false);
    const aks = (await sharing('?cluster=aks-secret')).json as SharingMapDto;
    expect(aks.cells.map((c) => c.workspace)).toEqual(['vision']);
    expect(aks.workspaces).toEqual(['vision']);
    const fc = (await sharing('?workspace=forecasting')).json as SharingMapDto;
    expect(fc.workspaces).toEqual(['forecasting']);
    expect(fc.cells.map((c) => c.targets[0].name)).toEqual(['fc']);
    // Its namespace is still shown as shared with vision's target.
    expect(fc.flags.find((f) => f.code === 'namespace_shared')?.targets).toEqual(['forecasting/fc', 'vision/edge-inference']);
    const bad = await sharing('?location=moon');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('location');
  });

  it('exports the cells as CSV: a header, one row per target, the flags that name it', async () => {
    const r = await sharing('?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="harbormaster-sharing-.*\.csv"$/);
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(SHARING_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^aks-secret,cloud,vision,cpu,vision-ml,defaultinstancetype gpu-1,requests\.cpu=4; requests\.memory=16Gi,,kubernetes,admin@example\.com,/);
    expect(lines[3]).toMatch(/^onprem-secret,on-prem,vision,edge-inference,shared-ns,\*,,,kubernetes,,.*,namespace_shared no_quota$/);
    expect((await sharing('?format=xml')).status).toBe(400);
  });
});

describe('who can do what', () => {
  const sources = (items: AccessEntryDto[]) => items.map((e) => `${e.principal.kind}:${e.principal.kind === 'user' ? e.principal.email : e.principal.name}:${e.role}:${e.source}`);

  it('a workspace: global roles and its members, each with their tokens, with the permissions of the table', async () => {
    const r = await access('?workspace=vision');
    expect(r.status, r.text).toBe(200);
    expect(r.json.next).toBeUndefined();
    expect(sources(r.json.items)).toEqual([
      'user:admin@example.com:ops_admin:global role ops_admin',
      'token:test:ops_admin:API token test of admin@example.com (global role ops_admin)',
      'user:audrey@example.com:auditor:global role auditor',
      'token:test:auditor:API token test of audrey@example.com (global role auditor)',
      'user:dana@example.com:data_scientist:member of vision',
      'token:ci-pipeline:data_scientist:API token ci-pipeline of dana@example.com (member of vision)',
      'token:test:data_scientist:API token test of dana@example.com (member of vision)',
    ]);
    const dana = (r.json.items as AccessEntryDto[]).find((e) => e.principal.email === 'dana@example.com' && e.principal.kind === 'user')!;
    expect(dana.permissions).toEqual(workspacePermissions('data_scientist'));
    expect(dana.permissions).toContain('jobs.submit');
    expect(dana.permissions.every((p) => PERMISSIONS[p as keyof typeof PERMISSIONS].scope === 'workspace')).toBe(true);
    const audrey = (r.json.items as AccessEntryDto[]).find((e) => e.principal.email === 'audrey@example.com')!;
    expect(audrey.permissions).toContain('jobs.read');
    expect(audrey.permissions).not.toContain('jobs.submit');
    expect(audrey.permissions).not.toContain('endpoints.keys');
    // Never a token value, hash or prefix.
    for (const t of await cast.db.db.select().from(apiTokens)) {
      expect(r.text).not.toContain(t.tokenHash);
      expect(r.text).not.toContain(t.prefix);
    }
    expect(r.text).not.toContain(ciToken);
    expect((await access('?workspace=nope')).status).toBe(404);
    const neither = await access('');
    expect(neither.status).toBe(400);
    expect((await access('?workspace=vision&cluster=aks-secret')).status).toBe(400);
  });

  it('a cluster: global roles with all they hold, and the members of the workspaces that have targets on it', async () => {
    const onprem = await access('?cluster=onprem-secret');
    expect(sources(onprem.json.items).filter((s) => s.startsWith('user:'))).toEqual([
      'user:admin@example.com:ops_admin:global role ops_admin',
      'user:audrey@example.com:auditor:global role auditor',
      'user:dana@example.com:data_scientist:member of vision',
      'user:farid@example.com:data_scientist:member of forecasting',
    ]);
    // farid's revoked token and a disabled ops admin (and their token) are not access.
    expect(onprem.text).not.toContain('gone@example.com');
    expect(onprem.text).not.toContain('forgotten');
    expect(sources(onprem.json.items)).not.toContain('token:old-laptop:data_scientist:API token old-laptop of farid@example.com (member of forecasting)');
    const admin = (onprem.json.items as AccessEntryDto[])[0];
    expect(admin.permissions).toEqual(globalPermissions('ops_admin'));
    expect(admin.permissions).toContain('clusters.manage');
    const aks = await access('?cluster=aks-secret');
    expect(sources(aks.json.items).filter((s) => s.includes('member of'))).not.toContain('user:farid@example.com:data_scientist:member of forecasting');
    expect((await access('?cluster=nope')).status).toBe(404);
  });

  it('pages with a cursor like every list, and refuses a forged one', async () => {
    const all = (await access('?workspace=vision')).json.items as AccessEntryDto[];
    const seen: AccessEntryDto[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await access(`?workspace=vision&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, r.text).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(3);
      seen.push(...r.json.items);
      cursor = r.json.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    const forged = await access('?workspace=vision&cursor=12');
    expect(forged.status).toBe(400);
    expect(forged.json.errors[0].path).toBe('cursor');
  });

  it('exports as CSV with a header, every entry', async () => {
    const r = await access('?cluster=onprem-secret&format=csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(ACCESS_CSV_COLUMNS.join(','));
    const json = (await access('?cluster=onprem-secret')).json.items;
    expect(lines).toHaveLength(json.length + 1);
    expect(lines).toContain(`user,dana@example.com,dana@example.com,data_scientist,member of vision,${workspacePermissions('data_scientist').join(' ')}`);
  });
});

// --- the no-secrets scan -------------------------------------------------------------------------------------

const API_ROOT = path.join(process.cwd(), 'app/api/v1');
function routeFiles(dir = API_ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === 'route.ts' ? [path.join(dir, e.name)] : []));
}

/** The parameter sets to call a route with; null: a parameter this scan cannot fill (listed as skipped). */
function paramSets(rel: string, emails: string[], ownTokenId: string): Array<Record<string, string>> | null {
  const names = [...rel.matchAll(/\[+(?:\.\.\.)?(\w+)\]+/g)].map((m) => m[1]);
  if (!names.length) return [{}];
  if (names.includes('sha256')) return null; // job-scoped fetch tokens only: not an auditor's route
  const after = (p: string) => rel.split('/')[rel.split('/').indexOf(`[${p}]`) - 1];
  const nameFor: Record<string, string[]> = {
    computes: ['cpu', 'edge-inference'],
    environments: ['vision-torch'],
    jobs: ['seeded-job'],
    models: ['seeded-model'],
    'online-endpoints': ['scorer'],
    connections: ['seeded-azure'],
    'instance-types': ['defaultinstancetype'],
  };
  let sets: Array<Record<string, string>> = [{}];
  for (const p of names) {
    let values: string[] | undefined;
    if (p === 'cluster') values = ['aks-secret', 'onprem-secret'];
    else if (p === 'workspace') values = names.length === 1 ? ['vision', 'forecasting'] : ['vision'];
    else if (p === 'name') values = nameFor[after('name')];
    else if (p === 'version') values = ['1'];
    else if (p === 'deployment') values = ['blue'];
    else if (p === 'email') values = emails;
    else if (p === 'id') values = [ownTokenId];
    if (!values) return null;
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [p]: v })));
  }
  return sets;
}

/** The query strings each route is called with (exports in every format, the access list for every scope). */
const QUERIES: Record<string, string[]> = {
  'audit/access': ['?workspace=vision', '?workspace=forecasting', '?cluster=aks-secret', '?cluster=onprem-secret', '?cluster=onprem-secret&format=csv'],
  'audit/sharing': ['', '?format=csv', '?location=on-prem'],
  'audit/export': ['?format=csv', '?format=jsonl'],
  'audit/events': ['', '?limit=500'],
  'azure/connections/[name]/workspaces': ['', '?subscription=00000000-0000-4000-8000-000000000001'],
  'azure/connections/[name]/clusters': ['', '?subscription=00000000-0000-4000-8000-000000000001'],
};

describe('no secret reaches an auditor', () => {
  it('every GET route under app/api/v1, called as the auditor, answers none of the seeded secrets nor their base64', async () => {
    const db = cast.db.db;
    const tokenRows = await db.select().from(apiTokens);
    const userRows = await db.select().from(users);
    const cluster = (await db.select().from(clusters)).map((c) => c.credentialsEnc ?? '');
    const exts = (await db.select().from(clusterExtensions)).map((e) => e.tlsEnc ?? '').filter(Boolean);
    const secrets: Record<string, string> = {
      'kubeconfig token': KUBE_TOKEN,
      'kubeconfig client key (PEM body)': CLIENT_KEY_BODY,
      'kubeconfig client key (PEM)': CLIENT_KEY_PEM,
      'router TLS key (PEM body)': TLS_KEY_BODY,
      'router TLS key (PEM)': TLS_KEY_PEM,
      'endpoint primary key': ENDPOINT_KEYS[0],
      'endpoint secondary key': ENDPOINT_KEYS[1],
      'API token ci-pipeline': ciToken,
      ...Object.fromEntries((['admin', 'dsVision', 'dsForecasting', 'auditor'] as const).map((w) => [`API token of ${w}`, cast.users[w].token])),
      ...Object.fromEntries(tokenRows.map((t) => [`token hash ${t.name} of ${t.userId}`, t.tokenHash])),
      ...Object.fromEntries(userRows.filter((u) => u.passwordHash).map((u) => [`password hash of ${u.email}`, u.passwordHash!])),
      ...Object.fromEntries(cluster.filter(Boolean).map((c, i) => [`sealed credentials ${i}`, c])),
      ...Object.fromEntries(exts.map((c, i) => [`sealed TLS ${i}`, c])),
      'Azure client secret': AZURE_SECRET,
      ...Object.fromEntries((await db.select().from(azureConnections)).filter((c) => c.secretEnc).map((c) => [`sealed Azure secret of ${c.name}`, c.secretEnc!])),
      'HARBORMASTER_SECRET_KEY': process.env.HARBORMASTER_SECRET_KEY!,
    };
    const needles: Array<[string, string]> = Object.entries(secrets).flatMap(([what, v]) => [
      [what, v],
      [`${what} (base64)`, Buffer.from(v).toString('base64')],
      [`${what} (base64url)`, Buffer.from(v).toString('base64url')],
    ]);

    // The seeds are real: the owners get them back where they are meant to (so their absence below means something).
    const keys = await call(listKeysRoute.POST as never, { method: 'POST', path: '/api/v1/workspaces/vision/online-endpoints/scorer/list-keys', token: cast.users.dsVision.token, params: { workspace: 'vision', name: 'scorer' } });
    expect(keys.json).toEqual({ primaryKey: ENDPOINT_KEYS[0], secondaryKey: ENDPOINT_KEYS[1] });
    const rows = await db.select().from(clusters);
    const conn = (name: string) => JSON.stringify(clusterConnection(rows.find((c) => c.name === name)!));
    expect(conn('aks-secret')).toContain(KUBE_TOKEN);
    expect(conn('onprem-secret')).toContain(Buffer.from(CLIENT_KEY_PEM).toString('base64'));
    expect(storedTls(ids.aks, (await db.select().from(clusterExtensions).where(eq(clusterExtensions.clusterId, ids.aks)))[0])?.keyPem).toBe(TLS_KEY_PEM);

    const emails = Object.values(cast.users).map((u) => u.user.email);
    const ownTokenId = tokenRows.find((t) => t.userId === cast.users.auditor.user.id)!.id;
    const called: Array<{ path: string; status: number }> = [];
    const skipped: string[] = [];
    const leaks: string[] = [];
    for (const file of routeFiles().sort()) {
      const rel = path.relative(API_ROOT, path.dirname(file)).split(path.sep).join('/');
      const source = fs.readFileSync(file, 'utf8');
      if (!/export (const|async function|function) GET\b/.test(source)) continue;
      const sets = paramSets(rel, emails, ownTokenId);
      if (!sets) {
        skipped.push(rel);
        continue;
      }
      const mod = (await import(file)) as { GET: (...a: never[]) => Promise<Response> };
      for (const params of sets) {
        const urlPath = `/api/v1/${rel.replace(/\[+(?:\.\.\.)?(\w+)\]+/g, (_, p: string) => encodeURIComponent(params[p]))}`;
        for (const q of QUERIES[rel] ?? ['']) {
          const r = await call(mod.GET as never, { path: `${urlPath}${q}`, token: cast.users.auditor.token, params });
          called.push({ path: `${urlPath}${q}`, status: r.status });
          const text = `${[...r.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${r.text}`;
          for (const [what, needle] of needles) if (text.includes(needle)) leaks.push(`${urlPath}${q} (${r.status}) answers the ${what}`);
        }
      }
    }
    if (process.env.HM_SCAN_REPORT) console.log(called.map((c) => `${c.status} ${c.path}`).join('\n'));
    expect(leaks).toEqual([]);
    // Only the job-scoped blob download is left out (it takes a job's fetch token, never an auditor's).
    expect(skipped).toEqual(['code/[sha256]/[[...name]]']);
    // The scan reached the reads that matter with real answers, not refusals.
    const ok = (p: string) => called.find((c) => c.path === p)?.status;
    for (const p of [
      '/api/v1/clusters',
      '/api/v1/clusters/aks-secret',
      '/api/v1/clusters/aks-secret/extension',
      '/api/v1/clusters/onprem-secret',
      '/api/v1/workspaces/vision/online-endpoints',
      '/api/v1/workspaces/vision/online-endpoints/scorer',
      '/api/v1/workspaces/vision/jobs/seeded-job',
      '/api/v1/audit/sharing',
      '/api/v1/audit/access?cluster=onprem-secret',
      '/api/v1/audit/export?format=jsonl',
      '/api/v1/users',
      '/api/v1/tokens',
      '/api/v1/azure/connections',
      '/api/v1/azure/connections/seeded-azure',
    ]) {
      expect(ok(p), p).toBe(200);
    }
    expect(called.length).toBeGreaterThan(45);
  }, 300_000);
});
