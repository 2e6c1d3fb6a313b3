import 'server-only';
import { attachComputeInput, detachComputeInput, updateComputeInput } from '@/lib/compute/schemas';
import { attachComputeTarget, detachComputeTarget, updateComputeTarget } from '../services/compute-targets-write';
import { defineAction } from './registry';

// Compute targets (ops admins): attach a cluster to a workspace under a name and namespace, edit what it
// allows and its quota, detach it. Read access (ops admins, auditors, the workspace's members) is in the GET
// routes under /api/v1/workspaces/{ws}/computes.

defineAction({
  name: 'compute.attach',
  permission: 'compute.manage',
  description: 'Attach a cluster to a workspace as a compute target: namespace (created if missing), instance types, quota, isolation',
  input: attachComputeInput,
  example: { workspace: 'vision', name: 'rbac-example', cluster: 'rbac-example' },
  async run({ tx, user, dryRun }, input) {
    const { result, snapshot } = await attachComputeTarget(tx, input, { dryRun, userId: user.id });
    return { result, audit: { targetType: 'compute', targetName: snapshot.name, workspace: snapshot.workspace, after: snapshot } };
  },
});

defineAction({
  name: 'compute.update',
  permission: 'compute.manage',
  description: 'Edit a compute target: allowed instance types, default instance type, quota, description',
  input: updateComputeInput,
  example: { workspace: 'vision', name: 'rbac-example', description: 'example' },
  async run({ tx, dryRun }, input) {
    const { before, after } = await updateComputeTarget(tx, input, { dryRun });
    return { result: after, audit: { targetType: 'compute', targetName: after.name, workspace: after.workspace, before, after } };
  },
});

defineAction({
  name: 'compute.detach',
  permission: 'compute.manage',
  description: 'Detach a compute target (refused while its workloads run unless force); removes what Harbormaster created',
  input: detachComputeInput,
  example: { workspace: 'vision', name: 'rbac-example' },
  async run({ tx, dryRun }, input) {
    const { before, result } = await detachComputeTarget(tx, input, { dryRun });
    return { result, audit: { targetType: 'compute', targetName: before.name, workspace: before.workspace, before, after: { deleted: result.deleted, kept: result.kept } } };
  },
});
