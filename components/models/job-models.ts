// Which model versions a job produced, from what the job page already has: the outputs it declared as models
// (`outputs.<x>.type: custom_model | mlflow_model | triton_model`, optional `name`) are registered by the server
// when the job completes, as <name> (else <job>-<output>); their versions name the job in their lineage.
import { MODEL_TYPES } from './model-form';
import type { ModelVersionDto } from '@/server/services/models';

export interface JobModelOutput {
  output: string;
  /** The model the output is registered as. */
  model: string;
  type: string;
}

/** The job's outputs that become models (none for a sweep's trial: only whole jobs are registered). */
export function jobModelOutputs(job: { name: string; spec?: unknown; trial?: unknown }): JobModelOutput[] {
  if (job.trial) return [];
  const outputs = (job.spec as { outputs?: Record<string, { type?: string; name?: string }> } | undefined)?.outputs ?? {};
  return Object.entries(outputs)
    .filter(([, o]) => !!o && (MODEL_TYPES as readonly string[]).includes(String(o.type)))
    .map(([output, o]) => ({ output, model: o.name || `${job.name}-${output}`, type: String(o.type) }));
}

/** The versions of a model that this job's output became (newest first, as the versions list is). */
export function versionsFromJob(versions: ModelVersionDto[] | undefined, job: string, output: string): ModelVersionDto[] {
  return (versions ?? []).filter((v) => v.lineage.job?.name === job && v.lineage.job.output === output);
}
