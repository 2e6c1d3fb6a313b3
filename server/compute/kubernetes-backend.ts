import 'server-only';
import { CoreV1Api } from '@kubernetes/client-node';
import { LABELS } from '@/lib/domain';
import type { KubeClient } from '../kube/client';
import { objectPath } from '../kube/apply';
import { applyPlan, type PlanStep } from '../kube/plan';
import { jobObjectName } from '../kube/manifests/names.job';
import { MAIN_CONTAINER } from '../kube/manifests/job';
import type { BackendIssue, ComputeBackend, DryRunOutcome, JobPlan, JobRef, KubeObject, LogOptions } from './backend';

// The `kubernetes` backend: the job's objects as a plan for the one plan-and-apply layer (server/kube/plan.ts).
// Jobs first, then their dependents (token Secrets, the headless Service of a multi-node job, the MPI ssh
// key), which the intent runner makes owned by their Job, so deleting the Job (cancel, or a TTL later) takes
// everything with it. A dry run sends the same plan with dryRun=All: the API server's validation, defaulting
// and admission run, nothing is stored.

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How long one call may take before the cluster counts as unreachable for this request. */
const DRY_RUN_TIMEOUT_MS = 8_000;

const isJob = (o: KubeObject) => o.apiVersion === 'batch/v1' && o.kind === 'Job';

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
      const r = await applyPlan(c, this.submitSteps(plan), { dryRun: true, timeoutMs: DRY_RUN_TIMEOUT_MS });
      if (r.unreachable) {
        return {
          checked: false,
          errors: [],
          warnings: [{ path: 'compute', message: `${this.clusterName} could not be reached (${r.message}); the objects were validated by Harbormaster but not by the API server` }],
        };
      }
      const errors: BackendIssue[] = [];
      for (const v of r.verdicts.filter((x) => x.outcome === 'refused')) {
        if (/namespaces? .*not found/i.test(v.message ?? '')) {
          errors.push({ path: 'compute', message: `namespace ${plan.target.namespace} does not exist on ${this.clusterName}; an ops admin must re-attach compute target ${plan.target.name}` });
          break;
        }
        if (/forbidden|unauthorized/i.test(v.message ?? '') && !v.fields?.length) {
          errors.push({ path: 'compute', message: `${this.clusterName} does not let Harbormaster create ${v.kind} objects in ${plan.target.namespace}: ${v.message}` });
          break;
        }
        const detail = v.fields?.length ? v.fields.map((f) => `${f.path}: ${f.message}`).join('; ') : v.message;
        errors.push({ path: `kubernetes.${v.kind}/${v.name}`, message: `the API server refused ${v.object}: ${detail}` });
      }
      return { checked: true, errors, warnings: [] };
    });
  }

  submitSteps(plan: JobPlan): PlanStep[] {
    return [...plan.objects.filter(isJob), ...plan.objects.filter((o) => !isJob(o))].map((object) => ({ op: 'apply' as const, object }));
  }

  cancelSteps(job: JobRef, applied: KubeObject[]): PlanStep[] {
    // Deleting the Jobs (background propagation) removes their pods and everything they own.
    return applied.filter(isJob).map((o) => ({
      op: 'delete' as const,
      ref: { apiVersion: 'batch/v1', kind: 'Job', name: o.metadata.name, namespace: o.metadata.namespace ?? job.target.namespace },
      ifLabels: { [LABELS.managedBy]: 'harbormaster' },
    }));
  }

  private async listJobs(c: KubeClient, job: JobRef): Promise<Raw[]> {
    const path = await objectPath(c, { apiVersion: 'batch/v1', kind: 'Job', namespace: job.target.namespace });
    const list = await c.get<{ items?: Raw[] }>(path, { query: { labelSelector: this.selector(job) }, what: `list Jobs of ${job.name}`, timeoutMs: 10_000 });
    return list?.items ?? [];
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
