import 'server-only';
import { CoreV1Api } from '@kubernetes/client-node';
import { LABELS } from '@/lib/domain';
import type { KubeClient } from '../kube/client';
import { deleteObject, describeRef, objectPath, serverSideApply } from '../kube/apply';
import { isKubeError, type KubeError } from '../kube/errors';
import { jobObjectName } from '../kube/manifests/names.job';
import { MAIN_CONTAINER } from '../kube/manifests/job';
import type { BackendIssue, ComputeBackend, DryRunOutcome, JobPlan, JobRef, JobState, JobStatus, KubeObject, LogOptions } from './backend';

// The `kubernetes` backend: Harbormaster creates the objects itself with server-side apply (field manager
// `harbormaster`). Jobs first, then their dependents (token Secrets, the headless Service of a multi-node
// job, the MPI ssh key) with an ownerReference to their Job, so deleting the Job (cancel, or a TTL later)
// takes everything with it. A dry run sends the same objects with dryRun=All: the API server's validation,
// defaulting and admission run, nothing is stored.

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How long one call may take before the cluster counts as unreachable for this request. */
const DRY_RUN_TIMEOUT_MS = 8_000;

function issueOf(obj: KubeObject | { kind: string; metadata: { name: string } }, e: KubeError): BackendIssue {
  const causes = e.kubeStatus?.details?.causes ?? [];
  const detail = causes.length ? causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`).join('; ') : (e.kubeStatus?.message ?? e.message);
  return { path: `kubernetes.${obj.kind}/${obj.metadata.name}`, message: `the API server refused ${describeRef(obj as KubeObject)}: ${detail}` };
}

const isJob = (o: KubeObject) => o.apiVersion === 'batch/v1' && o.kind === 'Job';

/** Azure ML's words for a batch/v1 Job's state. */
export function jobStateOf(job: Raw): Omit<JobState, 'live'> {
  const st = job.status ?? {};
  const conds: Raw[] = st.conditions ?? [];
  const cond = (t: string) => conds.find((c) => c.type === t && c.status === 'True');
  const counts = { active: st.active ?? 0, ready: st.ready ?? 0, succeeded: st.succeeded ?? 0, failed: st.failed ?? 0 };
  const base = { startedAt: st.startTime, finishedAt: st.completionTime, counts };
  const failed = cond('Failed');
  if (failed) return { ...base, status: 'Failed', message: [failed.reason, failed.message].filter(Boolean).join(': '), finishedAt: failed.lastTransitionTime ?? st.completionTime };
  if (cond('Complete')) return { ...base, status: 'Completed' };
  if (cond('FailureTarget') || cond('SuccessCriteriaMet')) return { ...base, status: 'Finalizing' };
  if (job.spec?.suspend) return { ...base, status: 'Queued', message: 'suspended' };
  if (counts.ready > 0) return { ...base, status: 'Running' };
  if (counts.active > 0) return { ...base, status: 'Queued', message: `waiting for ${counts.active} pod(s) to start` };
  return { ...base, status: 'Queued' };
}

/** A sweep's state from its trial Jobs (the sweep controller of the job runner refines this). */
function sweepStateOf(trials: Raw[]): Omit<JobState, 'live'> {
  const states = trials.map(jobStateOf);
  const counts = { active: 0, ready: 0, succeeded: 0, failed: 0 };
  for (const s of states) {
    if (s.status === 'Completed') counts.succeeded++;
    else if (s.status === 'Failed') counts.failed++;
    else {
      counts.active++;
      if (s.status === 'Running') counts.ready++;
    }
  }
  const startedAt = states.map((s) => s.startedAt).filter(Boolean).sort()[0];
  let status: JobStatus = 'Queued';
  if (counts.ready > 0) status = 'Running';
  else if (counts.active === 0 && states.length > 0) status = counts.succeeded > 0 ? 'Completed' : 'Failed';
  return { status, counts, startedAt, message: `${trials.length} trial(s): ${counts.succeeded} completed, ${counts.failed} failed, ${counts.active} active` };
}

export class KubernetesBackend implements ComputeBackend {
  readonly kind = 'kubernetes' as const;
  /** `client()` gives a client for one-off calls; `release` is called after each use (closes one-off clients). */
  constructor(
    private readonly client: () => KubeClient,
    private readonly release: (c: KubeClient) => void = (c) => c.close(),
    private readonly clusterName = 'the cluster',
  ) {}

  private async with<T>(fn: (c: KubeClient) => Promise<T>): Promise<T> {
    const c = this.client();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  private selector(job: JobRef): string {
    const key = job.type === 'sweep' ? LABELS.sweep : LABELS.job;
    return `${LABELS.managedBy}=harbormaster,${key}=${jobObjectName(job.name)}`;
  }

  async dryRun(plan: JobPlan): Promise<DryRunOutcome> {
    return this.with(async (c) => {
      const errors: BackendIssue[] = [];
      for (const obj of plan.objects) {
        try {
          await serverSideApply(c, obj, { dryRun: true, timeoutMs: DRY_RUN_TIMEOUT_MS });
        } catch (e) {
          if (!isKubeError(e)) throw e;
          if (e.unreachable) {
            return {
              checked: false,
              errors: [],
              warnings: [{ path: 'compute', message: `${this.clusterName} could not be reached (${e.message}); the objects were validated by Harbormaster but not by the API server` }],
            };
          }
          if (e.reason === 'not_found' && /namespaces? .*not found/i.test(e.kubeStatus?.message ?? e.message)) {
            errors.push({ path: 'compute', message: `namespace ${plan.target.namespace} does not exist on ${this.clusterName}; an ops admin must re-attach compute target ${plan.target.name}` });
            break;
          }
          if (e.reason === 'forbidden' || e.reason === 'unauthorized') {
            errors.push({ path: 'compute', message: `${this.clusterName} does not let Harbormaster create ${obj.kind} objects in ${plan.target.namespace}: ${e.message}` });
            break;
          }
          errors.push(issueOf(obj, e));
        }
      }
      return { checked: true, errors, warnings: [] };
    });
  }

  async submit(plan: JobPlan): Promise<{ created: KubeObject[] }> {
    return this.with(async (c) => {
      const created: KubeObject[] = [];
      const owners = new Map<string, { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }>();
      try {
        for (const obj of plan.objects.filter(isJob)) {
          const stored = await serverSideApply<KubeObject & { metadata: { uid: string } }>(c, obj);
          created.push(stored);
          const key = obj.metadata.labels?.[LABELS.job];
          if (key) owners.set(key, { apiVersion: 'batch/v1', kind: 'Job', name: obj.metadata.name, uid: stored.metadata.uid, controller: false, blockOwnerDeletion: false });
        }
        for (const obj of plan.objects.filter((o) => !isJob(o))) {
          const owner = owners.get(obj.metadata.labels?.[LABELS.job] ?? '');
          const withOwner = owner ? { ...obj, metadata: { ...obj.metadata, ownerReferences: [owner] } } : obj;
          created.push(await serverSideApply<KubeObject>(c, withOwner));
        }
      } catch (e) {
        // Leave nothing half-created: the Jobs own everything else.
        for (const o of created.filter(isJob)) {
          await deleteObject(c, { apiVersion: 'batch/v1', kind: 'Job', name: o.metadata.name, namespace: o.metadata.namespace }).catch(() => undefined);
        }
        throw e;
      }
      return { created };
    });
  }

  private async listJobs(c: KubeClient, job: JobRef): Promise<Raw[]> {
    const path = await objectPath(c, { apiVersion: 'batch/v1', kind: 'Job', namespace: job.target.namespace });
    const list = await c.get<{ items?: Raw[] }>(path, { query: { labelSelector: this.selector(job) }, what: `list Jobs of ${job.name}`, timeoutMs: 10_000 });
    return list?.items ?? [];
  }

  async cancel(job: JobRef): Promise<void> {
    await this.with(async (c) => {
      for (const j of await this.listJobs(c, job)) {
        await deleteObject(c, { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, namespace: job.target.namespace });
      }
    });
  }

  async status(job: JobRef): Promise<JobState> {
    return this.with(async (c) => {
      const items = await this.listJobs(c, job);
      if (items.length === 0) return { status: 'NotStarted', message: 'no Kubernetes Job exists for it', live: true };
      return { ...(job.type === 'sweep' ? sweepStateOf(items) : jobStateOf(items[0])), live: true };
    });
  }

  async watch(job: JobRef, onChange: (state: JobState) => void): Promise<() => void> {
    const c = this.client();
    const path = await objectPath(c, { apiVersion: 'batch/v1', kind: 'Job', namespace: job.target.namespace });
    const seen = new Map<string, Raw>();
    let last = '';
    const emit = () => {
      const items = [...seen.values()];
      const state: JobState = items.length === 0 ? { status: 'NotStarted', live: true } : { ...(job.type === 'sweep' ? sweepStateOf(items) : jobStateOf(items[0])), live: true };
      const key = JSON.stringify(state);
      if (key !== last) {
        last = key;
        onChange(state);
      }
    };
    let stopped = false;
    const handle = await c.watch(
      path,
      { labelSelector: this.selector(job), allowWatchBookmarks: true },
      (ev) => {
        if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
        const name = (ev.object.metadata as { name?: string } | undefined)?.name ?? '';
        if (ev.type === 'DELETED') seen.delete(name);
        else seen.set(name, ev.object);
        emit();
      },
      (err) => {
        if (!stopped && err) onChange({ status: (JSON.parse(last || '{"status":"NotStarted"}') as JobState).status, message: `watch ended: ${err.message}`, live: false });
      },
    );
    return () => {
      stopped = true;
      handle.abort();
      this.release(c);
    };
  }

  async logs(job: JobRef, opts: LogOptions = {}): Promise<string> {
    return this.with(async (c) => {
      const core = c.kubeConfig.makeApiClient(CoreV1Api);
      const jobs = await this.listJobs(c, job);
      const target = job.type === 'sweep' ? jobs.find((j) => j.metadata.annotations?.['harbormaster.io/trial-index'] === String(opts.instance ?? 0)) : jobs[0];
      if (!target) return '';
      const pods = await core.listNamespacedPod({ namespace: job.target.namespace, labelSelector: `batch.kubernetes.io/job-name=${target.metadata.name}` });
      const index = job.type === 'sweep' ? 0 : (opts.instance ?? 0);
      const pod =
        pods.items
          .filter((p) => (p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '0') === String(index))
          .sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')))[0] ?? pods.items[0];
      if (!pod?.metadata?.name) return '';
      return core.readNamespacedPodLog({ name: pod.metadata.name, namespace: job.target.namespace, container: MAIN_CONTAINER, tailLines: opts.tailLines });
    });
  }
}
