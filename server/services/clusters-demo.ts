import 'server-only';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CLUSTER_KINDS, CLUSTER_LOCATIONS } from '@/lib/clusters/schemas';
import { EXPIRY_WARNING_DAYS, validateTls } from '../kube/tls';
import type { Db } from '../db';
import { logger } from '../logger';
import { runAction, systemCaller, type Caller } from '../actions/run';
import { clusterConnection, extensionRow, findClusterRow, getClusterRow, prepareConnection, probeConnection, type ClusterRow, type ExtensionRow, type PreparedConnection } from './clusters';
import { effectiveStatus, EXTENSION_VERSION, extensionWorkers, storedTls } from './extension';

// `npm run demo` (DESIGN §9): the demo script starts the local clusters and passes them in
// HARBORMASTER_DEMO_CLUSTERS (JSON list of {name, kubeconfigPath, kind, location, region}). Each start
// registers them — or refreshes their credentials when a restarted testbed has new ports and certificates —
// and installs the extension on each (with TLS from a generated certificate on aks-westeurope), through the
// actions as the system account. Read here and not in server/env.ts because only the demo sets it.

const demoClusters = z.array(
  z.strictObject({
    name: z.string(),
    kubeconfigPath: z.string(),
    kind: z.enum(CLUSTER_KINDS).default('kubernetes'),
    location: z.enum(CLUSTER_LOCATIONS).default('cloud'),
    region: z.string().default(''),
    displayName: z.string().optional(),
  }),
);

/** Demo settings per cluster: HA router over TLS on the AKS-like cluster, a simple HTTP router on-prem. */
function demoSettings(name: string, sslCname: string): Record<string, unknown> {
  if (name === 'aks-westeurope') {
    return { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'loadBalancer', inferenceRouterHA: true, sslCname, installNvidiaDevicePlugin: true };
  }
  return { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'nodePort', allowInsecureConnections: true, inferenceRouterHA: false };
}

/** A root CA and a server certificate for `cname` made with openssl (chain leaf → root), valid one year. */
export function generateDemoCertificate(cname: string): { certPem: string; keyPem: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-demo-tls-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '730', '-subj', '/CN=Harbormaster Demo CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${cname}`]);
    fs.writeFileSync(path.join(dir, 'leaf.ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${cname}\n`);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '365', '-sha256', '-extfile', 'leaf.ext']);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    return { certPem: read('leaf.crt') + read('ca.crt'), keyPem: read('leaf.key') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function seedDemoClusters(db: Db, raw = process.env.HARBORMASTER_DEMO_CLUSTERS, caller?: Caller): Promise<void> {
  if (!raw) return;
  let list: z.output<typeof demoClusters>;
  try {
    list = demoClusters.parse(JSON.parse(raw));
  } catch (e) {
    logger.error({ err: e }, 'HARBORMASTER_DEMO_CLUSTERS is not a valid JSON list of {name, kubeconfigPath, kind, location, region}');
    return;
  }
  const as = caller ?? (await systemCaller(db, 'demo-seed'));
  for (const c of list) {
    try {
      await seedOne(db, as, c);
    } catch (e) {
      // One broken demo cluster must not stop the console from starting.
      logger.error({ err: e, cluster: c.name }, 'demo cluster could not be set up');
      console.error(`Demo cluster ${c.name}: ${(e as Error).message}`);
    }
  }
}

/** Whether the stored connection is the one the kubeconfig file describes now (same server, CA, credentials). */
function sameConnection(row: ClusterRow, prepared: PreparedConnection): boolean {
  try {
    return JSON.stringify(clusterConnection(row)) === JSON.stringify(prepared.connection);
  } catch {
    return false;
  }
}

/** Whether the stored settings already hold every demo setting (the stored ones have defaults filled in). */
function hasSettings(stored: unknown, wanted: Record<string, unknown>): boolean {
  const s = (stored ?? {}) as Record<string, unknown>;
  return Object.entries(wanted).every(([k, v]) => JSON.stringify(s[k]) === JSON.stringify(v));
}

/** Waits for the extension operation the install action started (it runs after the action's commit). */
async function installFinished(db: Db, clusterId: string, timeoutMs = 15 * 60_000): Promise<ExtensionRow | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await extensionWorkers.get(clusterId);
    const ext = await extensionRow(db, clusterId);
    if (!ext || effectiveStatus(ext).status !== 'installing' || Date.now() > deadline) return ext;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function seedOne(db: Db, caller: Caller, c: z.output<typeof demoClusters>[number]) {
  const kubeconfig = fs.readFileSync(c.kubeconfigPath, 'utf8');
  const connection = { mode: 'kubeconfig' as const, kubeconfig };
  const prepared = prepareConnection(connection);
  const probe = await probeConnection(prepared.connection);
  if (!probe.reachable) throw new Error(`cannot reach it: ${probe.error?.message ?? 'unknown error'}`);
  const existing = await findClusterRow(db, c.name);
  if (!existing) {
    await runAction('clusters.register', { name: c.name, ...(c.displayName ? { displayName: c.displayName } : {}), kind: c.kind, location: c.location, region: c.region, connection }, caller);
  } else if (!sameConnection(existing, prepared)) {
    // A restarted testbed has new ports and certificates.
    await runAction('clusters.updateCredentials', { name: c.name, connection }, caller);
  }
  const row = await getClusterRow(db, c.name);
  if (probe.extension?.flavor === 'azureml') return;

  const sslCname = `ml.${c.name}.harbormaster.local`;
  const settings = demoSettings(c.name, sslCname);
  const ext = await extensionRow(db, row.id);
  let tls: { certPem: string; keyPem: string } | undefined;
  if (settings.sslCname) {
    const stored = storedTls(row.id, ext);
    const v = stored ? validateTls({ ...stored, cname: sslCname }) : undefined;
    const fresh = v?.ok && v.info && Date.parse(v.info.notAfter) - Date.now() > EXPIRY_WARNING_DAYS * 86_400_000;
    if (!fresh) tls = generateDemoCertificate(sslCname);
  }
  // Installed by this version with these settings and still there: nothing to do (a restart changes nothing).
  const upToDate =
    !tls && ext && effectiveStatus(ext).status === 'installed' && ext.version === EXTENSION_VERSION && probe.extension?.flavor === 'harbormaster' && hasSettings(ext.settings, settings);
  if (!upToDate) {
    await runAction('clusters.extension.install', { name: c.name, settings, ...(tls ? { tls } : {}), confirm: true }, caller);
    const done = await installFinished(db, row.id);
    if (done?.status !== 'installed') throw new Error(`extension install ${done ? effectiveStatus(done).status : 'missing'}: ${done?.message ?? ''}`);
  }
  logger.info({ cluster: c.name }, 'demo cluster registered and extension installed');
}
