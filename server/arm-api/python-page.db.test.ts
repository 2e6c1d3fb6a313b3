// The "Use from Python" page's server data: the ARM address the snippet uses, the CA, who may create the token,
// and what the API serves (from the route table). The token the page's button asks for is one the /arm/ API takes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCast, type Cast } from '@/test/fixtures';
import { resetEnvCache } from '../env';
import { runAction } from '../actions/run';
import { armUrlFor, pythonPageData } from './python-page';
import type { ArmRoute } from './http';
import * as armRoute from '@/app/arm/[...path]/route';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-python-page-'));
const caFile = path.join(dataDir, 'ca.crt');
fs.writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
const SETTINGS = ['HARBORMASTER_HTTPS_PORT', 'HARBORMASTER_HTTPS_HOST', 'HARBORMASTER_TLS_CA_FILE', 'HARBORMASTER_PUBLIC_ARM_URL', 'HARBORMASTER_PUBLIC_URL'];
function setEnv(vars: Record<string, string>) {
  for (const k of SETTINGS) delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvCache();
}

let cast: Cast;
beforeAll(async () => {
  setEnv({});
  cast = await createCast();
});
afterAll(async () => {
  setEnv({});
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('armUrlFor', () => {
  const none = { HARBORMASTER_PUBLIC_ARM_URL: undefined, HARBORMASTER_PUBLIC_URL: undefined, HARBORMASTER_HTTPS_PORT: null, HARBORMASTER_HTTPS_HOST: undefined };
  it('prefers the configured address, then the page’s https origin, then an https public URL, then the HTTPS listener', () => {
    expect(armUrlFor({ ...none, HARBORMASTER_PUBLIC_ARM_URL: 'https://ml.example.com/arm/', HARBORMASTER_HTTPS_PORT: 3443 }, 'https://c.example.com')).toEqual({ url: 'https://ml.example.com/arm/', source: 'config' });
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 3443 }, 'https://c.example.com:8443')).toEqual({ url: 'https://c.example.com:8443/arm/', source: 'request' });
    expect(armUrlFor({ ...none, HARBORMASTER_PUBLIC_URL: 'https://hm.example.com/', HARBORMASTER_HTTPS_PORT: 3443 }, 'http://10.0.0.5:3000')).toEqual({ url: 'https://hm.example.com/arm/', source: 'public-url' });
    expect(armUrlFor({ ...none, HARBORMASTER_PUBLIC_URL: 'http://hm.example.com/' }, 'http://10.0.0.5:3000')).toBeNull();
  });

  it('the HTTPS listener: on its own address, or on the host the page was opened with when it listens everywhere', () => {
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 3443, HARBORMASTER_HTTPS_HOST: '127.0.0.1' }, 'http://localhost:3100')).toEqual({ url: 'https://127.0.0.1:3443/arm/', source: 'https-listener' });
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 3443 }, 'http://console.lan:3000')!.url).toBe('https://console.lan:3443/arm/');
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 3443, HARBORMASTER_HTTPS_HOST: '::' }, 'http://[fd00::5]:3000')!.url).toBe('https://[fd00::5]:3443/arm/');
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 443, HARBORMASTER_HTTPS_HOST: 'fd00::7' })!.url).toBe('https://[fd00::7]/arm/');
    expect(armUrlFor({ ...none, HARBORMASTER_HTTPS_PORT: 3443 })!.url).toBe('https://localhost:3443/arm/');
  });
});

describe('pythonPageData', () => {
  it('gives a data scientist the demo-like HTTPS listener address, the private CA and the token to create', async () => {
    setEnv({ HARBORMASTER_HTTPS_PORT: '3443', HARBORMASTER_HTTPS_HOST: '127.0.0.1', HARBORMASTER_TLS_CA_FILE: caFile });
    const d = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision', 'http://127.0.0.1:3100', undefined, new Date('2026-12-05T10:00:00Z'));
    expect(d.workspace).toEqual({ name: 'vision', displayName: 'Vision' });
    expect(d.arm).toEqual({ url: 'https://127.0.0.1:3443/arm/', source: 'https-listener' });
    expect(d.ca).toEqual({ file: caFile, pem: fs.readFileSync(caFile, 'utf8') });
    expect(d).toMatchObject({ canCreateToken: true, readOnly: false, tokenName: 'python-vision-2026-12-05', tokenExpiresIn: '7d' });
  });

  it('an auditor may create a token too (self.tokens), and is told the SDK can only read', async () => {
    const d = await pythonPageData(cast.db.db, cast.users.auditor.principal, 'vision', 'http://127.0.0.1:3100');
    expect(d).toMatchObject({ canCreateToken: true, readOnly: true });
  });

  it('hides another workspace (not found), and says when there is no HTTPS or the CA file is unreadable', async () => {
    await expect(pythonPageData(cast.db.db, cast.users.dsForecasting.principal, 'vision')).rejects.toMatchObject({ code: 'not_found' });
    setEnv({ HARBORMASTER_TLS_CA_FILE: path.join(dataDir, 'missing.pem') });
    const d = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision', 'http://127.0.0.1:3100');
    expect(d.arm).toBeNull();
    expect(d.ca).toEqual({ file: path.join(dataDir, 'missing.pem'), pem: null });
  });

  it('lists as supported only what the route table serves, the rest as not served yet', async () => {
    const route = (p: string): ArmRoute => ({ method: 'GET', path: p, permission: 'workspaces.read', handler: async () => ({}), example: {} });
    const d = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision', undefined, [route(''), route('/computes'), route('/onlineEndpoints/{name}')]);
    expect(d.supported.map((c) => c.label)).toEqual(['The workspace', 'Compute targets, as Kubernetes computes with their instance types', 'Kubernetes online endpoints and deployments, with keys, traffic and mirrored traffic']);
    expect(d.notSupported.filter((c) => /not served by this version/.test(c.calls)).map((c) => c.label)).toEqual(['Environments from container images (anonymous ones too)', 'Command and sweep jobs', 'Models']);
    expect(d.notSupported.map((c) => c.label)).toContain('Local code folders (code: ./src)');
    const all = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision');
    expect(all.supported.map((c) => c.label)).toContain('The workspace');
  });

  it('the token the page’s button creates (tokens.create with its name and expiry) lasts 7 days and opens the workspace through /arm/', async () => {
    const d = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision');
    const t = await runAction<{ token: string; name: string; expiresAt: string }>('tokens.create', { name: d.tokenName, expiresIn: d.tokenExpiresIn }, { ...cast.caller('dsVision'), via: 'ui' });
    expect(t.name).toBe(d.tokenName);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(new Date(t.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    const res = await call(armRoute.GET as never, { path: '/arm/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/harbormaster/providers/Microsoft.MachineLearningServices/workspaces/vision?api-version=2024-10-01-preview', token: t.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ name: 'vision', location: 'local' });
  });
});
