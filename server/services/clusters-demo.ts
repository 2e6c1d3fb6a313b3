import 'server-only';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CLUSTER_KINDS, CLUSTER_LOCATIONS } from '@/lib/clusters/schemas';
import { EXPIRY_WARNING_DAYS, validateTls } from '../kube/tls';
import type { Db } from '../db';
import { writeAudit } from '../audit/audit';
import { logger } from '../logger';
import { addDemoSeeding } from '../demo/seed';
import { clusterRegistrationDto, extensionRow, findClusterRow, insertCluster, prepareConnection, probeConnection, replaceCredentials } from './clusters';
import { prepareInstall, storedTls } from './extension';
import { runExtensionOperation } from './extension-installer';

// `npm run demo` (DESIGN §9): the demo script starts the local clusters and passes them in
// HARBORMASTER_DEMO_CLUSTERS (JSON list of {name, kubeconfigPath, kind, location, region}). Each start
// registers them — or refreshes their credentials, since a restarted testbed has new ports and certificates —
// and installs the extension on each (with TLS from a generated certificate on aks-westeurope). Read here and
// not in server/env.ts because only the demo sets it.

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

export async function seedDemoClusters(db: Db, raw = process.env.HARBORMASTER_DEMO_CLUSTERS): Promise<void> {
  if (!raw) return;
  let list: z.output<typeof demoClusters>;
  try {
    list = demoClusters.parse(JSON.parse(raw));
  } catch (e) {
    logger.error({ err: e }, 'HARBORMASTER_DEMO_CLUSTERS is not a valid JSON list of {name, kubeconfigPath, kind, location, region}');
    return;
  }
  for (const c of list) {
    try {
      await seedOne(db, c);
    } catch (e) {
      // One broken demo cluster must not stop the console from starting.
      logger.error({ err: e, cluster: c.name }, 'demo cluster could not be set up');
      console.error(`Demo cluster ${c.name}: ${(e as Error).message}`);
    }
  }
}

async function seedOne(db: Db, c: z.output<typeof demoClusters>[number]) {
  const kubeconfig = fs.readFileSync(c.kubeconfigPath, 'utf8');
  const prepared = prepareConnection({ mode: 'kubeconfig', kubeconfig });
  const probe = await probeConnection(prepared.connection);
  if (!probe.reachable) throw new Error(`cannot reach it: ${probe.error?.message ?? 'unknown error'}`);
  let row = await findClusterRow(db, c.name);
  await db.transaction(async (tx) => {
    if (row) {
      row = await replaceCredentials(tx, row, prepared, probe);
      await writeAudit(tx, { requestId: 'demo-seed', actor: null, action: 'clusters.updateCredentials', targetType: 'cluster', targetName: c.name, outcome: 'success', message: 'demo seed: new testbed ports and certificates', after: clusterRegistrationDto(row).connection });
    } else {
      row = await insertCluster(tx, { name: c.name, displayName: c.displayName, kind: c.kind, location: c.location, region: c.region, prepared, probe, createdBy: null });
      await writeAudit(tx, { requestId: 'demo-seed', actor: null, action: 'clusters.register', targetType: 'cluster', targetName: c.name, outcome: 'success', message: 'demo seed', after: clusterRegistrationDto(row) });
    }
  });
  if (!row) return;
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
  let operationId: string | undefined;
  const target = row;
  await db.transaction(async (tx) => {
    const p = await prepareInstall(tx, target, { settings, tls, confirm: true }, { dryRun: false, requestedBy: 'demo' });
    operationId = p.operationId;
    await writeAudit(tx, { requestId: 'demo-seed', actor: null, action: 'clusters.extension.install', targetType: 'cluster.extension', targetName: c.name, outcome: 'success', message: 'demo seed', before: p.audit.before, after: p.audit.after });
  });
  if (operationId) await runExtensionOperation(db, row.id, operationId, { rolloutTimeoutMs: 120_000 });
  const done = await extensionRow(db, row.id);
  if (done?.status !== 'installed') throw new Error(`extension install ${done?.status}: ${done?.message ?? ''}`);
  logger.info({ cluster: c.name }, 'demo cluster registered and extension installed');
}

addDemoSeeding((db) => seedDemoClusters(db));
