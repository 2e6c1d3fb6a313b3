import 'server-only';
import type { CommandJob, JobBase } from '@azure/arm-machinelearning';
import type { CommandJobSpec, JobSpec } from '@/lib/aml/job-spec';
import type { PlanStep } from '../kube/plan';
import type { BackendIssue, ComputeBackend, DryRunOutcome, JobPlan, JobRef } from './backend';

// The `azureml` backend (DESIGN §3 "Backends"): for compute targets attached to an Azure ML workspace through ARM
// (compute_targets.backend = 'azureml'), Azure ML runs the job: Harbormaster sends a CommandJob with
// `jobs.createOrUpdate` and cancels with `jobs.beginCancel`, both as `azure.arm` intents after commit
// (server/azure/effects-compute.ts: job.submit / job.cancel), and learns the status by polling `jobs.get`
// (server/runtime/azureml-status.ts). It creates no Kubernetes objects itself, so its plan steps are empty;
// logs come from the registered cluster the compute is (the extension's pods are ordinary pods there).
//
// Seam: online endpoints and deployments join this backend in a later issue (onlineEndpoints /
// onlineDeployments.beginCreateOrUpdate with `compute` = the target's azureComputeId); nothing here yet.

/** What the backend needs of the target: its Azure ML compute's ARM id. */
export interface AzureMlTarget {
  azureComputeId: string | null;
  azureComputeName: string | null;
}

/** A literal input substituted into the command as Azure ML does (`${{inputs.name}}`). */
const INPUT_REF = /\$\{\{\s*inputs\.([A-Za-z0-9_]+)\s*\}\}/g;

/** What Azure ML through this backend cannot run, each naming its field (nothing is silently dropped). */
export function azureMlIssues(spec: JobSpec): BackendIssue[] {
  if (spec.type !== 'command') {
    return [{ path: 'type', message: `a ${spec.type} job cannot run on a compute target attached through Azure ML yet: only command jobs are sent to Azure ML; use a compute target of the kubernetes backend` }];
  }
  const out: BackendIssue[] = [];
  if (spec.resources.instanceCount > 1) out.push({ path: 'resources.instance_count', message: `${spec.resources.instanceCount} instances: multi-node jobs are not sent to Azure ML by Harbormaster yet; use 1, or a compute target of the kubernetes backend` });
  if (spec.distribution) out.push({ path: 'distribution', message: `distribution ${spec.distribution.type} is not sent to Azure ML by Harbormaster yet; remove it, or use a compute target of the kubernetes backend` });
  if (spec.code) out.push({ path: 'code', message: 'code is not supported on a compute target attached through Azure ML: Azure ML would need the code uploaded to a datastore of its workspace, which Harbormaster does not do; put the code in the image, or use a compute target of the kubernetes backend' });
  if (!spec.environment.image) out.push({ path: 'environment', message: 'the environment did not resolve to an image; Azure ML jobs from Harbormaster run an image environment' });
  for (const [name, input] of Object.entries(spec.inputs)) {
    if (input.kind !== 'literal') out.push({ path: `inputs.${name}`, message: `data inputs are not sent to Azure ML by Harbormaster yet (only literal values); pass the URI as a literal and read it in the command, or use a compute target of the kubernetes backend` });
  }
  for (const name of Object.keys(spec.outputs)) out.push({ path: `outputs.${name}`, message: 'outputs are not sent to Azure ML by Harbormaster yet; write to storage from the command, or use a compute target of the kubernetes backend' });
  return out;
}

/** The command with literal inputs substituted (Azure ML's `${{inputs.x}}`). */
function commandOf(spec: CommandJobSpec): string {
  return spec.command.replace(INPUT_REF, (all, name: string) => {
    const input = spec.inputs[name];
    return input?.kind === 'literal' ? String(input.value) : all;
  });
}

/** The CommandJob sent to Azure ML (jobs.createOrUpdate): an image environment, on the target's compute. */
export function azureMlJobBody(spec: CommandJobSpec, computeId: string, experimentName: string): JobBase {
  const properties: CommandJob = {
    jobType: 'Command',
    command: commandOf(spec),
    // An anonymous image environment: the image reference itself (the stand-in and Harbormaster's curated
    // names resolve to images; a registered Azure ML environment would be its ARM id).
    environmentId: spec.environment.image ?? '',
    computeId,
    displayName: spec.displayName ?? spec.name,
    experimentName: spec.experimentName || experimentName,
    environmentVariables: spec.environmentVariables,
    resources: { instanceType: spec.resources.instanceType, instanceCount: 1 },
    ...(spec.description ? { description: spec.description } : {}),
    tags: Object.fromEntries(Object.entries(spec.tags).filter(([, v]) => v !== null)) as Record<string, string>,
    properties: Object.fromEntries(Object.entries(spec.properties).filter(([, v]) => v !== null)) as Record<string, string>,
    ...(spec.limits.timeoutSeconds ? { limits: { jobLimitsType: 'Command', timeout: `PT${spec.limits.timeoutSeconds}S` } } : {}),
  };
  return { properties };
}

export class AzureMlBackend implements ComputeBackend {
  readonly kind = 'azureml' as const;
  constructor(
    private readonly target: AzureMlTarget,
    /** Logs: the registered cluster's pods (the Kubernetes backend's reader). */
    private readonly logs: ComputeBackend['streamLogs'],
  ) {}

  /** Harbormaster's own checks of what Azure ML needs (ARM has no dry run for jobs). */
  async dryRun(plan: JobPlan): Promise<DryRunOutcome> {
    const errors = azureMlIssues(plan.spec);
    if (!this.target.azureComputeId) errors.push({ path: 'compute', message: `compute target ${plan.target.name} has no Azure ML compute recorded; attach it again` });
    return { checked: true, errors, warnings: [] };
  }

  /** Nothing on the cluster: the job is sent to Azure ML (job.submit intent). */
  submitSteps(): PlanStep[] {
    return [];
  }

  cancelSteps(_job: JobRef): PlanStep[] {
    return [];
  }

  /** The body of job.submit. */
  armJob(plan: JobPlan, experimentName: string): JobBase {
    if (plan.spec.type !== 'command') throw new Error('only command jobs go to Azure ML');
    return azureMlJobBody(plan.spec, this.target.azureComputeId ?? '', experimentName);
  }

  streamLogs(...args: Parameters<ComputeBackend['streamLogs']>) {
    return this.logs(...args);
  }
}
