#!/usr/bin/env node
// `npm run demo`: the console on its embedded defaults with two local clusters and sample data (DESIGN §9).
//   - installs dependencies if needed, builds the testbed binaries if needed (≈ 10 min the first time),
//   - starts the clusters aks-westeurope and onprem-factory on loopback (kept under .testbed/clusters/),
//   - builds the console (production build, cached by source hash) and starts it on http://127.0.0.1:$PORT
//     (3000 unless PORT is set) with HARBORMASTER_DEMO=true, which seeds workspaces, users, clusters, …
//   - prints the URL and, on the first run, the accounts; runs until Ctrl-C / SIGTERM, then stops
//     everything it started. A second run reuses the data directory (.data) and the clusters' state.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, ensureBuild, ensureDeps, log, startConsole, stopChild } from './lib.mjs';

const CLUSTERS = [
  { name: 'aks-westeurope', profile: 'aks-westeurope', kind: 'aks', location: 'cloud', region: 'westeurope' },
  { name: 'onprem-factory', profile: 'onprem-factory', kind: 'kubernetes', location: 'on-prem', region: 'factory-hall-2' },
];

let consoleChild = null;
let stopping = false;
const started = [];

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('demo', 'stopping…');
  await stopChild(consoleChild).catch(() => undefined);
  if (started.length) {
    const { down } = await import('../testbed/cluster.mjs');
    for (const p of started.reverse()) await down({ profile: p, quiet: true }).catch((e) => log('demo', `cluster ${p}: ${e.message}`));
  }
  log('demo', 'stopped');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  ensureDeps();
  const { up, ensureBinaries } = await import('../testbed/cluster.mjs');
  await ensureBinaries({ log: (m) => log('testbed', m) });
  // Clusters start in the background while the console builds.
  // The clusters' state belongs with the data directory: a demo that starts without .data (first run, or after
  // it was deleted to start over) starts its clusters empty too, so no Job from an earlier demo blocks a name.
  const dataDir = path.resolve(ROOT, process.env.HARBORMASTER_DATA_DIR ?? '.data');
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
  const port = Number(process.env.PORT ?? 3000);
  log('demo', `starting the console on http://127.0.0.1:${port} and seeding the demo data…`);
  consoleChild = await startConsole({
    port,
    env: {
      HARBORMASTER_DEMO: 'true',
      HARBORMASTER_DEMO_CLUSTERS: JSON.stringify(clusters.map(({ profile: _p, ...c }) => c)),
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
  log('demo', `ready: http://127.0.0.1:${port}  (Ctrl-C stops the console and both clusters)`);
} catch (e) {
  log('demo', `failed: ${e.message}`);
  await shutdown(1);
}
void ROOT;
