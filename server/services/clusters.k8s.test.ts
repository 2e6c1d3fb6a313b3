// Registering the local test cluster: good credentials, a wrong CA, a wrong token, a service account without
// rights; and the live cache following changes through its watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CoreV1Api } from '@kubernetes/client-node';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, testNamespace, uniqueName, waitFor } from '@/testbed/test-helpers';
import { getClusterRow, liveCache } from './clusters';
import { listClusterSummaries } from './clusters-view';
import { clusterHealth } from './health';
import { dropAllClusterCaches } from '../kube/cache';
import { registerTestCluster, rejection, testKubeconfig } from './clusters.k8s-support';

describe.skipIf(k8sSkipReason)('cluster registration against the local cluster', () => {
  const ns = testNamespace('clusters');
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
  });
  afterAll(async () => {
    dropAllClusterCaches();
    await cast?.cleanup();
  });

  it('registers with good credentials: version, identity, permissions, pools and no extension', async () => {
    const r = await registerTestCluster(cast, 'tb-good');
    const checks = r.checks as { reachable: boolean; version: { gitVersion: string; supported: boolean }; identity: { username: string }; permissions: Array<{ allowed: boolean }>; pools: Array<{ name: string; allocatable: { gpu: number } }>; extension: { flavor: string } };
    expect(checks.reachable).toBe(true);
    expect(checks.version).toMatchObject({ gitVersion: expect.stringMatching(/^v1\.3[5-7]\./), supported: true });
    expect(checks.identity.username).toBeTruthy();
    expect(checks.permissions.length).toBeGreaterThan(10);
    expect(checks.permissions.every((p) => p.allowed)).toBe(true);
    expect(checks.pools.map((p) => p.name)).toEqual(expect.arrayContaining(['cpupool', 'gpupool', 'system', 'edge']));
    expect(checks.pools.find((p) => p.name === 'gpupool')!.allocatable.gpu).toBe(8);
    expect(['none', 'foreign', 'harbormaster']).toContain(checks.extension.flavor);

    const list = await listClusterSummaries(cast.db.db);
    expect(list.errors).toEqual([]);
    expect(list.items.find((c) => c.name === 'tb-good')).toMatchObject({ status: expect.stringMatching(/Healthy|Degraded/), version: checks.version.gitVersion, live: true });
  });

  it('refuses a wrong CA with a TLS reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-ca-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c'), '-days', '2', '-subj', '/CN=not-the-cluster-ca'], { stdio: 'ignore' });
    const wrongCa = testKubeconfig((d) => {
      d.clusters[0].cluster['certificate-authority-data'] = fs.readFileSync(path.join(dir, 'c')).toString('base64');
    });
    fs.rmSync(dir, { recursive: true, force: true });
    const e = await rejection(registerTestCluster(cast, 'tb-wrong-ca', { kubeconfig: wrongCa }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/cannot be reached: TLS: .* signed by an authority the kubeconfig does not trust.*\[tls_unknown_ca\]/);
    expect(e.fieldErrors?.[0]).toMatchObject({ path: 'connection.kubeconfig', message: expect.stringMatching(/^TLS: unknown certificate authority/) });
  });

  it('refuses a wrong token with 401, and shows it as Unreachable with the reason when saved anyway', async () => {
    const wrongToken = testKubeconfig((d) => {
      d.users[0].user = { token: 'not-a-valid-token' };
    });
    const e = await rejection(registerTestCluster(cast, 'tb-wrong-token', { kubeconfig: wrongToken }));
    expect(e.message).toMatch(/the cluster refuses these credentials: 401 Unauthorized.*\[unauthorized\]/);

    await registerTestCluster(cast, 'tb-wrong-token', { kubeconfig: wrongToken, allowUnreachable: true });
    const health = await clusterHealth(cast.db.db, await getClusterRow(cast.db.db, 'tb-wrong-token'), { ping: true });
    expect(health.status).toBe('Unreachable');
    expect(health.checks.find((c) => c.code === 'auth_failed')).toMatchObject({ status: 'error', detail: expect.stringMatching(/^401 Unauthorized/) });
    const list = await listClusterSummaries(cast.db.db);
    expect(list.errors).toEqual([{ source: 'tb-wrong-token', message: '401 Unauthorized' }]);
    // The other cluster is still served.
    expect(list.items.find((c) => c.name === 'tb-good')?.live).toBe(true);
  });

  it('registers a service account without rights and names every missing permission (403)', async () => {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const sa = uniqueName('hm-noperm');
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: sa } } });
    const tr = await core.createNamespacedServiceAccountToken({ name: sa, namespace: ns.name, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const kubeconfig = testKubeconfig((d) => {
      d.users[0].user = { token: tr.status!.token };
    });
    const r = await registerTestCluster(cast, 'tb-noperm', { kubeconfig });
    const checks = r.checks as { reachable: boolean; identity: { username: string }; permissions: Array<{ allowed: boolean; resource: string; verb: string }>; warnings: string[] };
    expect(checks.reachable).toBe(true);
    expect(checks.identity.username).toBe(`system:serviceaccount:${ns.name}:${sa}`);
    expect(checks.permissions.filter((p) => p.allowed)).toEqual([]);
    expect(checks.warnings).toContain('the credentials may not list nodes: capacity is unknown');
    const health = await clusterHealth(cast.db.db, await getClusterRow(cast.db.db, 'tb-noperm'), { ping: true });
    expect(health.checks.find((c) => c.code === 'auth_failed')).toMatchObject({ status: 'error', detail: expect.stringMatching(new RegExp(`system:serviceaccount:${ns.name}:${sa} lacks permissions .*list nodes`)) });
  });

  it('keeps a live cache that follows the cluster through its watch', async () => {
    const row = await getClusterRow(cast.db.db, 'tb-good');
    const pods = liveCache(row).pods();
    expect(await pods.waitSynced(10_000)).toBe(true);
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const name = uniqueName('cache');
    await core.createNamespacedPod({
      namespace: ns.name,
      body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] } },
    });
    const seen = await waitFor(() => pods.items().find((p) => p.name === name && p.namespace === ns.name), { what: `pod ${name} in the cache`, timeoutMs: 10_000 });
    expect(seen.requests).toMatchObject({ cpu: 0.25, memory: 64 * 2 ** 20 });
    await waitFor(() => pods.items().find((p) => p.name === name && p.ready && p.nodeName), { what: `pod ${name} Ready and bound in the cache`, timeoutMs: 20_000 });
    await core.deleteNamespacedPod({ name, namespace: ns.name, gracePeriodSeconds: 0 });
    await waitFor(() => !pods.items().some((p) => p.name === name && p.namespace === ns.name), { what: `pod ${name} gone from the cache`, timeoutMs: 20_000 });
  });
});
