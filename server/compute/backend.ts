import 'server-only';
import type { ComputeTargetRef } from '@/lib/domain';
import type { JobSpec } from '@/lib/aml/job-spec';

// How a compute target runs work (DESIGN §3 "Backends"): one interface, whatever does the running. The
// `kubernetes` backend (kubernetes-backend.ts) creates the Kubernetes objects itself; the Azure issue adds an
// `azureml` backend behind the same interface (ARM calls for targets attached to an Azure ML workspace).
// The UI and the job services only talk to this interface. Endpoints join it in the inference issues.

import { JOB_STATUSES, type JobStatus } from '@/lib/jobs/status';

/** Azure ML's job states (UI.md: one status vocabulary; derived in lib/jobs/status.ts). */
export { JOB_STATUSES, type JobStatus };
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Canceled']);

/** The plan layer's one object type, re-exported for server/actions/jobs.ts (elsewhere import it from server/kube/plan). */
export type { KubeObject } from '../kube/plan';
import type { KubeObject, PlanStep } from '../kube/plan';

/** What a backend needs to run a job: the spec and, for the kubernetes backend, the objects built from it. */
export interface JobPlan {
  /** The job's name in its workspace. */
  jobName: string;
  spec: JobSpec;
  target: ComputeTargetRef;
  /**
   * The objects to create (kubernetes backend), Jobs and their dependents (Secrets, a headless Service).
   * Dependents carry the `harbormaster.io/job` label of the Job they belong to and are owned by it once
   * created, so deleting the Job removes them.
   */
  objects: KubeObject[];
}

/** A finding with the path it is about (a job field, or `kubernetes.<Kind>/<name>` for an object). */
export interface BackendIssue {
  path: string;
  message: string;
}

export interface DryRunOutcome {
  /** Whether the backend's own validation ran (false when it could not be reached: then a warning says so). */
  checked: boolean;
  errors: BackendIssue[];
  warnings: BackendIssue[];
}

/** A job as a backend finds it again. */
export interface JobRef {
  name: string;
  type: JobSpec['type'];
  target: ComputeTargetRef;
}

export interface LogOptions {
  /** Which instance (node rank) of a multi-node job; default 0. For a sweep, the trial index. */
  instance?: number;
  tailLines?: number;
}

/**
 * A backend plans and validates; it does not change anything itself. Submit and cancel answer the steps to
 * carry out, which the action declares as effects and the intent runner applies after commit (DESIGN §3).
 * Status comes from informers (server/runtime/job-status.ts), not from asking the backend per request.
 */
export interface ComputeBackend {
  readonly kind: 'kubernetes' | 'azureml';
  /** Full validation by the backend without creating anything (Kubernetes: server-side dry run). */
  dryRun(plan: JobPlan): Promise<DryRunOutcome>;
  /** The steps that create the job (Jobs first; their dependents become owned by them). */
  submitSteps(plan: JobPlan): PlanStep[];
  /** The steps that stop the job and remove what it created (idempotent): its Jobs, whose pods and dependents go with them. */
  cancelSteps(job: JobRef, applied: KubeObject[]): PlanStep[];
  /** The main container's log of one pod, streamed (follow: until it ends or the signal aborts). */
  streamLogs(namespace: string, pod: string, opts?: { /** Default: the job container (main). */ container?: string; follow?: boolean; tailLines?: number; timestamps?: boolean; signal?: AbortSignal }): Promise<ReadableStream<Uint8Array>>;
}
