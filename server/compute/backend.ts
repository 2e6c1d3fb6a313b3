import 'server-only';
import type { ComputeTargetRef } from '@/lib/domain';
import type { JobSpec } from '@/lib/aml/job-spec';

// How a compute target runs work (DESIGN §3 "Backends"): one interface, whatever does the running. The
// `kubernetes` backend (kubernetes-backend.ts) creates the Kubernetes objects itself; the Azure issue adds an
// `azureml` backend behind the same interface (ARM calls for targets attached to an Azure ML workspace).
// The UI and the job services only talk to this interface. Endpoints join it in the inference issues.

/** Azure ML's job states (UI.md: one status vocabulary). */
export const JOB_STATUSES = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing', 'Completed', 'Failed', 'Canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Canceled']);

/** A Kubernetes object as sent to (or shown from) the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

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

export interface JobState {
  status: JobStatus;
  /** Why (a failure's reason, what a queued job waits for). */
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Instances (pods) by phase; for a sweep, trial Jobs. */
  counts?: { active: number; ready: number; succeeded: number; failed: number };
  /** Whether the backend could be asked (false: the state is the last one recorded). */
  live: boolean;
}

export interface LogOptions {
  /** Which instance (node rank) of a multi-node job; default 0. For a sweep, the trial index. */
  instance?: number;
  tailLines?: number;
}

export interface ComputeBackend {
  readonly kind: 'kubernetes' | 'azureml';
  /** Full validation by the backend without creating anything (Kubernetes: server-side dry run). */
  dryRun(plan: JobPlan): Promise<DryRunOutcome>;
  /** Creates the job; resolves once the backend accepted it. Returns the objects as stored. */
  submit(plan: JobPlan): Promise<{ created: KubeObject[] }>;
  /** Stops the job and removes what it created (idempotent). */
  cancel(job: JobRef): Promise<void>;
  /** The job's state now. */
  status(job: JobRef): Promise<JobState>;
  /** Calls `onChange` with every state change until the returned function is called. */
  watch(job: JobRef, onChange: (state: JobState) => void): Promise<() => void>;
  /** The main container's log of one instance. */
  logs(job: JobRef, opts?: LogOptions): Promise<string>;
}
