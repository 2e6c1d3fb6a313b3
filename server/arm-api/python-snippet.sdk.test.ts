// The snippet the "Use from Python" page shows, run as a data scientist would run it: pythonSnippet() with a fresh
// token of theirs, the console's /arm/ API behind a loopback HTTPS server whose certificate comes from a private CA
// (the snippet trusts it through REQUESTS_CA_BUNDLE), the official azure-ai-ml 1.35.2 from the cached venv, no
// other environment. It prints the workspace and lists the computes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCast, type Cast } from '@/test/fixtures';
import { ensureSdkVenv } from '@/test/aml-sdk/sdk-venv';
import { startArmHttps, type ArmTestServer } from '@/test/arm/https-server';
import { runPython } from '@/test/arm/sdk';
import { pythonSnippet } from '@/lib/aml/python-snippet';
import { clusters, computeTargets } from '../db/schema';
import { resetEnvCache } from '../env';
import { runAction } from '../actions/run';
import { pythonPageData } from './python-page';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-python-snippet-'));
process.env.HARBORMASTER_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.HARBORMASTER_DATA_DIR = dataDir;
resetEnvCache();

let cast: Cast;
let server: ArmTestServer | undefined;
let python: string | undefined;
let skipReason: string | undefined;

beforeAll(async () => {
  const venv = ensureSdkVenv();
  if (!venv.ok) {
    if (!venv.unreachable || process.env.CI === 'true') throw new Error(venv.reason);
    skipReason = `the Python package index cannot be reached: ${venv.reason}`;
  } else python = venv.python;
  cast = await createCast();
  const [ws] = await cast.db.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.name, 'vision') });
  const [cluster] = await cast.db.db.insert(clusters).values({ name: 'onprem-factory', kind: 'kubernetes', location: 'on-prem', region: 'factory-hall-2', connectionMode: 'kubeconfig' }).returning();
  await cast.db.db.insert(computeTargets).values({ workspaceId: ws.id, name: 'k8s-compute', clusterId: cluster.id, namespace: 'vision' });
  server = await startArmHttps(path.join(dataDir, 'tls'));
});
afterAll(async () => {
  await server?.close();
  await cast?.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('the page’s snippet, with a token from its button, gets the workspace and lists its computes through the SDK', (ctx) => {
  if (skipReason) {
    console.warn(`SKIPPED: ${skipReason}`);
    return ctx.skip();
  }
  return (async () => {
    // What the page offers: its token name and expiry (tokens.create, as the button sends it), the ARM address and CA.
    process.env.HARBORMASTER_PUBLIC_ARM_URL = `${server!.origin}/arm/`;
    process.env.HARBORMASTER_TLS_CA_FILE = server!.caFile;
    resetEnvCache();
    const page = await pythonPageData(cast.db.db, cast.users.dsVision.principal, 'vision');
    const t = await runAction<{ token: string; name: string; expiresAt: string }>('tokens.create', { name: page.tokenName, expiresIn: page.tokenExpiresIn }, { ...cast.caller('dsVision'), via: 'ui' });
    const snippet = pythonSnippet({ armUrl: page.arm!.url, workspace: page.workspace.name, token: t.token, caFile: page.ca!.file, tokenName: t.name, expiresAt: t.expiresAt });

    const file = path.join(dataDir, 'snippet.py');
    fs.writeFileSync(file, snippet);
    // Nothing from the test's environment helps: the CA comes from the snippet.
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
    for (const k of Object.keys(env)) if (/^(REQUESTS_CA_BUNDLE|SSL_CERT_FILE|CURL_CA_BUNDLE|HM_)/.test(k)) delete env[k];
    const r = await runPython(python!, [file], { cwd: dataDir, env });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['vision', 'k8s-compute kubernetes']);

    const seen = server!.requests.map((q) => `${q.method} ${q.url.split('?')[0]} ${q.status}`);
    const ws = '/arm/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/harbormaster/providers/Microsoft.MachineLearningServices/workspaces/vision';
    expect(seen).toContain(`GET ${ws} 200`);
    expect(seen).toContain(`GET ${ws}/computes 200`);
    expect(seen.filter((s) => !s.endsWith(' 200')), 'every call succeeded').toEqual([]);
  })();
});
