import 'server-only';
import { attachComputeInput, detachComputeInput, updateComputeInput } from '@/lib/compute/schemas';
import { AppError } from '../errors';
import type { IntentOutcome } from '../runtime/intents';
import { planAttach, planDetach, planUpdate, recordAttach, recordDetach, recordUpdate, type AttachPlan, type DetachPlan, type UpdatePlan } from '../services/compute-targets-write';
import { azureTargetOf, detachAzureComputeTarget } from '../services/compute-targets-azure';
import { defineAction } from './registry';

// Compute targets (ops admins): attach a cluster to a workspace under a name and namespace, edit what it
// allows and its quota, detach it. Read access (ops admins, auditors, the workspace's members) is in the GET
// routes under /api/v1/workspaces/{ws}/computes. The record changes in the action's transaction; the
// cluster objects are applied after commit (the request waits for them, bounded).

/** After commit: a refusal is a problem response (the record and the audit say what was committed). */
function settled(what: string, o: IntentOutcome | undefined): string | undefined {
  if (!o) return undefined;
  if (o.status === 'failed') throw new AppError('bad_request', `${what} was recorded, but the cluster refused part of it: ${o.message}. Fix the cause and edit the compute target to apply it again, or detach it.`);
  if (o.status === 'pending') return `the cluster objects are not applied yet: ${o.message}; Harbormaster retries until the cluster is back`;
  return undefined;
}

defineAction({
  name: 'compute.attach',
  clusterEffects: true,
  permission: 'compute.manage',
  description: 'Attach a cluster to a workspace as a compute target: namespace (created if missing), instance types, quota, isolation',
  input: attachComputeInput,
  example: { workspace: 'vision', name: 'rbac-example', cluster: 'rbac-example' },
  // The cluster is read (instance types, the namespace, the API server's dry run) before the transaction (DESIGN §3).
  prepare: ({ db }, input) => planAttach(db, input),
  async run({ tx, user, effects, prepared }, input) {
    const r = await recordAttach(tx, input, prepared as AttachPlan, { userId: user.id });
    effects.kube(r.cluster, { type: 'compute', id: r.id }, r.steps);
    effects.afterApplied(r.settle);
    return { result: r.result, audit: { targetType: 'compute', targetName: r.snapshot.name, workspace: r.snapshot.workspace, after: r.snapshot } };
  },
  async settle(outcomes, result) {
    const note = settled(`compute target ${result.compute.name}`, outcomes[0]);
    return note ? { ...result, warnings: [...result.warnings, note] } : result;
  },
});

defineAction({
  name: 'compute.update',
  clusterEffects: true,
  permission: 'compute.manage',
  description: 'Edit a compute target: allowed instance types, default instance type, quota, description',
  input: updateComputeInput,
  example: { workspace: 'vision', name: 'rbac-example', description: 'example' },
  async prepare({ db }, input) {
    if (await azureTargetOf(db, input.workspace, input.name)) {
      throw new AppError('conflict', `compute target ${input.name} is attached through Azure ML: its instance types and namespace are Azure ML's; detach it and attach it again to change them`, { fieldErrors: [{ path: 'name', message: 'attached through Azure ML' }] });
    }
    return planUpdate(db, input);
  },
  async run({ tx, effects, prepared }, input) {
    const r = await recordUpdate(tx, input, prepared as UpdatePlan);
    effects.kube(r.cluster, { type: 'compute', id: r.id }, r.steps);
    effects.afterApplied(r.settle);
    return { result: r.after, audit: { targetType: 'compute', targetName: r.after.name, workspace: r.after.workspace, before: r.before, after: r.after } };
  },
  async settle(outcomes, result) {
    settled(`the change to compute target ${result.name}`, outcomes[0]);
    return result;
  },
});

defineAction({
  name: 'compute.detach',
  clusterEffects: true,
  permission: 'compute.manage',
  description: 'Detach a compute target (refused while its workloads run unless force); removes what Harbormaster created',
  input: detachComputeInput,
  example: { workspace: 'vision', name: 'rbac-example' },
  // What to delete and keep is read from the cluster before the transaction (DESIGN §3); Azure ML detaches its own.
  prepare: async ({ db, dryRun }, input) => ((await azureTargetOf(db, input.workspace, input.name)) ? undefined : planDetach(db, input, { dryRun })),
  async run({ tx, dryRun, effects, prepared }, input) {
    // A target attached through Azure ML (backend azureml): the record goes, the compute is detached in Azure ML after commit.
    const az = await azureTargetOf(tx, input.workspace, input.name);
    if (az) {
      const d = await detachAzureComputeTarget(tx, az, input);
      if (d.args && !dryRun) effects.azure(d.cluster, { type: 'compute', id: d.id }, 'compute.detach', d.args);
      return { result: d.result, audit: { targetType: 'compute', targetName: d.before.name, workspace: d.before.workspace, before: d.before, after: { deleted: d.result.deleted, kept: d.result.kept } } };
    }
    if (!prepared) throw new AppError('conflict', `compute target ${input.name} changed while it was being detached: try again`);
    const r = await recordDetach(tx, prepared as DetachPlan);
    effects.kube(r.cluster, { type: 'compute', id: r.id }, r.steps);
    effects.afterApplied(r.settle);
    return { result: r.result, audit: { targetType: 'compute', targetName: r.before.name, workspace: r.before.workspace, before: r.before, after: { deleted: r.result.deleted, kept: r.result.kept } } };
  },
  async settle(outcomes, result) {
    const o = outcomes[0];
    const note = settled(`the detach of ${result.detached}`, o);
    if (note) return { ...result, message: `${result.message} (${note})` };
    return o ? { ...result, deleted: o.verdicts.filter((v) => v.op === 'delete' && v.outcome === 'deleted').map((v) => `${v.kind}/${v.name}`) } : result;
  },
});
