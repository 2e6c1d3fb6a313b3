import 'server-only';
import { eq } from 'drizzle-orm';
import { attachAzureComputeInput } from '@/lib/compute/azure-schemas';
import { computeTargets } from '../db/schema';
import { AppError } from '../errors';
import { attachAzureComputeTarget, azureInstanceTypes, azureTargetSnapshot } from '../services/compute-targets-azure';
import { defineAction } from './registry';

// Attach a registered AKS / Arc cluster to the workspace's linked Azure ML workspace as Kubernetes compute
// (backend `azureml`): the instance types are read from the cluster before the transaction, the record is written
// in it, and the ARM attach (computeOperations.beginCreateOrUpdate, polled) runs after commit as an `azure.arm`
// intent that records ARM's provisioning state and errors on the target (azureState). compute.detach handles
// both backends (server/actions/compute.ts).

defineAction({
  name: 'compute.attachAzure',
  clusterEffects: true,
  permission: 'compute.manage',
  description: 'Attach a registered AKS or Arc cluster to the linked Azure ML workspace as Kubernetes compute (namespace, default instance type, instance types); jobs on it run through Azure ML',
  input: attachAzureComputeInput,
  example: { workspace: 'vision', name: 'rbac-example', cluster: 'rbac-example' },
  prepare: ({ db }, input) => azureInstanceTypes(db, input),
  async run({ tx, user, dryRun, effects, prepared }, input) {
    const r = await attachAzureComputeTarget(tx, input, prepared as Awaited<ReturnType<typeof azureInstanceTypes>>, { userId: user.id });
    if (!dryRun) effects.azure(r.cluster, { type: 'compute', id: r.row.id }, 'compute.attach', r.args as unknown as Record<string, unknown>);
    return {
      result: { compute: r.snapshot, azure: { computeId: r.args.computeId, body: r.args.body } },
      audit: { targetType: 'compute', targetName: r.snapshot.name, workspace: r.snapshot.workspace, after: r.snapshot },
    };
  },
  async settle(outcomes, result, { db }) {
    const o = outcomes[0];
    const [row] = await db.select().from(computeTargets).where(eq(computeTargets.azureComputeId, result.azure.computeId)).limit(1);
    const compute = row ? azureTargetSnapshot(row, result.compute.workspace, result.compute.cluster) : result.compute;
    if (o?.status === 'failed') {
      const s = compute.azureState;
      throw new AppError('bad_request', `compute target ${compute.name} was recorded, but Azure ML did not attach it: ${s?.error ?? o.message}${s?.explanation ? ` — ${s.explanation}` : ''}. Fix the cause, then detach it and attach again.`);
    }
    return { ...result, compute, ...(o?.status === 'pending' ? { warnings: [`Azure ML has not finished attaching it yet: ${o.message}; Harbormaster keeps polling`] } : {}) };
  },
});
