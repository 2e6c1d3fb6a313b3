// Azure connections and discovery (issue 17, server side) against the real pieces: the ARM stand-in
// (testbed/arm/stand-in.mjs) verifying every bearer token as a JWT from the local OpenID Connect issuer
// (testbed/oidc/issuer.mjs, node-oidc-provider) through its JWKS, the real Azure SDK clients and @azure/identity
// credentials, the console's routes and the one action pipeline. Each credential kind gets a real token:
//   user               sign in through the issuer's pages (signInWithIssuer), then the route uses the session's token
//   client_secret      ClientSecretCredential → the issuer's client_credentials grant (client_secret_post)
//   client_certificate ClientCertificateCredential → private_key_jwt signed with the certificate's key
//   managed_identity   ManagedIdentityCredential → a local IDENTITY_ENDPOINT speaking the App Service protocol,
//                      which itself gets the token from the issuer (as Azure's identity endpoint gets it from Entra)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import YAML from 'yaml';
import { decodeJwt } from 'jose';
import { startArmStandIn, type ArmStandIn } from '@/testbed/arm/stand-in.mjs';
import { createCast, call, type Cast } from '@/test/fixtures';
import { signInWithIssuer, withIssuer, type Issuer } from '@/test/oidc';
import { captureLogLines } from '@/test/azure';
import * as connectionsRoute from '@/app/api/v1/azure/connections/route';
import * as connectionRoute from '@/app/api/v1/azure/connections/[name]/route';
import * as testRoute from '@/app/api/v1/azure/connections/[name]/test/route';
import * as subscriptionsRoute from '@/app/api/v1/azure/connections/[name]/subscriptions/route';
import * as workspacesRoute from '@/app/api/v1/azure/connections/[name]/workspaces/route';
import * as clustersRoute from '@/app/api/v1/azure/connections/[name]/clusters/route';
import * as linkRoute from '@/app/api/v1/workspaces/[workspace]/azure/route';
import { auditEvents, azureConnections, clusters, workspaceAzureLinks } from '../db/schema';
import { isAppError } from '../errors';
import { runAction } from '../actions/run';
import { armClients, configureArmRetries } from './clients';
import { getConnection } from './connections';
import { fetchClusterCredentials, listAzureClusters, listMlWorkspaces, listSubscriptions, openAzure } from './discovery';
import { armError } from './errors';

const SUB = '3f2a9c1e-1111-4a2b-8c3d-000000000001';
const SUB2 = '3f2a9c1e-2222-4a2b-8c3d-000000000002';
const SP = { clientId: 'a1b2c3d4-0000-4000-8000-000000005ec7', clientSecret: 'sp-secret-Zq8!never-shown' };
const SP_CERT_ID = 'a1b2c3d4-0000-4000-8000-0000000ce47f';
const MI = { clientId: 'a1b2c3d4-0000-4000-8000-0000000000a1', clientSecret: 'mi-backend-secret', header: 'identity-header-value-4f1c' };

const tokenKubeconfig = (name: string) =>
  YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: `kube-token-of-${name}-0123456789` } }],
    contexts: [{ name, context: { cluster: name, user: 'u' } }],
    'current-context': name,
  });
const execKubeconfig = YAML.stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'aks-entra', cluster: { server: 'https://127.0.0.1:1' } }],
  users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args: ['get-token'] } } }],
  contexts: [{ name: 'aks-entra', context: { cluster: 'aks-entra', user: 'u' } }],
  'current-context': 'aks-entra',
});

let cast: Cast;
let issuer: Issuer;
let stopIssuer: () => Promise<void>;
let arm: ArmStandIn;
let dir: string;
let certPem: string;
let miServer: http.Server;
let miUrl: string;
const miRequests: Array<{ url: string; header: string | undefined }> = [];
const logLines: string[] = [];
let caPem: string;
const savedEnv = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };

const admin = () => cast.users.admin.token;
const auditor = () => cast.users.auditor.token;

/** The issuer's client_credentials grant, as Azure's identity endpoint gets tokens from Entra for a managed identity. */
async function issuerToken(clientId: string, clientSecret: string): Promise<{ access_token: string; expires_in: number }> {
  const { default: https } = await import('node:https');
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://management.azure.com/.default' }).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(`${issuer.url}/token`, { method: 'POST', ca: issuer.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let t = '';
      res.on('data', (d) => (t += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(t)) : reject(new Error(`issuer answered ${res.statusCode}: ${t}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-azure-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sp.key', '-out', 'sp.crt', '-days', '2', '-subj', '/CN=harbormaster-sp'], { cwd: dir, stdio: 'ignore' });
  certPem = fs.readFileSync(path.join(dir, 'sp.key'), 'utf8') + fs.readFileSync(path.join(dir, 'sp.crt'), 'utf8');
  cast = await createCast();
  ({ issuer, stop: stopIssuer } = await withIssuer({
    servicePrincipals: [SP, { clientId: SP_CERT_ID, certificate: fs.readFileSync(path.join(dir, 'sp.crt'), 'utf8') }, { clientId: MI.clientId, clientSecret: MI.clientSecret }],
  }));
  arm = await startArmStandIn({
    dataDir: path.join(dir, 'arm'),
    pageSize: 2,
    log: () => {},
    issuer: { jwksUri: `${issuer.url}/jwks`, ca: issuer.caPem },
    subscriptions: [{ subscriptionId: SUB, displayName: 'ML production' }, { subscriptionId: SUB2, displayName: 'Edge' }],
    workspaces: [
      { subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-vision', location: 'westeurope', friendlyName: 'Vision' },
      { subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-forecast', location: 'westeurope' },
      { subscriptionId: SUB, resourceGroup: 'rg-other', name: 'ws-other', location: 'eastus' },
    ],
    clusters: [
      { kind: 'aks', subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'aks1', location: 'westeurope', kubeconfig: tokenKubeconfig('aks1') },
      { kind: 'aks', subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'aks-entra', location: 'westeurope', kubeconfig: execKubeconfig, aad: true },
      { kind: 'arc', subscriptionId: SUB, resourceGroup: 'rg-edge', name: 'arc1', location: 'northeurope', kubeconfig: tokenKubeconfig('arc1') },
    ],
  });
  caPem = `${arm.caPem}\n${issuer.caPem}`;
  // The managed identity endpoint (App Service / Azure ML compute protocol, what msal-node's AppService source sends).
  miServer = http.createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    miRequests.push({ url: req.url ?? '', header: req.headers['x-identity-header'] as string | undefined });
    if (req.headers['x-identity-header'] !== MI.header || u.searchParams.get('api-version') !== '2019-08-01') {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_request', error_description: 'bad header or api-version' }));
      return;
    }
    const t = await issuerToken(MI.clientId, MI.clientSecret);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ access_token: t.access_token, expires_on: String(Math.floor(Date.now() / 1000) + t.expires_in), resource: u.searchParams.get('resource'), token_type: 'Bearer', client_id: MI.clientId }),
    );
  });
  await new Promise<void>((r) => miServer.listen(0, '127.0.0.1', () => r()));
  miUrl = `http://127.0.0.1:${(miServer.address() as { port: number }).port}/msi/token`;
  Object.assign(process.env, { IDENTITY_ENDPOINT: miUrl, IDENTITY_HEADER: MI.header });
  // Every log line the console writes during these tests (to prove no secret or token reaches one).
  captureLogLines(logLines);
  configureArmRetries({ retryDelayInMs: 5, maxRetryDelayInMs: 20 });
}, 120_000);

afterAll(async () => {
  configureArmRetries(null);
  vi.restoreAllMocks();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await arm?.close();
  await new Promise((r) => miServer?.close(r));
  await stopIssuer?.();
  await cast?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const create = (body: Record<string, unknown>, token = admin()) => call(connectionsRoute.POST, { token, body, path: '/api/v1/azure/connections' });
const get = (handler: typeof subscriptionsRoute.GET, name: string, query = '', auth: { token?: string; cookie?: string } = { token: admin() }) =>
  call(handler, { path: `/api/v1/azure/connections/${name}/x${query}`, params: { name }, token: auth.token, headers: auth.cookie ? { cookie: auth.cookie } : {} });
const lastAudit = async (action: string) => (await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1))[0];
const db = () => cast.db.db;

describe('Azure connections: each credential kind gets a real token that the ARM stand-in verifies', () => {
  it('client_secret: ClientSecretCredential at the local authority (instance discovery off, private CA) lists the subscriptions', async () => {
    const r = await create({ name: 'sp-secret', kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: SP.clientId, clientSecret: SP.clientSecret, authorityHost: issuer.url, armEndpoint: arm.url, caPem });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'sp-secret', kind: 'client_secret', clientId: SP.clientId, hasSecret: true, authorityHost: issuer.url, armEndpoint: arm.url, privateCa: true });
    expect(r.text).not.toContain(SP.clientSecret);
    // Stored encrypted (AES-GCM under the connection id), not as plaintext.
    const [row] = await db().select().from(azureConnections).where(eq(azureConnections.name, 'sp-secret'));
    expect(row.secretEnc).toMatch(/^v1:/);
    expect(row.secretEnc).not.toContain(SP.clientSecret);

    arm.clearRequests();
    const subs = await get(subscriptionsRoute.GET, 'sp-secret');
    expect(subs.status).toBe(200);
    expect(subs.json.items.map((s: { subscriptionId: string; displayName: string }) => [s.displayName, s.subscriptionId])).toEqual([
      ['Edge', SUB2],
      ['ML production', SUB],
    ]);
    expect(arm.requests().every((q) => q.status === 200)).toBe(true);

    // The token really is the issuer's app-only token for ARM (the stand-in checked signature and audience).
    const az = await openAzure(db(), 'sp-secret');
    const t = await az.credential.getToken('https://management.azure.com/.default');
    expect(decodeJwt(t!.token)).toMatchObject({ iss: issuer.url, aud: 'https://management.azure.com', appid: SP.clientId, sub: SP.clientId });
  });

  it('client_certificate: ClientCertificateCredential signs a client assertion the issuer verifies against the certificate', async () => {
    const r = await create({ name: 'sp-cert', kind: 'client_certificate', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: SP_CERT_ID, certificate: certPem, authorityHost: issuer.url, armEndpoint: arm.url, caPem });
    expect(r.status).toBe(201);
    expect(r.text).not.toContain('PRIVATE KEY');
    const t = await call(testRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/azure/connections/sp-cert/test', params: { name: 'sp-cert' } });
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ ok: true, steps: [{ step: 'token', ok: true }, { step: 'subscriptions', ok: true }] });
    expect(t.json.steps[0].detail).toContain(`service principal ${SP_CERT_ID} (certificate)`);
    expect(t.json.steps[1].detail).toContain('listed 2 subscription(s)');
    const az = await openAzure(db(), 'sp-cert');
    expect(decodeJwt((await az.credential.getToken('https://management.azure.com/.default'))!.token)).toMatchObject({ appid: SP_CERT_ID, aud: 'https://management.azure.com' });
  });

  it('a certificate whose key does not match, or a PEM without a key, is refused with the field named', async () => {
    const other = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], { encoding: 'utf8' });
    const mismatched = other + fs.readFileSync(path.join(dir, 'sp.crt'), 'utf8');
    const r = await create({ name: 'sp-bad', kind: 'client_certificate', tenantId: 't1', clientId: SP_CERT_ID, certificate: mismatched, authorityHost: issuer.url });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([{ path: 'certificate', message: 'the private key does not belong to the certificate' }]);
    const noKey = await create({ name: 'sp-bad', kind: 'client_certificate', tenantId: 't1', clientId: SP_CERT_ID, certificate: fs.readFileSync(path.join(dir, 'sp.crt'), 'utf8') });
    expect(noKey.status).toBe(400);
    expect(noKey.json.errors[0].path).toBe('certificate');
    const missing = await create({ name: 'sp-bad', kind: 'client_secret', tenantId: 't1' });
    expect(missing.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['clientId', 'clientSecret']);
  });

  it('managed_identity: ManagedIdentityCredential uses IDENTITY_ENDPOINT/IDENTITY_HEADER (App Service protocol, api-version 2019-08-01)', async () => {
    const r = await create({ name: 'mi-user-assigned', kind: 'managed_identity', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: MI.clientId, armEndpoint: arm.url, caPem });
    expect(r.status).toBe(201);
    expect(r.json.hasSecret).toBe(false);
    miRequests.length = 0;
    const subs = await get(subscriptionsRoute.GET, 'mi-user-assigned');
    expect(subs.status).toBe(200);
    expect(subs.json.items).toHaveLength(2);
    expect(miRequests).toHaveLength(1);
    const q = new URL(miRequests[0].url, 'http://x').searchParams;
    expect(miRequests[0].header).toBe(MI.header);
    expect(Object.fromEntries(q)).toEqual({ 'api-version': '2019-08-01', resource: 'https://management.azure.com', client_id: MI.clientId });
  });

  it('user: the signed-in user’s own ARM token (msal-node silent renewal from their Microsoft sign-in) reaches ARM', async () => {
    expect((await create({ name: 'as-user', kind: 'user', tenantId: '72f988bf-0000-4000-8000-00000000c0de', armEndpoint: arm.url, caPem })).status).toBe(201);
    const signIn = await signInWithIssuer(issuer, 'olivia@contoso.test');
    expect(signIn.session).toBeTruthy();
    arm.clearRequests();
    const subs = await get(subscriptionsRoute.GET, 'as-user', '', { cookie: `hm_session=${signIn.session}` });
    expect(subs.status).toBe(200);
    expect(subs.json.items).toHaveLength(2);
    expect(arm.requests().map((q) => q.status)).toEqual([200]);
    // The same call with an API token has no Microsoft sign-in to act as: refused with the reason.
    const byToken = await get(subscriptionsRoute.GET, 'as-user');
    expect(byToken.status).toBe(403);
    expect(byToken.json.detail).toMatch(/acts as the signed-in user: call it from a browser session signed in with Microsoft/);
  });

  it('a wrong client secret: the test answers which step failed and why, naming the identity (never the secret)', async () => {
    await create({ name: 'sp-wrong', kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: SP.clientId, clientSecret: 'not-the-secret-xyz', authorityHost: issuer.url, armEndpoint: arm.url, caPem });
    const t = await call(testRoute.POST, { token: admin(), method: 'POST', path: '/api/v1/azure/connections/sp-wrong/test', params: { name: 'sp-wrong' } });
    expect(t.status).toBe(200);
    expect(t.json.ok).toBe(false);
    expect(t.json.steps).toEqual([{ step: 'token', ok: false, detail: expect.stringContaining(`the identity provider ${issuer.url} refused the credentials of service principal ${SP.clientId} (client secret)`) }]);
    expect(t.text).not.toContain('not-the-secret-xyz');
    expect((await lastAudit('azureConnections.test')).message).toBe('token: failed');
  });

  it('the stand-in refuses a token that is not the issuer’s (an unsigned bearer) — the JWT check is real', async () => {
    const clients = armClients({ armEndpoint: arm.url, caPem }, { getToken: async () => ({ token: 'not-a-jwt', expiresOnTimestamp: Date.now() + 60_000 }) });
    const e = await collectError(() => clients.subscriptions().subscriptions.list().next());
    const mapped = armError(e, { armEndpoint: arm.url, identity: 'a test token', what: 'list the subscriptions' });
    expect(mapped.code).toBe('unauthorized');
    expect(mapped.message).toContain(`Azure Resource Manager (${arm.url}) refused the token of a test token while trying to list the subscriptions (InvalidAuthenticationToken`);
  });
});

async function collectError(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('discovery through ARM', () => {
  it('lists Azure ML workspaces by subscription and by resource group, with location (following nextLink)', async () => {
    const all = await get(workspacesRoute.GET, 'sp-secret', `?subscription=${SUB}`);
    expect(all.status).toBe(200);
    expect(all.json.items.map((w: { resourceGroup: string; name: string; location: string }) => `${w.resourceGroup}/${w.name}@${w.location}`)).toEqual([
      'rg-ml/ws-forecast@westeurope',
      'rg-ml/ws-vision@westeurope',
      'rg-other/ws-other@eastus',
    ]);
    expect(all.json.items.find((w: { name: string }) => w.name === 'ws-vision')).toMatchObject({ friendlyName: 'Vision', subscriptionId: SUB, id: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-vision` });
    const rg = await get(workspacesRoute.GET, 'sp-secret', `?subscription=${SUB}&resourceGroup=rg-other`);
    expect(rg.json.items.map((w: { name: string }) => w.name)).toEqual(['ws-other']);
    const bad = await get(workspacesRoute.GET, 'sp-secret', '?subscription=nope');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toEqual({ path: 'subscription', message: 'must be a subscription id (GUID)' });
  });

  it('lists AKS and Arc clusters with resource id, location, Kubernetes version and whether Entra is enabled', async () => {
    const r = await get(clustersRoute.GET, 'sp-secret', `?subscription=${SUB}`);
    expect(r.status).toBe(200);
    expect(r.json.errors).toEqual([]);
    const byName = Object.fromEntries(r.json.items.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['aks-entra', 'aks1', 'arc1']);
    expect(byName.aks1).toMatchObject({ kind: 'aks', id: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks1`, location: 'westeurope', resourceGroup: 'rg-ml', entraEnabled: false, provisioningState: 'Succeeded', kubernetesVersion: expect.stringMatching(/^1\.\d+/) });
    expect(byName['aks-entra'].entraEnabled).toBe(true);
    expect(byName.arc1).toMatchObject({ kind: 'arc', location: 'northeurope', resourceGroup: 'rg-edge', connectivityStatus: 'Connected', entraEnabled: false });
    // The auditor reads too (azure.read); a data scientist does not.
    expect((await get(clustersRoute.GET, 'sp-secret', `?subscription=${SUB}`, { token: auditor() })).status).toBe(200);
    expect((await get(clustersRoute.GET, 'sp-secret', `?subscription=${SUB}`, { token: cast.users.dsVision.token })).status).toBe(403);
  });

  it('fetches cluster credentials: AKS and Arc kubeconfigs pass the kubeconfig validator; an exec (kubelogin) one is refused unless the cluster is Entra-enabled', async () => {
    const az = await openAzure(db(), 'sp-secret');
    const aks = await fetchClusterCredentials(az, `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks1`);
    expect(aks).toMatchObject({ kind: 'aks', contextName: 'aks1', serverUrl: 'https://127.0.0.1:1', authMethod: 'token' });
    expect(aks.connection.mode).toBe('kubeconfig');
    const arc = await fetchClusterCredentials(az, `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc1`);
    expect(arc).toMatchObject({ kind: 'arc', contextName: 'arc1', authMethod: 'token' });
    const e = await collectError(() => fetchClusterCredentials(az, `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-entra`));
    expect(isAppError(e) && e.code).toBe('bad_request');
    expect((e as Error).message).toMatch(/the kubeconfig Azure returned for aks-entra cannot be used: .*exec plugin/);
    // Known to be Entra-enabled (aadProfile): the exec user is set aside, not run; calls carry an Entra token instead.
    const entra = await fetchClusterCredentials(az, `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-entra`, { entra: true });
    expect(entra).toMatchObject({ kind: 'aks', contextName: 'aks-entra', serverUrl: 'https://127.0.0.1:1', authMethod: 'entraToken' });
    expect(entra.connection.mode === 'kubeconfig' && entra.connection.kubeconfig.users[0].user).toEqual({});
    expect(entra.connection.mode === 'kubeconfig' && typeof entra.connection.bearer?.token).toBe('function');
    const missing = await collectError(() => fetchClusterCredentials(az, `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/nope`));
    expect(isAppError(missing) && missing.code).toBe('not_found');
  });
});

describe('ARM failures become precise errors', () => {
  const az = () => openAzure(db(), 'sp-secret');

  it('429 once: the SDK waits Retry-After and the list succeeds', async () => {
    arm.clearRequests();
    arm.addFault({ kind: 'throttle', retryAfter: 1, path: '/subscriptions$', count: 1 });
    const started = Date.now();
    const subs = await listSubscriptions(await az());
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(subs).toHaveLength(2);
    expect(arm.requests().map((q) => q.status)).toEqual([429, 200]);
  });

  it('429 after every retry: too_many_requests with Retry-After', async () => {
    arm.addFault({ kind: 'throttle', retryAfter: 0, path: '/workspaces$', count: -1 });
    try {
      const e = await collectError(async () => listMlWorkspaces(await az(), SUB));
      expect(isAppError(e) && e.code).toBe('too_many_requests');
      expect((e as Error).message).toMatch(/^Azure Resource Manager is throttling service principal .* and still answered 429 after the retries while trying to list the Azure ML workspaces of subscription .* \(SubscriptionRequestsThrottled: .*\); it asks to retry after 0 s\.$/);
    } finally {
      await arm.clearFaults();
    }
  });

  it('403 AuthorizationFailed: names the action, the scope and the role to assign', async () => {
    arm.addFault({ kind: 'forbidden', path: '/workspaces$', count: 1 });
    const e = await collectError(async () => listMlWorkspaces(await az(), SUB, 'rg-ml'));
    expect(isAppError(e) && e.code).toBe('forbidden');
    expect((e as Error).message).toBe(
      `service principal ${SP.clientId} (client secret) in tenant 72f988bf-0000-4000-8000-00000000c0de may not list the Azure ML workspaces of resource group rg-ml of subscription ${SUB}: Azure refused the action Microsoft.MachineLearningServices/workspaces/read on /subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces. Assign Reader (or another role that grants Microsoft.MachineLearningServices/workspaces/read) to this identity on /subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces. (AuthorizationFailed)`,
    );
  });

  it('500 after the retries → upstream_unavailable naming the ARM endpoint; a provider failing in the cluster list is an error entry', async () => {
    arm.addFault({ kind: 'error', status: 500, path: 'connectedClusters$', count: -1 });
    try {
      const r = await listAzureClusters(await az(), SUB);
      expect(r.items.map((c) => c.name).sort()).toEqual(['aks-entra', 'aks1']);
      expect(r.errors).toEqual([{ kind: 'arc', code: 'upstream_unavailable', message: expect.stringContaining(`Azure Resource Manager at ${arm.url} failed while trying to list the Azure Arc connected clusters of subscription ${SUB}: 500 InternalServerError`) }]);
    } finally {
      await arm.clearFaults();
    }
  });

  it('an outage (connection refused, 503) → upstream_unavailable naming the ARM endpoint', async () => {
    arm.addFault({ kind: 'outage', mode: 'refuse' });
    await new Promise((r) => setTimeout(r, 50));
    try {
      const e = await collectError(async () => listSubscriptions(await az()));
      expect(isAppError(e) && e.code).toBe('upstream_unavailable');
      expect((e as Error).message).toMatch(new RegExp(`^Azure Resource Manager at ${arm.url.replace(/[.]/g, '\\.')} could not be reached while trying to list the subscriptions \\(ECONNREFUSED\\)`));
    } finally {
      await arm.clearFaults();
    }
    arm.addFault({ kind: 'outage', mode: '503' });
    try {
      const r = await get(subscriptionsRoute.GET, 'sp-secret');
      expect(r.status).toBe(503);
      expect(r.json.detail).toContain(`Azure Resource Manager at ${arm.url} failed while trying to list the subscriptions: 503 ServiceUnavailable`);
    } finally {
      await arm.clearFaults();
    }
  });

  it('a long-running operation that ends Failed: its code and message verbatim', async () => {
    arm.addFault({ kind: 'lroFail', code: 'ExtensionOperationFailed', message: 'Helm install of azureml failed: timed out waiting for the condition' });
    const session = await az();
    const e = await session
      .call('install the Azure ML extension on aks1', (c) =>
        c.extensions(SUB).extensions.beginCreateAndWait('rg-ml', 'Microsoft.ContainerService', 'managedClusters', 'aks1', 'azureml', { extensionType: 'Microsoft.AzureML.Kubernetes' }, { updateIntervalInMs: 5 }),
      )
      .then(
        () => null,
        (x: unknown) => x,
      );
    expect(isAppError(e) && e.code).toBe('bad_request');
    expect((e as Error).message).toBe('Azure could not install the Azure ML extension on aks1: the operation ended Failed — ExtensionOperationFailed. Helm install of azureml failed: timed out waiting for the condition');
  });
});

describe('actions: connections and workspace links through the one pipeline', () => {
  it('links a workspace after checking the Azure ML workspace through ARM (outside the transaction), audits it, and unlinks', async () => {
    const dry = await call(linkRoute.PUT, { token: admin(), method: 'PUT', path: '/api/v1/workspaces/vision/azure?dryRun=true', params: { workspace: 'vision' }, body: { connection: 'sp-secret', subscriptionId: SUB, resourceGroup: 'RG-ML', workspaceName: 'ws-vision' } });
    expect(dry.status).toBe(200);
    expect(await db().select().from(workspaceAzureLinks)).toHaveLength(0);
    const r = await call(linkRoute.PUT, { token: admin(), method: 'PUT', path: '/api/v1/workspaces/vision/azure', params: { workspace: 'vision' }, body: { connection: 'sp-secret', subscriptionId: SUB, resourceGroup: 'RG-ML', workspaceName: 'ws-vision' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ workspace: 'vision', connection: 'sp-secret', subscriptionId: SUB, resourceGroup: 'rg-ml', workspaceName: 'ws-vision', location: 'westeurope', armId: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-vision`, linkedBy: 'admin@example.com' });
    const audit = await lastAudit('workspaces.linkAzure');
    expect(audit).toMatchObject({ outcome: 'success', workspace: 'vision', targetType: 'workspace.azure' });
    // A data scientist of the workspace sees the link; the connection can no longer be deleted.
    expect((await call(linkRoute.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision' } })).json.workspaceName).toBe('ws-vision');
    const del = await call(connectionRoute.DELETE, { token: admin(), method: 'DELETE', params: { name: 'sp-secret' } });
    expect(del.status).toBe(409);
    expect(del.json.detail).toBe('Azure connection sp-secret is in use: workspace(s) vision are linked through it. Unlink or remove them first.');
    const un = await call(linkRoute.DELETE, { token: admin(), method: 'DELETE', params: { workspace: 'vision' } });
    expect(un.status).toBe(200);
    expect(await db().select().from(workspaceAzureLinks)).toHaveLength(0);
  });

  it('a workspace ARM does not know: 404 with ARM’s words, audited as failed, nothing stored', async () => {
    const r = await call(linkRoute.PUT, { token: admin(), method: 'PUT', params: { workspace: 'forecasting' }, body: { connection: 'sp-secret', subscriptionId: SUB, resourceGroup: 'rg-ml', workspaceName: 'ws-missing' } });
    expect(r.status).toBe(404);
    expect(r.json.detail).toMatch(/^Azure could not read Azure ML workspace ws-missing in resource group rg-ml of subscription .*: not found \(ResourceNotFound: /);
    expect(await lastAudit('workspaces.linkAzure')).toMatchObject({ outcome: 'failed', workspace: 'forecasting' });
    expect(await db().select().from(workspaceAzureLinks)).toHaveLength(0);
  });

  it('403 from ARM while linking: the role-assignment sentence reaches the API caller', async () => {
    arm.addFault({ kind: 'forbidden', path: '/workspaces/ws-forecast$', count: 1 });
    const r = await call(linkRoute.PUT, { token: admin(), method: 'PUT', params: { workspace: 'forecasting' }, body: { connection: 'sp-secret', subscriptionId: SUB, resourceGroup: 'rg-ml', workspaceName: 'ws-forecast' } });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain(`Assign Reader (or another role that grants Microsoft.MachineLearningServices/workspaces/read) to this identity on /subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-forecast`);
  });

  it('update replaces the secret (audited without it), auditors read but cannot change, delete removes an unused connection', async () => {
    const u = await call(connectionRoute.PATCH, { token: admin(), method: 'PATCH', params: { name: 'sp-wrong' }, body: { clientSecret: SP.clientSecret } });
    expect(u.status).toBe(200);
    expect((await lastAudit('azureConnections.update')).message).toBe('client secret stored encrypted (replaced)');
    const t = await call(testRoute.POST, { token: admin(), method: 'POST', params: { name: 'sp-wrong' } });
    expect(t.json.ok).toBe(true);
    expect((await call(connectionRoute.PATCH, { token: auditor(), method: 'PATCH', params: { name: 'sp-wrong' }, body: { tenantId: 'x' } })).status).toBe(403);
    const one = await call(connectionRoute.GET, { token: auditor(), params: { name: 'sp-wrong' } });
    expect(one.json).toMatchObject({ name: 'sp-wrong', hasSecret: true, usedBy: { workspaces: [], clusters: [] } });
    const list = await call(connectionsRoute.GET, { token: auditor() });
    expect(list.json.items.map((c: { name: string }) => c.name)).toEqual(['as-user', 'mi-user-assigned', 'sp-cert', 'sp-secret', 'sp-wrong']);
    const kind = await call(connectionRoute.PATCH, { token: admin(), method: 'PATCH', params: { name: 'mi-user-assigned' }, body: { clientSecret: 'x' } });
    expect(kind.json.errors).toEqual([{ path: 'clientSecret', message: 'is not used by a managed_identity connection' }]);
    expect((await call(connectionRoute.DELETE, { token: admin(), method: 'DELETE', params: { name: 'sp-wrong' } })).status).toBe(200);
    expect(await lastAudit('azureConnections.delete')).toMatchObject({ outcome: 'success', targetName: 'sp-wrong' });
  });

  it('a cluster that takes its credentials through a connection keeps the connection from being deleted', async () => {
    const conn = await getConnection(db(), 'sp-cert');
    await db().insert(clusters).values({ name: 'from-azure', kind: 'aks', location: 'cloud', connectionMode: 'azure', azureResourceId: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks1`, azureConnectionId: conn.id });
    const e = await runAction('azureConnections.delete', { name: 'sp-cert' }, cast.caller('admin')).catch((x: unknown) => x);
    expect((e as Error).message).toBe('Azure connection sp-cert is in use: cluster(s) from-azure get their credentials through it. Unlink or remove them first.');
    await db().delete(clusters).where(eq(clusters.name, 'from-azure'));
  });

  it('no secret or token in any connection DTO, audit event or log line', async () => {
    const az = await openAzure(db(), 'sp-secret');
    const token = (await az.credential.getToken('https://management.azure.com/.default'))!.token;
    const events = JSON.stringify(await db().select().from(auditEvents));
    const dtos = (await call(connectionsRoute.GET, { token: admin() })).text;
    const logs = logLines.join('\n');
    const keyMaterial = certPem.split('\n')[1].slice(0, 40); // a line of the private key's body
    expect(logLines.length).toBeGreaterThan(10);
    for (const haystack of [events, dtos, logs]) {
      expect(haystack).not.toContain(SP.clientSecret);
      expect(haystack).not.toContain(keyMaterial);
      expect(haystack).not.toContain(token);
      expect(haystack).not.toContain(MI.header);
      expect(haystack).not.toContain('kube-token-of-');
    }
    expect(events).toContain('azureConnections.create');
  });
});
