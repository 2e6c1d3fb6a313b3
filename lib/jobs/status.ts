// A job's status in Azure ML's words, derived from its Kubernetes Job(s) and their pods (pure; the status
// reconciler feeds it from the informer cache). Shared vocabulary with UI.md.
//   Queued      some pods are not created yet or not scheduled (quota refusals included)
//   Preparing   every pod is scheduled, containers are starting or pulling their image
//   Running     every rank runs
//   Finalizing  some ranks are done, others still run (or Kubernetes is finishing the Job)
//   Completed / Failed from the Job's conditions

export const JOB_STATUSES = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing', 'Completed', 'Failed', 'Canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Canceled']);

export interface JobObjectState {
  name: string;
  /** Pods the Job wants at once (instance count). */
  parallelism: number;
  suspend: boolean;
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  startTime?: string;
  completionTime?: string;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
}

export interface JobPodState {
  name: string;
  phase: string;
  scheduled: boolean;
  ready: boolean;
  /** When its container started running. */
  startedAt?: string;
  /** Why it is not running (the scheduler's or kubelet's words). */
  problem?: { reason: string; message: string };
}

export interface DerivedJobState {
  status: JobStatus;
  message: string | null;
  startedAt?: string;
  finishedAt?: string;
}

const cond = (j: JobObjectState, type: string) => j.conditions.find((c) => c.type === type && c.status === 'True');

/** One Kubernetes Job (one rank set) and its pods. */
export function deriveJobState(job: JobObjectState, pods: JobPodState[]): DerivedJobState {
  // The job started when its first rank started running (the Job's startTime is set while pods still queue).
  const started = pods.map((p) => p.startedAt).filter((t): t is string => !!t).sort()[0];
  const failed = cond(job, 'Failed');
  if (failed) {
    const why = [failed.reason, failed.message].filter(Boolean).join(': ');
    const podWhy = pods.find((p) => p.problem && p.phase === 'Failed')?.problem;
    // The pod's reason first (OOMKilled: exit code 137), then Kubernetes' own (BackoffLimitExceeded, a pod failure policy).
    return { status: 'Failed', message: podWhy ? `${podWhy.reason}: ${podWhy.message} (${failed.reason ?? 'Failed'})` : why || 'the Job failed', startedAt: started, finishedAt: failed.lastTransitionTime ?? job.completionTime };
  }
  const complete = cond(job, 'Complete');
  if (complete) return { status: 'Completed', message: null, startedAt: started ?? job.startTime, finishedAt: job.completionTime ?? complete.lastTransitionTime };
  if (cond(job, 'FailureTarget') || cond(job, 'SuccessCriteriaMet')) return { status: 'Finalizing', message: null, startedAt: started };
  if (job.suspend) return { status: 'Queued', message: 'suspended', startedAt: started };

  const live = pods.filter((p) => p.phase !== 'Failed' && p.phase !== 'Succeeded');
  const unscheduled = live.filter((p) => !p.scheduled);
  const want = Math.max(1, job.parallelism);
  // The Job's counters lag its pods by a moment: a pod that Succeeded is done even before status.succeeded says so.
  const done = Math.max(job.succeeded, pods.filter((p) => p.phase === 'Succeeded').length);
  // A pod that failed has run (it is not "not created yet"): the Job controller retries it or fails the Job.
  const ended = done + pods.filter((p) => p.phase === 'Failed').length;
  if (unscheduled.length || live.length + ended < want) {
    const p = unscheduled[0]?.problem;
    // The scheduler's verdict without its preemption post-script (the job page explains it in full).
    const waiting = p ? `${p.reason}: ${p.message.replace(/\s*preemption:.*$/s, '')}` : live.length + ended < want ? `waiting for ${want - live.length - ended} of ${want} pod(s) to be created` : 'waiting to be scheduled';
    return { status: 'Queued', message: waiting, startedAt: started };
  }
  // Every pod ended: Kubernetes is deciding (Complete, Failed, or a retry).
  if (live.length === 0) return { status: 'Finalizing', message: null, startedAt: started };
  const notRunning = live.filter((p) => p.phase !== 'Running');
  if (done > 0) return { status: 'Finalizing', message: `${done} of ${want} rank(s) finished`, startedAt: started };
  if (notRunning.length) {
    const p = notRunning.find((x) => x.problem)?.problem;
    return { status: 'Preparing', message: p ? `${p.reason}: ${p.message}` : `starting ${notRunning.length} of ${want} pod(s)`, startedAt: started };
  }
  const crashing = live.find((p) => p.problem && /BackOff|Error|CrashLoop/.test(p.problem.reason))?.problem;
  return { status: 'Running', message: crashing ? `${crashing.reason}: ${crashing.message}` : null, startedAt: started };
}
