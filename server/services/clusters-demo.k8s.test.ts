// `npm run demo` seeding (HARBORMASTER_DEMO_CLUSTERS): registers the cluster and installs the extension with a
// generated certificate through the actions as the system account; a second start with the same cluster changes
// nothing, and one with new credentials (a restarted testbed) refreshes them without reinstalling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeconfigPath } from '@/testbed/test-helpers';
import { auditEvents } from '../db/schema';
import { SYSTEM_USER_EMAIL } from '../auth/users';
import { dropAllClusterCaches } from '../kube/cache';
import { validateTls } from '../kube/tls';
import { extensionRow, getClusterRow } from './clusters';
import { storedTls, type TlsInfo } from './extension';
import { seedDemoClusters } from './clusters-demo';
import { clusterHealth } from './health';
import { purgeAndWait, testKubeconfig } from './clusters.k8s-support';

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

  it('registers the cluster and installs the extension with TLS from a generated certificate, as the system account; a re-run changes nothing', async () => {
    const env = JSON.stringify([{ name: 'aks-westeurope', kubeconfigPath: kubeconfigPath(), kind: 'aks', location: 'cloud', region: 'westeurope' }]);
    await seedDemoClusters(cast.db.db, env);
    let row = await getClusterRow(cast.db.db, 'aks-westeurope');
    expect(row).toMatchObject({ kind: 'aks', location: 'cloud', region: 'westeurope', credentialsVersion: 1 });
    const ext = (await extensionRow(cast.db.db, row.id))!;
    expect(ext.status).toBe('installed');
    expect((ext.tlsInfo as TlsInfo).sans).toEqual(['DNS:ml.aks-westeurope.harbormaster.local']);
    const tls = storedTls(row.id, ext)!;
    expect(validateTls({ ...tls, cname: 'ml.aks-westeurope.harbormaster.local' })).toMatchObject({ ok: true, warnings: [] });
    const audit = async () => cast.db.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    const first = await audit();
    expect(first.map((a) => [a.action, a.outcome])).toEqual(expect.arrayContaining([['clusters.register', 'success'], ['clusters.extension.install', 'success']]));
    expect(new Set(first.map((a) => `${a.actorEmail} ${a.requestId}`))).toEqual(new Set([`${SYSTEM_USER_EMAIL} demo-seed`]));

    await seedDemoClusters(cast.db.db, env);
    row = await getClusterRow(cast.db.db, 'aks-westeurope');
    expect(row.credentialsVersion).toBe(1);
    expect((await extensionRow(cast.db.db, row.id))!.operationId).toBe(ext.operationId);
    expect(await audit()).toHaveLength(first.length);

    // A restarted testbed: other credentials in the file. They are replaced; the extension stays as it is.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-demo-kc-'));
    try {
      const file = path.join(dir, 'kubeconfig');
      fs.writeFileSync(file, testKubeconfig((doc) => {
        const d = doc as unknown as { contexts: Array<{ name: string }>; 'current-context': string };
        d.contexts[0].name = 'restarted';
        d['current-context'] = 'restarted';
      }));
      await seedDemoClusters(cast.db.db, JSON.stringify([{ name: 'aks-westeurope', kubeconfigPath: file, kind: 'aks', location: 'cloud', region: 'westeurope' }]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    row = await getClusterRow(cast.db.db, 'aks-westeurope');
    expect(row).toMatchObject({ credentialsVersion: 2, contextName: 'restarted' });
    expect((await audit()).slice(first.length).map((a) => [a.action, a.outcome, a.actorEmail])).toEqual([['clusters.updateCredentials', 'success', SYSTEM_USER_EMAIL]]);
    const again = (await extensionRow(cast.db.db, row.id))!;
    expect(again.status).toBe('installed');
    expect(again.operationId).toBe(ext.operationId);
    // The still-valid certificate is kept, so nothing on the router changes.
    expect(storedTls(row.id, again)).toEqual(tls);
    const health = await clusterHealth(cast.db.db, row, { ping: true, waitMs: 5000 });
    expect(health.checks.filter((c) => c.status === 'error').map((c) => `${c.code}: ${c.detail}`)).toEqual([]);
    expect(health.status).toBe('Healthy');
  });
});
