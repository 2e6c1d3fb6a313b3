// `npm run demo` seeding (HARBORMASTER_DEMO_CLUSTERS): registers the cluster, installs the extension with a
// generated certificate, and on a second start refreshes the credentials without reinstalling from scratch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeconfigPath } from '@/testbed/test-helpers';
import { dropAllClusterCaches } from '../kube/cache';
import { validateTls } from '../kube/tls';
import { extensionRow, getClusterRow } from './clusters';
import { storedTls, type TlsInfo } from './extension';
import { seedDemoClusters } from './clusters-demo';
import { clusterHealth } from './health';
import { purgeAndWait } from './clusters.k8s-support';

describe.skipIf(k8sSkipReason)('demo clusters', () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
  });
  afterAll(async () => {
    await purgeAndWait(cast, 'aks-westeurope');
    dropAllClusterCaches();
    await cast?.cleanup();
  });

  it('registers the cluster and installs the extension with TLS from a generated certificate; a re-run refreshes the credentials', async () => {
    const env = JSON.stringify([{ name: 'aks-westeurope', kubeconfigPath: kubeconfigPath(), kind: 'aks', location: 'cloud', region: 'westeurope' }]);
    await seedDemoClusters(cast.db.db, env);
    let row = await getClusterRow(cast.db.db, 'aks-westeurope');
    expect(row).toMatchObject({ kind: 'aks', location: 'cloud', region: 'westeurope', credentialsVersion: 1 });
    const ext = (await extensionRow(cast.db.db, row.id))!;
    expect(ext.status).toBe('installed');
    expect((ext.tlsInfo as TlsInfo).sans).toEqual(['DNS:ml.aks-westeurope.harbormaster.local']);
    const tls = storedTls(row.id, ext)!;
    expect(validateTls({ ...tls, cname: 'ml.aks-westeurope.harbormaster.local' })).toMatchObject({ ok: true, warnings: [] });

    await seedDemoClusters(cast.db.db, env);
    row = await getClusterRow(cast.db.db, 'aks-westeurope');
    expect(row.credentialsVersion).toBe(2);
    const again = (await extensionRow(cast.db.db, row.id))!;
    expect(again.status).toBe('installed');
    // The still-valid certificate is kept, so nothing on the router changes.
    expect(storedTls(row.id, again)).toEqual(tls);
    const health = await clusterHealth(cast.db.db, row, { ping: true, waitMs: 5000 });
    expect(health.checks.filter((c) => c.status === 'error').map((c) => `${c.code}: ${c.detail}`)).toEqual([]);
    expect(health.status).toBe('Healthy');
  });
});
