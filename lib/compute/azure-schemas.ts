// Compute targets attached through Azure Resource Manager as Azure ML Kubernetes compute (the `azureml`
// backend): one schema for the console's form and the server's action (compute.attachAzure).
import { z } from 'zod';
import { clusterRef, computeTargetName, instanceTypeName, namespaceName, workspaceRef } from './schemas';

/** Azure ML's rule for compute names: 2–16 letters, digits and hyphens, a letter first, a letter or digit last. */
export const AZURE_COMPUTE_NAME_RE = /^[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]$/;

export const attachAzureComputeInput = z.strictObject({
  workspace: workspaceRef,
  /** The target's name in Harbormaster and the compute's name in the Azure ML workspace. */
  name: computeTargetName.refine((v) => AZURE_COMPUTE_NAME_RE.test(v), 'Azure ML compute names end with a letter or digit'),
  /** A registered cluster with an Azure resource id (AKS or Arc) in the linked workspace's subscription. */
  cluster: clusterRef,
  /** The namespace Azure ML runs the workloads in (it must exist on the cluster); default `default`, as Azure ML. */
  namespace: namespaceName.optional(),
  /** Default: the first of instanceTypes, else defaultinstancetype. */
  defaultInstanceType: instanceTypeName.optional(),
  /** The cluster's instance types the compute offers (sent to Azure ML with their node selector and resources). */
  instanceTypes: z.array(instanceTypeName).max(50).optional(),
  description: z.string().max(500, 'at most 500 characters').optional(),
});
export type AttachAzureComputeInput = z.input<typeof attachAzureComputeInput>;
