// Test support for the sharing map suites (sharing.k8s.test.ts, sharing-api.db.test.ts). Not application code.
import { parseExtensionSettings } from '@/lib/extension/settings';
import type { Db } from '../db';
import { clusterExtensions } from '../db/schema';
import { encryptSecret } from '../secrets';

/**
 * Records two installed extensions as an install stores them: on `tlsCluster` a router serving TLS with an
 * uploaded certificate (sealed like the installer seals it) and its info, on `plainCluster` one that allows plain HTTP.
 */
export async function recordRouters(
  db: Db,
  o: { tlsCluster: string; plainCluster: string; tls: { certPem: string; keyPem: string }; info: { subject?: string; sans?: string[]; notAfter?: string; warnings?: string[] } },
) {
  const base = { enableTraining: true, enableInference: true, inferenceRouterServiceType: 'clusterIP' };
  const tlsSettings = parseExtensionSettings({ ...base, sslCname: 'ml.example.com' }, { tlsCertificateUploaded: true });
  const plainSettings = parseExtensionSettings({ ...base, allowInsecureConnections: true });
  if (!tlsSettings.ok || !plainSettings.ok) throw new Error('router settings refused');
  await db.insert(clusterExtensions).values([
    {
      clusterId: o.tlsCluster,
      status: 'installed',
      version: '1.0.0',
      settings: tlsSettings.value,
      tlsEnc: encryptSecret(JSON.stringify(o.tls), `cluster:${o.tlsCluster}:router-tls`),
      tlsInfo: { source: 'uploaded', subject: o.info.subject, sans: o.info.sans, notAfter: o.info.notAfter, errors: [], warnings: o.info.warnings ?? [], checkedAt: new Date().toISOString() },
    },
    { clusterId: o.plainCluster, status: 'installed', version: '1.0.0', settings: plainSettings.value },
  ]);
}
