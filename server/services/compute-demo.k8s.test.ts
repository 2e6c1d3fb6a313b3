// The demo seeding of instance types and compute targets against the local cluster registered under the demo
// name aks-westeurope (the test profile has the same AKS pool labels): what a data scientist sees at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { asc } from 'drizzle-orm';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig } from '@/testbed/test-helpers';
import { dropAllClusterCaches } from '../kube/cache';
import { auditEvents } from '../db/schema';
import { SYSTEM_USER_EMAIL } from '../auth/users';
import { runAction } from '../actions/run';
import { installAndWait, purgeAndWait, registerTestCluster } from './clusters.k8s-support';
import { DEMO_COMPUTE_TARGETS, seedDemoCompute } from './compute-demo';
import { listComputeTargets } from './compute-targets';
import { targetInstanceTypes } from './compute-targets-view';

describe.skipIf(k8sSkipReason)('demo compute seeding', () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
    await registerTestCluster(cast, 'aks-westeurope');
    await installAndWait(cast, 'aks-westeurope', { settings: { enableTraining: true } });
  });
  afterAll(async () => {
    for (const t of DEMO_COMPUTE_TARGETS.filter((x) => x.cluster === 'aks-westeurope')) {
      await runAction('compute.detach', { workspace: t.workspace, name: t.name, force: true, deleteNamespace: true }, cast.caller('admin')).catch(() => undefined);
    }
    const api = kubeConfig().makeApiClient(CustomObjectsApi);
    for (const n of ['cpu-small', 'cpu-large', 'gpu-1', 'gpu-4']) await api.deleteClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', name: n }).catch(() => undefined);
    // Leave the shared test cluster without the extension, as the next suite expects.
    if (cast) await purgeAndWait(cast, 'aks-westeurope');
    dropAllClusterCaches();
    await cast?.cleanup();
  });

  it('creates the four sizes and a target with a quota for each workspace as the system account, and a second run changes nothing', async () => {
    const audit = async () => cast.db.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    const before = (await audit()).length;
    await seedDemoCompute(cast.db.db);
    const seeded = (await audit()).slice(before);
    expect(seeded.map((a) => [a.action, a.targetName, a.outcome, a.actorEmail])).toEqual([
      ['instancetypes.apply', 'aks-westeurope/cpu-small,cpu-large,gpu-1,gpu-4', 'success', SYSTEM_USER_EMAIL],
      ['compute.attach', 'aks-gpu', 'success', SYSTEM_USER_EMAIL],
      ['compute.attach', 'aks-cpu', 'success', SYSTEM_USER_EMAIL],
    ]);
    await seedDemoCompute(cast.db.db);
    expect(await audit()).toHaveLength(before + seeded.length);
    const vision = await listComputeTargets(cast.db.db, 'vision');
    const forecasting = await listComputeTargets(cast.db.db, 'forecasting');
    expect(vision.map((t) => t.row.name)).toEqual(['aks-gpu']);
    expect(forecasting.map((t) => t.row.name)).toEqual(['aks-cpu']);
    expect(vision[0].row.quota).toMatchObject({ gpu: '12' });

    const its = await targetInstanceTypes(cast.db.db, vision[0]);
    expect(its.items.map((i) => i.name)).toEqual(expect.arrayContaining(['defaultinstancetype', 'cpu-small', 'cpu-large', 'gpu-1', 'gpu-4']));
    const gpu1 = its.items.find((i) => i.name === 'gpu-1')!;
    // 2 GPU nodes × 4 GPUs; the quota would allow 12 (room for the demo's 2 × 4-GPU job and a 1-GPU one): the nodes bound it.
    expect(gpu1).toMatchObject({ isDefault: true, canStartNow: 8, quotaAllows: 12, limitedBy: 'nodes', fit: { availableNow: 8, maxReplicas: 8 } });
    const fc = await targetInstanceTypes(cast.db.db, forecasting[0]);
    expect(fc.items.map((i) => i.name)).toEqual(['cpu-small', 'cpu-large', 'gpu-1']);
  });
});
