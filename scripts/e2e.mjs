#!/usr/bin/env node
// End-to-end tests: a production build in .next-e2e, a console on a free loopback port with a throw-away
// data directory (seeded with the e2e cast), Debian's Chromium driven by Playwright. Extra arguments go to
// `playwright test`. Runs beside a demo without touching it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, ensureBuild, ensureChromium, ensureDeps, freePort, log, run, startConsole, stopChild } from './lib.mjs';
import { down as clusterDown, up as clusterUp } from '../testbed/cluster.mjs';
import { spawn } from 'node:child_process';
import { DEFAULT_CLIENT } from '../testbed/oidc/issuer.mjs';

ensureDeps();
ensureChromium();
ensureBuild('.next-e2e');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-'));
const logFile = path.join(ROOT, 'test-results', 'e2e-console.log');
fs.mkdirSync(path.dirname(logFile), { recursive: true });
fs.rmSync(logFile, { force: true });
fs.rmSync(path.join(ROOT, 'e2e', '.auth'), { recursive: true, force: true });
log('e2e', `seeding ${dataDir}`);
run('npx', ['tsx', '--conditions=react-server', 'e2e/seed.ts', dataDir], { env: { HARBORMASTER_LOG_LEVEL: 'warn' } });
// A local Kubernetes cluster (testbed profile `test`) for specs that register clusters and attach compute;
// its kubeconfig path reaches them as HM_E2E_KUBECONFIG. HM_E2E_KUBECONFIG set by the caller reuses a running one.
let clusterDir;
let kubeconfigPath = process.env.HM_E2E_KUBECONFIG ?? '';
const port = await freePort();
// A real OpenID Connect issuer (testbed/oidc) standing in for Entra ID: the console shows "Sign in with Microsoft"
// (local accounts stay on); specs start consoles of their own against it too (any loopback port is a valid
// redirect), e.g. one with local accounts off.
// Its own process: Playwright runs below with spawnSync, which would block an issuer living in this one.
const oidcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-oidc-'));
const issuer = await startIssuerProcess(oidcDir);
log('e2e', `OpenID Connect issuer (Entra ID stand-in) on ${issuer.url}`);
const entraEnv = {
  HARBORMASTER_ENTRA_AUTHORITY: issuer.url,
  HARBORMASTER_ENTRA_CLIENT_ID: DEFAULT_CLIENT.clientId,
  HARBORMASTER_ENTRA_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
  HARBORMASTER_ENTRA_CA_FILE: issuer.caFile,
  HARBORMASTER_ENTRA_GROUP_MAP: 'grp-vision=vision,grp-forecasting=forecasting',
  // oidc-provider drops offline_access (no refresh token for the ARM token) unless consent is asked each time.
  HARBORMASTER_ENTRA_PROMPT: 'consent',
};
log('e2e', `starting the console on http://127.0.0.1:${port} (log: ${path.relative(ROOT, logFile)})`);
const env = { HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_LOG_LEVEL: 'warn', HARBORMASTER_DEMO: 'false', HARBORMASTER_ADMIN_EMAIL: '', HARBORMASTER_ADMIN_PASSWORD: '', ...entraEnv };
const console_ = await startConsole({ port, env, distDir: '.next-e2e', logFile });
let status = 1;
try {
  if (!kubeconfigPath) {
    clusterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-k8s-'));
    try {
      log('e2e', 'starting a local Kubernetes cluster (testbed profile test)');
      kubeconfigPath = (await clusterUp({ profile: 'test', stateDir: clusterDir, quiet: true })).kubeconfigPath;
    } catch (e) {
      // In CI a missing cluster is a failure, as for the vitest k8s group: 14 specs silently skipping is not a pass.
      if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`the local Kubernetes cluster did not start (CI=true: failing instead of skipping): ${e.message}`);
      log('e2e', `no local Kubernetes cluster (${e.message.split('\n')[0]}): specs that need one skip`);
      kubeconfigPath = '';
    }
  }
  const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, HM_E2E_BASE_URL: `http://127.0.0.1:${port}`, HM_E2E_DATA_DIR: dataDir, HM_E2E_KUBECONFIG: kubeconfigPath, HM_E2E_ENTRA_ENV: JSON.stringify(entraEnv) },
  });
  status = r.status ?? 1;
} finally {
  await stopChild(console_);
  await stopChild(issuer.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(oidcDir, { recursive: true, force: true });
  if (clusterDir) {
    await clusterDown({ stateDir: clusterDir, quiet: true }).catch((e) => log('e2e', `stopping the cluster: ${e.message}`));
    fs.rmSync(clusterDir, { recursive: true, force: true });
  }
}
process.exit(status);

/** testbed/oidc/issuer.mjs on a free loopback port; resolves with its URL and CA once it listens. */
async function startIssuerProcess(dir) {
  const oidcPort = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'testbed/oidc/issuer.mjs'), '--port', String(oidcPort), '--data', dir, '--loopback-redirects'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID Connect issuer did not start within 30 s: ${out}`)), 30_000);
    const feed = (b) => {
      out += b;
      const url = /issuer: (\S+)/.exec(out)?.[1];
      const caFile = /ca: (\S+)/.exec(out)?.[1];
      if (url && caFile) {
        clearTimeout(timer);
        resolve({ url, caFile, child });
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', (b) => (out += b));
    child.once('exit', (code) => reject(new Error(`the OpenID Connect issuer exited (${code}): ${out}`)));
  });
}
