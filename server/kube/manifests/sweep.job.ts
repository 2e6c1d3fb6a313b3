import 'server-only';
// Sweep jobs on Kubernetes: one Job per trial. A sweep controller (server side) keeps up to
// limits.max_concurrent_trials trial Jobs running until limits.max_total_trials have run (or a grid is
// exhausted, or limits.timeout passes), and cancels trials the early-termination policy picks
// (lib/aml/sweep.ts earlyTerminationDecisions). This module is the pure part: which parameters trial i gets — the same
// on every call, every replica and after restarts, because sampling is seeded — and the objects that run it,
// with `${{search_space.x}}` replaced by the sampled value in the trial's command.

import { LABELS } from '@/lib/domain';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { defaultSeed, plannedTrialCount, trialParameters, type TrialParameters } from '@/lib/aml/sweep';
import { jobManifests, type JobManifestInput, type JobObject } from './job';
import { jobObjectName, trialObjectName } from './names.job';

export const TRIAL_INDEX_ANNOTATION = 'harbormaster.io/trial-index';
export const TRIAL_PARAMETERS_ANNOTATION = 'harbormaster.io/trial-parameters';

export interface SweepPlan {
  /** Trials the sweep runs in total (max_total_trials, or the grid's size when smaller). */
  trialCount: number;
  maxConcurrentTrials: number;
  /** The sampling seed in use (the job's, or one derived from the sweep's name). */
  seed: number;
}

export function sweepPlan(spec: SweepJobSpec, sweepName: string): SweepPlan {
  const seed = spec.samplingAlgorithm.type === 'random' && spec.samplingAlgorithm.seed !== undefined ? spec.samplingAlgorithm.seed : defaultSeed(sweepName);
  const trialCount = plannedTrialCount(spec.searchSpace, spec.samplingAlgorithm, spec.limits.maxTotalTrials);
  return { trialCount, maxConcurrentTrials: Math.min(spec.limits.maxConcurrentTrials, trialCount), seed };
}

export interface SweepTrialInput extends Omit<JobManifestInput, 'spec' | 'jobName' | 'searchSpaceValues' | 'storagePrefix'> {
  spec: SweepJobSpec;
  /** The sweep job's name. */
  sweepName: string;
  /** 0-based trial number, below sweepPlan().trialCount. */
  trialIndex: number;
}

export interface SweepTrial {
  /** The trial's job name (also its object name). */
  name: string;
  index: number;
  parameters: TrialParameters;
  objects: JobObject[];
}

/** The objects of trial `trialIndex` of a sweep. */
export function sweepTrialManifests(input: SweepTrialInput): SweepTrial {
  const { spec, sweepName, trialIndex } = input;
  const plan = sweepPlan(spec, sweepName);
  if (!Number.isInteger(trialIndex) || trialIndex < 0 || trialIndex >= plan.trialCount) {
    throw new RangeError(`trial ${trialIndex} is outside this sweep's ${plan.trialCount} trials`);
  }
  const parameters = trialParameters(spec.searchSpace, spec.samplingAlgorithm, trialIndex, plan.seed);
  const name = trialObjectName(sweepName, trialIndex);
  const sweepObject = jobObjectName(sweepName);
  const objects = jobManifests({
    ...input,
    spec: {
      ...spec.trial,
      // The sweep's tags (harbormaster.io/sim-* ones become the testbed's pod annotations).
      tags: spec.tags,
      inputs: spec.inputs,
      outputs: spec.outputs,
      limits: { timeoutSeconds: spec.limits.trialTimeoutSeconds },
    },
    jobName: name,
    searchSpaceValues: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.text])),
    labels: { ...input.labels, [LABELS.sweep]: sweepObject },
    annotations: {
      ...input.annotations,
      [TRIAL_INDEX_ANNOTATION]: String(trialIndex),
      [TRIAL_PARAMETERS_ANNOTATION]: JSON.stringify(Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, v.value]))),
    },
    storagePrefix: `jobs/${sweepObject}/trials/${trialIndex}`,
  });
  return { name, index: trialIndex, parameters, objects };
}
