// Entra-enabled AKS on the local control plane: a second testbed API server (etcd + kube-apiserver) whose structured
// authentication configuration (--authentication-config, apiserver.config.k8s.io/v1) has a JWT authenticator pointed
// at the local OpenID Connect issuer, audience the AKS AAD server application. The ARM stand-in serves it as an AKS
// cluster with aadProfile, whose listClusterUserCredential answers a kubelogin exec kubeconfig (server and CA of that
// API server). Harbormaster registers it through a service-principal connection: the exec user is never run, every
// call carries the service principal's token for the AKS server app, renewed before it expires (the issuer hands out
// 20-second tokens here).
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import YAML from 'yaml';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { startArmStandIn, type ArmStandIn } from '@/testbed/arm/stand-in.mjs';
import { ARM_SCOPE, armClients, staticCredential } from '@/testbed/arm/test-clients';
import { down, up } from '@/testbed/cluster.mjs';
import { k8sSkipReason, kubeConfig, waitFor } from '@/testbed/test-helpers';
import { createCast, call, type Cast } from '@/test/fixtures';
import { withIssuer, type Issuer } from '@/test/oidc';
import { armK8sSetup, armK8sTeardown } from '@/test/azure';
import * as fromAzureRoute from '@/app/api/v1/clusters/from-azure/route';
import * as refreshRoute from '@/app/api/v1/clusters/[cluster]/refresh-credentials/route';
import * as clusterRoute from '@/app/api/v1/clusters/[cluster]/route';
import * as discoveryRoute from '@/app/api/v1/azure/connections/[name]/clusters/route';
import { auditEvents, azureConnections, clusters } from '../db/schema';
import { runAction } from '../actions/run';
import { decryptSecret } from '../secrets';
import { clusterClient, clusterConnection, liveCache, probeConnection, type ClusterRow } from '../services/clusters';
import { AKS_SCOPE, AKS_SERVER_APP_ID, clusterTokenSource, dropClusterToken } from './aks-token';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 11).toString('base64');

const SUB = '7d3e5f10-0000-4000-8000-0000000000e7';
const RG = 'rg-entra';
const AKS = 'aks-entra';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS}`;
const SP = { clientId: 'c3d4e5f6-0000-4000-8000-00000000e17a', clientSecret: 'sp-secret-for-aks-Zt8!never-shown', oid: '0b7c5a1e-0000-4000-8000-0000000e17a0' };
const TTL_S = 20;
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/;

/** A raw GET to the Entra API server: status only (what it makes of the bearer token). */
function rawGet(server: string, ca: string, p: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = https.request(`${server}${p}`, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end();
  });
}

/** A token straight from the issuer's token endpoint (client credentials) for `scope`. */
function issuerToken(issuer: Issuer, scope: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: SP.clientId, client_secret: SP.clientSecret, scope }).toString();
  return new Promise((resolve, reject) => {
    const r = https.request(`${issuer.url}/token`, { method: 'POST', ca: issuer.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => {
        const j = JSON.parse(text) as { access_token?: string; error?: string };
        if (j.access_token) resolve(j.access_token);
        else reject(new Error(`issuer: ${j.error}`));
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe.skipIf(k8sSkipReason)('Entra-enabled AKS: calls carry a token of the AKS server app, through an Azure connection', () => {
  let dir: string;
  let stateDir: string;
  let cast: Cast;
  let issuer: Issuer;
  let stopIssuer: () => Promise<void>;
  let arm: ArmStandIn;
  let server: string;
  let apiCa: string;
  let admin: KubeConfig;
  const bodies: string[] = [];
  const logLines: string[] = [];
  const seenTokens = new Set<string>();
  const db = () => cast.db.db;
  const row = async (): Promise<ClusterRow> => (await db().select().from(clusters).where(eq(clusters.name, AKS)))[0];

  async function req(handler: Parameters<typeof call>[0], method: string, p: string, params: Record<string, string>, body?: unknown) {
    const r = await call(handler, { token: cast.users.admin.token, method, path: p, params, body });
    bodies.push(r.text);
    return r;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-aks-entra-'));
    cast = await createCast();
    ({ issuer, stop: stopIssuer } = await withIssuer({ servicePrincipals: [SP], accessTokenTtl: TTL_S }));
    // The API server's JWT authenticator: the local issuer, audience the AKS server app, username from `oid`.
    const authConfig = path.join(dir, 'authentication-config.yaml');
    fs.writeFileSync(
      authConfig,
      YAML.stringify({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AuthenticationConfiguration',
        jwt: [
          {
            issuer: { url: issuer.url, audiences: [AKS_SERVER_APP_ID], certificateAuthority: issuer.caPem },
            claimMappings: { username: { claim: 'oid', prefix: 'aad:' } },
          },
        ],
      }),
    );
    stateDir = path.join(dir, 'cluster');
    const info = await up({ profile: 'test', stateDir, fresh: true, quiet: true, controlPlaneOnly: true, apiserverArgs: [`--authentication-config=${authConfig}`, '--anonymous-auth=false'] });
    server = info.apiServerUrl;
    const kubeconfig = fs.readFileSync(info.kubeconfigPath, 'utf8');
    admin = new KubeConfig();
    admin.loadFromString(kubeconfig);
    apiCa = Buffer.from(admin.getCurrentCluster()!.caData!, 'base64').toString('utf8');
    // RBAC for the service principal's Entra identity, made with the admin client certificate.
    await admin.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
      body: {
        metadata: { name: 'entra-sp-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `aad:${SP.oid}` }],
      },
    });
    arm = await startArmStandIn({
      dataDir: path.join(dir, 'arm'),
      log: () => {},
      issuer: { jwksUri: `${issuer.url}/jwks`, ca: issuer.caPem },
      clusters: [{ kind: 'aks', subscriptionId: SUB, resourceGroup: RG, name: AKS, location: 'westeurope', kubeconfig, aad: true }],
    });
    await armK8sSetup(cast, logLines, SP, { issuer, arm });
  }, 180_000);

  afterAll(async () => {
    await armK8sTeardown(k8sSkipReason ? undefined : kubeConfig().makeApiClient(CoreV1Api));
    await arm?.close();
    if (stateDir) await down({ stateDir, quiet: true });
    await stopIssuer?.();
    await cast?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the API server checks the token: none, or one for another audience, is refused; one for the AKS server app is accepted', async () => {
    expect(await rawGet(server, apiCa, '/api/v1/namespaces')).toBe(401);
    expect(await rawGet(server, apiCa, '/api/v1/namespaces', await issuerToken(issuer, ARM_SCOPE))).toBe(401);
    // The JWT authenticator fetches the issuer's keys after start: until then even a good token is refused.
    const good = await issuerToken(issuer, AKS_SCOPE);
    await waitFor(async () => (await rawGet(server, apiCa, '/api/v1/namespaces', good)) === 200, { what: 'the JWT authenticator to accept an AKS-audience token', timeoutMs: 30_000 });
  });

  it('discovery shows the cluster as Entra-enabled; ARM hands out a kubelogin exec kubeconfig for it', async () => {
    const found = await req(discoveryRoute.GET, 'GET', `/api/v1/azure/connections/sp/clusters?subscription=${SUB}`, { name: 'sp' });
    expect(found.status).toBe(200);
    expect(found.json.items).toEqual([expect.objectContaining({ id: AKS_ID, kind: 'aks', entraEnabled: true })]);
    // What `az aks get-credentials` would get: kubelogin for the AKS server app, with this API server and its CA.
    const sdk = armClients(arm, SUB, { credential: staticCredential(await issuerToken(issuer, ARM_SCOPE)) });
    const cred = await sdk.aks.managedClusters.listClusterUserCredentials(RG, AKS);
    const kc = YAML.parse(Buffer.from(cred.kubeconfigs![0].value!).toString('utf8'));
    expect(kc.clusters[0].cluster).toMatchObject({ server, 'certificate-authority-data': Buffer.from(apiCa).toString('base64') });
    expect(kc.users[0].user.exec).toMatchObject({ command: 'kubelogin', args: expect.arrayContaining(['--server-id', AKS_SERVER_APP_ID]) });
  });

  it('registers it from ARM: cluster entry kept, user replaced by Entra token auth through the connection; checks and a list call reach it', async () => {
    arm.clearRequests();
    const r = await req(fromAzureRoute.POST, 'POST', '/api/v1/clusters/from-azure', {}, { connection: 'sp', resourceId: AKS_ID, name: AKS, location: 'cloud' });
    expect(r.status, r.text).toBe(201);
    expect(r.json.cluster).toMatchObject({ name: AKS, kind: 'aks', azureResourceId: AKS_ID, connection: { mode: 'azure', server, authMethod: 'entraToken' } });
    expect(r.json.checks).toMatchObject({ reachable: true, error: null, identity: expect.objectContaining({ username: `aad:${SP.oid}` }) });
    expect(arm.requests().some((q) => q.method === 'POST' && /managedClusters\/aks-entra\/listClusterUserCredential$/i.test(q.path) && q.status === 200)).toBe(true);

    const stored = await row();
    expect(stored).toMatchObject({ connectionMode: 'azure', authMethod: 'entraToken', azureSessionEnc: null });
    const [conn] = await db().select().from(azureConnections);
    expect(stored.azureConnectionId).toBe(conn.id);
    // The stored kubeconfig: ARM's server and CA, a user without credentials (no exec, no token).
    const kc = JSON.parse(decryptSecret(stored.credentialsEnc!, `cluster:${stored.id}:credentials`));
    expect(kc.clusters[0].cluster).toMatchObject({ server, 'certificate-authority-data': expect.any(String) });
    expect(kc.users[0].user).toEqual({});
    expect(JSON.stringify(kc)).not.toMatch(/kubelogin|exec/);

    // The stored registration serves the cluster: the checks again, and a real list call.
    const check = await runAction<{ checks: { reachable: boolean; error: unknown } }>('clusters.check', { name: AKS }, cast.caller('admin'));
    expect(check.checks).toMatchObject({ reachable: true, error: null });
    const c = clusterClient(stored);
    try {
      const list = await c.get<{ items: Array<{ metadata: { name: string } }> }>('/api/v1/namespaces');
      expect(list.items.map((n) => n.metadata.name)).toContain('kube-system');
    } finally {
      c.close();
    }
    const src = clusterTokenSource(stored);
    seenTokens.add(await src.token());
    const dto = await req(clusterRoute.GET, 'GET', `/api/v1/clusters/${AKS}`, { cluster: AKS });
    expect(dto.json.connection).toMatchObject({ mode: 'azure', authMethod: 'entraToken' });
  });

  it('renews the token before it expires: calls and the live cache keep working past the first token\'s end', async () => {
    const stored = await row();
    const src = clusterTokenSource(stored);
    const firstExpiry = src.expiresAt!;
    expect(firstExpiry).toBeGreaterThan(Date.now());
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNode({ body: { metadata: { name: 'entra-node-a', labels: { 'kubernetes.azure.com/agentpool': 'system' } } } });
    const cache = liveCache(stored);
    await waitFor(() => cache.nodes().items().some((n) => (n as { name?: string }).name === 'entra-node-a'), { what: 'the informer (Entra token) to list the node', timeoutMs: 15_000 });
    // Past the first token's expiry (the API server would refuse it): a renewed one is in use.
    await waitFor(() => Date.now() > firstExpiry + 1_000, { what: 'the first token to expire', timeoutMs: (TTL_S + 5) * 1000, intervalMs: 500 });
    const c = clusterClient(stored);
    try {
      await c.get('/api/v1/namespaces');
    } finally {
      c.close();
    }
    expect(src.expiresAt!).toBeGreaterThan(firstExpiry);
    expect(src.obtained).toBeGreaterThanOrEqual(1);
    seenTokens.add(await src.token());
    expect(seenTokens.size).toBe(2);
    await core.createNode({ body: { metadata: { name: 'entra-node-b', labels: { 'kubernetes.azure.com/agentpool': 'system' } } } });
    await waitFor(() => cache.nodes().items().some((n) => (n as { name?: string }).name === 'entra-node-b'), { what: 'the informer to see a node made after the renewal', timeoutMs: 15_000 });
    cache.nodes().resync();
    await waitFor(() => cache.nodes().items().length >= 2, { what: 'the informer to list again with the renewed token', timeoutMs: 15_000 });
  }, 60_000);

  it('refreshes the credentials from ARM for an Entra-enabled cluster', async () => {
    const before = await row();
    const r = await req(refreshRoute.POST, 'POST', `/api/v1/clusters/${AKS}/refresh-credentials`, { cluster: AKS });
    expect(r.status, r.text).toBe(200);
    expect(r.json.checks).toMatchObject({ reachable: true, error: null });
    const after = await row();
    expect(after).toMatchObject({ authMethod: 'entraToken', connectionMode: 'azure', credentialsVersion: before.credentialsVersion + 1 });
    const c = clusterClient(after);
    try {
      await c.get('/api/v1/namespaces/default');
    } finally {
      c.close();
    }
    seenTokens.add(await clusterTokenSource(after).token());
  });

  it('a token the identity provider refuses is the cluster\'s connection error, with the credential\'s sentence', async () => {
    await runAction('azureConnections.update', { name: 'sp', clientSecret: 'not-the-secret-of-this-sp' }, cast.caller('admin'));
    const stored = await row();
    dropClusterToken(stored.id); // as after a restart: no token cached
    const probe = await probeConnection(clusterConnection(stored));
    expect(probe.reachable).toBe(false);
    expect(probe.error).toMatchObject({ reason: 'unauthorized', message: expect.stringMatching(new RegExp(`no Entra token for cluster ${AKS}: the identity provider .* refused the credentials of service principal ${SP.clientId}`)) });
    const c = clusterClient(stored);
    try {
      await expect(c.get('/api/v1/namespaces')).rejects.toThrow(/refused the credentials/);
    } finally {
      c.close();
    }
    await runAction('azureConnections.update', { name: 'sp', clientSecret: SP.clientSecret }, cast.caller('admin'));
    dropClusterToken(stored.id);
    // With no token cached, the check asks the identity provider (and reads the connection) before its transaction.
    const check = await runAction<{ checks: { reachable: boolean; error: unknown } }>('clusters.check', { name: AKS }, cast.caller('admin'));
    expect(check.checks).toMatchObject({ reachable: true, error: null });
  });

  it('no token, secret or kubeconfig user in any response, audit event or log line', async () => {
    const audits = JSON.stringify(await db().select().from(auditEvents));
    const everything = [...bodies, audits, ...logLines];
    expect(seenTokens.size).toBeGreaterThanOrEqual(2);
    for (const text of everything) {
      expect(text).not.toMatch(JWT);
      for (const t of seenTokens) expect(text).not.toContain(t);
      expect(text).not.toContain(SP.clientSecret);
      expect(text).not.toContain('kubelogin');
    }
    expect(audits).toContain('Entra-enabled: calls carry an Entra token through connection sp');
  });
});
