#!/usr/bin/env node
// `npm run demo`: the console on its embedded defaults with two local clusters and sample data (DESIGN §9).
//   - installs dependencies if needed, builds the testbed binaries if needed (≈ 10 min the first time),
//   - starts the clusters aks-westeurope and onprem-factory on loopback (kept under .testbed/clusters/),
//   - builds the console (production build, cached by source hash) and starts it on http://127.0.0.1:$PORT
//     (3000 unless PORT is set) with HARBORMASTER_DEMO=true, which seeds workspaces, users, clusters, …
//   - starts a local OpenID Connect issuer on https://127.0.0.1:4443 (testbed/oidc; HARBORMASTER_DEMO_OIDC_PORT
//     moves it, =0 turns it off; skipped when HARBORMASTER_ENTRA_AUTHORITY is set) standing in for Entra ID, so
//     "Sign in with Microsoft" works locally with its test users,
//   - serves HTTPS as well on https://127.0.0.1:3443 (HARBORMASTER_DEMO_HTTPS_PORT moves it, =0 turns it off) with a
//     certificate from a local CA kept in <data dir>/tls-arm (testbed/local-tls.mjs), for the Azure ML SDK, which
//     sends its token over HTTPS only (the workspace's "Use from Python" page),
//   - prints the URL and, on the first run, the accounts; runs until Ctrl-C / SIGTERM, then stops
//     everything it started. A second run reuses the data directory (.data) and the clusters' state; a run while a
//     demo already answers on the same ports says so and leaves it running.
// Every run ends its output with `ARM-compatible API: https://127.0.0.1:3443/arm/` and `CA certificate: <file>`.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { ROOT, ensureBuild, ensureDeps, log, startConsole, stopChild } from './lib.mjs';
import { ensureLocalTls } from '../testbed/local-tls.mjs';

const CLUSTERS = [
  { name: 'aks-westeurope', profile: 'aks-westeurope', kind: 'aks', location: 'cloud', region: 'westeurope' },
  { name: 'onprem-factory', profile: 'onprem-factory', kind: 'kubernetes', location: 'on-prem', region: 'factory-hall-2' },
];

let consoleChild = null;
let issuer = null;
let stopping = false;
const started = [];

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('demo', 'stopping…');
  await stopChild(consoleChild).catch(() => undefined);
  await issuer?.close().catch(() => undefined);
  if (started.length) {
    const { down } = await import('../testbed/cluster.mjs');
    for (const p of started.reverse()) await down({ profile: p, quiet: true }).catch((e) => log('demo', `cluster ${p}: ${e.message}`));
  }
  log('demo', 'stopped');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const port = Number(process.env.PORT ?? 3000);
const httpsPort = Number(process.env.HARBORMASTER_DEMO_HTTPS_PORT ?? 3443);
const dataDir = path.resolve(ROOT, process.env.HARBORMASTER_DATA_DIR ?? '.data');
const tlsDir = path.join(dataDir, 'tls-arm');

try {
  if (await demoAlreadyRunning()) {
    log('demo', `a demo is already running on http://127.0.0.1:${port}: using it (stop it with Ctrl-C where it runs, or pkill -TERM -f scripts/demo.mjs)`);
    printArmLines();
    process.exit(0);
  }
  ensureDeps();
  const { up, ensureBinaries } = await import('../testbed/cluster.mjs');
  await ensureBinaries({ log: (m) => log('testbed', m) });
  // Clusters start in the background while the console builds.
  // The clusters' state belongs with the data directory: a demo that starts without .data (first run, or after
  // it was deleted to start over) starts its clusters empty too, so no Job from an earlier demo blocks a name.
  const fresh = !fs.existsSync(path.join(dataDir, 'pglite'));
  if (fresh) log('demo', `no data in ${path.relative(ROOT, dataDir) || dataDir}: starting the demo clusters empty as well`);
  const clustersReady = Promise.all(
    CLUSTERS.map(async (c) => {
      const info = await up({ profile: c.profile, quiet: true, fresh });
      started.push(c.profile);
      log('demo', `cluster ${c.name} is up (${info.apiServerUrl})`);
      return { ...c, kubeconfigPath: info.kubeconfigPath };
    }),
  );
  ensureBuild('.next');
  const clusters = await clustersReady;
  const entraEnv = await startDemoIssuer(dataDir);
  const httpsEnv = demoHttpsEnv();
  log('demo', `starting the console on http://127.0.0.1:${port} and seeding the demo data…`);
  consoleChild = await startConsole({
    port,
    env: {
      HARBORMASTER_DEMO: 'true',
      HARBORMASTER_DEMO_CLUSTERS: JSON.stringify(clusters.map(({ profile: _p, ...c }) => c)),
      ...entraEnv,
      ...httpsEnv,
    },
    onLine: (l) => {
      // Pass the console's own messages through (accounts, warnings); JSON log lines stay quiet.
      if (!l.startsWith('{')) process.stdout.write(`${l}\n`);
      else if (/"level":(40|50|60)/.test(l)) process.stdout.write(`${l}\n`);
    },
  });
  consoleChild.on('exit', (code) => {
    if (!stopping) {
      log('demo', `the console exited (${code})`);
      shutdown(1);
    }
  });
  if (issuer) {
    log('demo', `"Sign in with Microsoft" goes to a local OpenID Connect issuer standing in for Entra ID (${issuer.url}); its users, password "harbormaster":`);
    log('demo', '  olivia@contoso.test (app role OpsAdmin), dana@contoso.test (DataScientist, group grp-vision → vision), fred@contoso.test (DataScientist, groups → forecasting, vision), audrey@contoso.test (Auditor), nobody@contoso.test (no role: refused)');
    log('demo', `  its certificate is from a local CA the browser does not know: accept the warning once, or import ${issuer.caFile}`);
  }
  log('demo', `ready: http://127.0.0.1:${port}  (Ctrl-C stops the console and both clusters)`);
  printArmLines();
} catch (e) {
  log('demo', `failed: ${e.message}`);
  await shutdown(1);
}
void ROOT;

/** The local OpenID Connect issuer and the console settings that point "Sign in with Microsoft" at it. */
async function startDemoIssuer(dataDir) {
  const oidcPort = Number(process.env.HARBORMASTER_DEMO_OIDC_PORT ?? 4443);
  if (!oidcPort || process.env.HARBORMASTER_ENTRA_AUTHORITY) return {};
  const { startIssuer } = await import('../testbed/oidc/issuer.mjs');
  try {
    issuer = await startIssuer({ port: oidcPort, dataDir: path.join(dataDir, 'oidc-issuer'), loopbackRedirects: true, quiet: true });
  } catch (e) {
    log('demo', `the local OpenID Connect issuer did not start on port ${oidcPort} (${e.message}): "Sign in with Microsoft" is off`);
    return {};
  }
  return {
    HARBORMASTER_ENTRA_AUTHORITY: issuer.url,
    HARBORMASTER_ENTRA_CLIENT_ID: issuer.clientId,
    HARBORMASTER_ENTRA_CLIENT_SECRET: issuer.clientSecret,
    HARBORMASTER_ENTRA_CA_FILE: issuer.caFile,
    HARBORMASTER_ENTRA_GROUP_MAP: 'grp-vision=vision,grp-forecasting=forecasting',
    HARBORMASTER_ENTRA_PROMPT: 'consent',
  };
}

/** The console's HTTPS listener for the Azure ML SDK: 127.0.0.1:<httpsPort>, certificate from the demo's local CA. */
function demoHttpsEnv() {
  if (!Number.isInteger(httpsPort) || httpsPort < 0 || httpsPort > 65535) throw new Error(`HARBORMASTER_DEMO_HTTPS_PORT must be a port number (0: no HTTPS), not "${process.env.HARBORMASTER_DEMO_HTTPS_PORT}"`);
  if (!httpsPort) return {};
  const tls = demoTls();
  return {
    HARBORMASTER_HTTPS_PORT: String(httpsPort),
    HARBORMASTER_HTTPS_HOST: '127.0.0.1',
    HARBORMASTER_TLS_CERT_FILE: tls.certFile,
    HARBORMASTER_TLS_KEY_FILE: tls.keyFile,
    HARBORMASTER_TLS_CA_FILE: tls.caFile,
  };
}

function demoTls() {
  return ensureLocalTls(tlsDir, { names: ['DNS:localhost', 'IP:127.0.0.1'], caName: 'Harbormaster demo CA' });
}

/** The last lines of every run: where the Azure ML SDK reaches the console, and the CA to trust. */
function printArmLines() {
  if (!httpsPort) {
    log('demo', 'no HTTPS (HARBORMASTER_DEMO_HTTPS_PORT=0): the Azure ML SDK cannot reach the console');
    return;
  }
  process.stdout.write(`ARM-compatible API: https://127.0.0.1:${httpsPort}/arm/\nCA certificate: ${path.join(tlsDir, 'ca.crt')}\n`);
}

/** A demo console already answers on $PORT (ready) and on the HTTPS port with this data directory's CA. */
async function demoAlreadyRunning() {
  const ready = await fetch(`http://127.0.0.1:${port}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
  if (!ready) return false;
  if (!httpsPort) return true;
  if (!fs.existsSync(path.join(tlsDir, 'ca.crt'))) return false;
  const ca = fs.readFileSync(path.join(tlsDir, 'ca.crt'), 'utf8');
  return await new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port: httpsPort, path: '/api/health/ready', ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
