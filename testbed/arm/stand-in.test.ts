// ARM stand-in without a cluster: routing, api-versions, bearer/JWT auth, absolute nextLink paging and the admin
// routes, driven by the real SDK clients where they apply. The cluster-backed paths are in stand-in.k8s.test.ts.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { startArmStandIn, type ArmStandIn } from './stand-in.mjs';
import { armClients, standInRequest, staticCredential } from './test-clients';

const SUB = '3f2a9c1e-0000-4000-8000-00000000a001';
const SUB2 = '3f2a9c1e-0000-4000-8000-00000000a002';
const WS_PATH = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-one`;

let dataDir: string;
let standIn: ArmStandIn;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm-stand-in-unit-'));
  standIn = await startArmStandIn({
    dataDir,
    pageSize: 2,
    subscriptions: [{ subscriptionId: SUB, displayName: 'ML research' }, { subscriptionId: SUB2 }],
    workspaces: [
      { subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-one', location: 'westeurope', friendlyName: 'Workspace one' },
      { subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-two', location: 'westeurope' },
      { subscriptionId: SUB, resourceGroup: 'rg-other', name: 'ws-three', location: 'eastus' },
      { subscriptionId: SUB2, resourceGroup: 'rg-x', name: 'ws-elsewhere', location: 'eastus' },
    ],
  });
});
afterAll(async () => {
  await standIn?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('ARM stand-in (no cluster)', () => {
  it('serves HTTPS from a CA cached in the data dir, reused by a second start', async () => {
    expect(standIn.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.readFileSync(standIn.caFile, 'utf8')).toBe(standIn.caPem);
    const again = await startArmStandIn({ dataDir });
    try {
      expect(again.caPem).toBe(standIn.caPem);
    } finally {
      await again.close();
    }
  });

  it('lists subscriptions and workspaces across pages with absolute nextLinks, through the real SDK clients', async () => {
    const cred = staticCredential();
    const { subscriptions, ml } = armClients(standIn, SUB, { credential: cred });
    const subs = [];
    for await (const s of subscriptions.subscriptions.list()) subs.push(s);
    expect(subs.map((s) => [s.subscriptionId, s.displayName, s.state])).toEqual([
      [SUB, 'ML research', 'Enabled'],
      [SUB2, expect.any(String), 'Enabled'],
    ]);
    const names = [];
    for await (const w of ml.workspaces.listBySubscription()) names.push(w.name);
    expect(names).toEqual(['ws-one', 'ws-two', 'ws-three']);
    const pages = standIn.requests().filter((r) => r.path.endsWith('/Microsoft.MachineLearningServices/workspaces'));
    expect(pages.map((r) => [r.status, r.apiVersion])).toEqual([
      [200, '2022-10-01'],
      [200, '2022-10-01'],
    ]);
    const first = await standInRequest(standIn, 'GET', `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01`);
    expect(first.json.nextLink).toBe(
      `${standIn.url}/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01&%24skipToken=2`,
    );
    const ws = await ml.workspaces.get('rg-ml', 'ws-one');
    expect(ws).toMatchObject({ id: WS_PATH, type: 'Microsoft.MachineLearningServices/workspaces', location: 'westeurope', friendlyName: 'Workspace one', provisioningState: 'Succeeded' });
    expect(ws.systemData?.createdAt).toBeInstanceOf(Date);
    expect(cred.scopes.every((s) => s === 'https://management.azure.com/.default')).toBe(true);
  });

  it('routes case-insensitively and answers ARM-style errors for unknown api-versions, routes and missing auth', async () => {
    const lower = await standInRequest(standIn, 'GET', `${WS_PATH.toLowerCase()}?api-version=2022-10-01`);
    expect(lower.status).toBe(200);
    expect(lower.json.name).toBe('ws-one');

    const badVersion = await standInRequest(standIn, 'GET', `${WS_PATH}?api-version=2024-04-01`);
    expect(badVersion.status).toBe(400);
    expect(badVersion.json.error).toEqual({ code: 'InvalidApiVersionParameter', message: expect.stringContaining("'2022-10-01'") });
    const noVersion = await standInRequest(standIn, 'GET', WS_PATH);
    expect(noVersion.json.error.code).toBe('MissingApiVersionParameter');

    const missing = await standInRequest(standIn, 'GET', `${WS_PATH.replace('ws-one', 'nope')}?api-version=2022-10-01`);
    expect([missing.status, missing.json.error.code]).toEqual([404, 'ResourceNotFound']);
    const unknown = await standInRequest(standIn, 'GET', `/subscriptions/${SUB}/providers/Microsoft.Storage/storageAccounts?api-version=2023-01-01`);
    expect(unknown.status).toBe(404);

    const noAuth = await standInRequest(standIn, 'GET', `${WS_PATH}?api-version=2022-10-01`, { token: null });
    expect(noAuth.status).toBe(401);
    expect(noAuth.json.error.code).toBe('AuthenticationFailed');
    expect(noAuth.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('rejects a bad fault through the admin route and lists, removes and clears faults', async () => {
    const bad = await standInRequest(standIn, 'POST', '/__standin/faults', { body: { kind: 'meteor' } });
    expect(bad.status).toBe(400);
    const ok = await standInRequest(standIn, 'POST', '/__standin/faults', {
      body: [{ kind: 'forbidden', path: '/never-matches$' }, { kind: 'throttle', path: '/never-either$', count: -1 }],
    });
    expect(ok.status).toBe(201);
    const listed = await standInRequest(standIn, 'GET', '/__standin/faults');
    expect(listed.json.value.map((f: { kind: string }) => f.kind)).toEqual(['forbidden', 'throttle']);
    expect((await standInRequest(standIn, 'DELETE', `/__standin/faults/${ok.json.ids[0]}`)).status).toBe(204);
    expect((await standInRequest(standIn, 'GET', '/__standin/faults')).json.value).toHaveLength(1);
    expect((await standInRequest(standIn, 'DELETE', '/__standin/faults')).status).toBe(204);
    expect(standIn.state.faults).toHaveLength(0);
  });
});

describe('ARM stand-in with a token issuer', () => {
  let verifying: ArmStandIn;
  let sign: (aud: string) => Promise<string>;
  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    sign = (aud) =>
      new SignJWT({ oid: '11111111-2222-4333-8444-555555555555', upn: 'ops@contoso.example' })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer('https://localhost:4443')
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    verifying = await startArmStandIn({
      dataDir,
      issuer: { publicKey: await exportSPKI(publicKey), issuer: 'https://localhost:4443' },
      workspaces: [{ subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-one', location: 'westeurope' }],
    });
  });
  afterAll(() => verifying?.close());

  it('accepts a JWT for https://management.azure.com and refuses another audience or a non-JWT', async () => {
    const good = armClients(verifying, SUB, { credential: staticCredential(await sign('https://management.azure.com')) });
    expect((await good.ml.workspaces.get('rg-ml', 'ws-one')).name).toBe('ws-one');

    const wrongAud = armClients(verifying, SUB, { credential: staticCredential(await sign('api://harbormaster')), maxRetries: 0 });
    await expect(wrongAud.ml.workspaces.get('rg-ml', 'ws-one')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenAudience' });
    const notJwt = armClients(verifying, SUB, { credential: staticCredential('not-a-jwt'), maxRetries: 0 });
    await expect(notJwt.ml.workspaces.get('rg-ml', 'ws-one')).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });

  it("verifies against an issuer's JWKS fetched over HTTPS with a given CA", async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const tls = { key: fs.readFileSync(path.join(dataDir, 'tls/server.key')), cert: fs.readFileSync(path.join(dataDir, 'tls/server.crt')) };
    const jwks = https.createServer(tls, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const port = (jwks.address() as { port: number }).port;
    const viaJwks = await startArmStandIn({
      dataDir,
      issuer: { jwksUri: `https://127.0.0.1:${port}/jwks`, ca: standIn.caPem },
      workspaces: [{ subscriptionId: SUB, resourceGroup: 'rg-ml', name: 'ws-one' }],
    });
    try {
      const token = await new SignJWT({ oid: 'abc' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setAudience('https://management.azure.com/').setExpirationTime('5m').sign(privateKey);
      const { ml } = armClients(viaJwks, SUB, { credential: staticCredential(token) });
      expect((await ml.workspaces.get('rg-ml', 'ws-one')).name).toBe('ws-one');
    } finally {
      await viaJwks.close();
      jwks.close();
    }
  });
});
