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
import { DEFAULT_CLIENT, TENANT_ID } from '../testbed/oidc/issuer.mjs';
import { ensureLocalTls } from '../testbed/local-tls.mjs';

ensureDeps();
ensureChromium();
ensureBuild('.next-e2e');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-'));
const logFile = path.join(ROOT, 'test-results', 'e2e-console.log');
const armLogFile = path.join(ROOT, 'test-results', 'e2e-arm.log');
const AZURE_SUBSCRIPTION = '5e2e0000-0000-4000-8000-00000000a2e0';
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
// A service principal (client secret) at the issuer, for the Azure connection the ops-azure spec creates.
const AZURE_SP = { clientId: 'e2e0a2c1-0000-4000-8000-00000000e2e0', clientSecret: 'e2e-sp-secret-never-shown' };
const issuer = await startIssuerProcess(oidcDir, ['--service-principal', `${AZURE_SP.clientId}:${AZURE_SP.clientSecret}`]);
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
// HTTPS beside HTTP, as the demo serves it (server.mjs's second listener, a certificate from a local CA): the
// "Use from Python" page's ARM address, which the workspace-python spec calls with the CA.
const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-tls-'));
const tls = ensureLocalTls(tlsDir, { names: ['DNS:localhost', 'IP:127.0.0.1'], caName: 'Harbormaster e2e CA' });
const httpsPort = await freePort();
const httpsEnv = { HARBORMASTER_HTTPS_PORT: String(httpsPort), HARBORMASTER_HTTPS_HOST: '127.0.0.1', HARBORMASTER_TLS_CERT_FILE: tls.certFile, HARBORMASTER_TLS_KEY_FILE: tls.keyFile, HARBORMASTER_TLS_CA_FILE: tls.caFile };
log('e2e', `starting the console on http://127.0.0.1:${port} and https://127.0.0.1:${httpsPort} (log: ${path.relative(ROOT, logFile)})`);
const env = { HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_LOG_LEVEL: 'warn', HARBORMASTER_DEMO: 'false', HARBORMASTER_ADMIN_EMAIL: '', HARBORMASTER_ADMIN_PASSWORD: '', ...entraEnv, ...httpsEnv };
const console_ = await startConsole({ port, env, distDir: '.next-e2e', logFile });
let status = 1;
let arm;
const armDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-arm-'));
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
  // The ARM stand-in (testbed/arm), its own process like the issuer: one subscription, one Azure ML workspace and,
  // with a cluster, the local cluster as an AKS cluster. It verifies the issuer's JWTs (ARM audience). The
  // connection's private CA field gets one PEM with both CAs (the authority's and ARM's).
  arm = await startArmProcess(armDir, {
    subscriptions: [{ subscriptionId: AZURE_SUBSCRIPTION, displayName: 'Contoso ML (e2e)' }],
    workspaces: [{ subscriptionId: AZURE_SUBSCRIPTION, resourceGroup: 'rg-ml', name: 'contoso-ml', location: 'westeurope', friendlyName: 'Contoso ML' }],
    clusters: kubeconfigPath ? [{ kind: 'aks', subscriptionId: AZURE_SUBSCRIPTION, resourceGroup: 'rg-ml', name: 'aks-e2e', location: 'westeurope', kubeconfigPath }] : [],
    issuer: { jwksUri: `${issuer.url}/jwks`, ca: fs.readFileSync(issuer.caFile, 'utf8') },
  });
  const armCaFile = path.join(armDir, 'ca-bundle.pem');
  fs.writeFileSync(armCaFile, `${fs.readFileSync(arm.caFile, 'utf8').trim()}\n${fs.readFileSync(issuer.caFile, 'utf8').trim()}\n`);
  log('e2e', `ARM stand-in on ${arm.url} (log: ${path.relative(ROOT, armLogFile)})`);
  const azureEnv = {
    HM_E2E_ARM_URL: arm.url,
    HM_E2E_ARM_CA_FILE: armCaFile,
    HM_E2E_AZURE_AUTHORITY: issuer.url,
    HM_E2E_AZURE_TENANT: TENANT_ID,
    HM_E2E_AZURE_CLIENT_ID: AZURE_SP.clientId,
    HM_E2E_AZURE_CLIENT_SECRET: AZURE_SP.clientSecret,
    HM_E2E_AZURE_SUBSCRIPTION: AZURE_SUBSCRIPTION,
  };
  const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, HM_E2E_BASE_URL: `http://127.0.0.1:${port}`, HM_E2E_HTTPS_URL: `https://127.0.0.1:${httpsPort}`, HM_E2E_TLS_CA_FILE: tls.caFile, HM_E2E_DATA_DIR: dataDir, HM_E2E_KUBECONFIG: kubeconfigPath, HM_E2E_ENTRA_ENV: JSON.stringify(entraEnv), ...azureEnv },
  });
  status = r.status ?? 1;
} finally {
  await stopChild(console_);
  if (arm) await stopChild(arm.child);
  await stopChild(issuer.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(oidcDir, { recursive: true, force: true });
  fs.rmSync(armDir, { recursive: true, force: true });
  fs.rmSync(tlsDir, { recursive: true, force: true });
  if (clusterDir) {
    await clusterDown({ stateDir: clusterDir, quiet: true }).catch((e) => log('e2e', `stopping the cluster: ${e.message}`));
    fs.rmSync(clusterDir, { recursive: true, force: true });
  }
}
process.exit(status);

/** testbed/oidc/issuer.mjs on a free loopback port; resolves with its URL and CA once it listens. */
async function startIssuerProcess(dir, extraArgs = []) {
  const oidcPort = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'testbed/oidc/issuer.mjs'), '--port', String(oidcPort), '--data', dir, '--loopback-redirects', ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return await readyLine(child, 'the OpenID Connect issuer', /issuer: (\S+)/);
}

/** testbed/arm/stand-in.mjs on a free loopback port with `config`; its output goes to test-results/e2e-arm.log. */
async function startArmProcess(dir, config) {
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [path.join(ROOT, 'testbed/arm/stand-in.mjs'), '--port', String(await freePort()), '--data', dir, '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.createWriteStream(armLogFile);
  child.stdout.on('data', (b) => out.write(b));
  child.stderr.on('data', (b) => out.write(b));
  child.once('exit', () => out.end());
  return await readyLine(child, 'the ARM stand-in', /url: (\S+)/);
}

/** Resolves with `{url, caFile, child}` once the child has printed its URL (urlRe) and `ca: <file>`. */
function readyLine(child, what, urlRe) {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s: ${out}`)), 30_000);
    const feed = (b) => {
      out += b;
      const url = urlRe.exec(out)?.[1];
      const caFile = /ca: (\S+)/.exec(out)?.[1];
      if (url && caFile) {
        clearTimeout(timer);
        resolve({ url, caFile, child });
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', (b) => (out += b));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${out}`)));
  });
}
