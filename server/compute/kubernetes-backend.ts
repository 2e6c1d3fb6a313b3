import 'server-only';
import { PassThrough, Readable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import { LABELS } from '@/lib/domain';
import type { KubeClient } from '../kube/client';
import { applyPlan, applySteps, type KubeObject, type PlanStep } from '../kube/plan';
import { MAIN_CONTAINER } from '../kube/manifests/job';
import type { BackendIssue, ComputeBackend, DryRunOutcome, JobPlan, JobRef, LogOptions } from './backend';

// The `kubernetes` backend: the job's objects as a plan for the one plan-and-apply layer (server/kube/plan.ts).
// Jobs first, then their dependents (token Secrets, the headless Service of a multi-node job, the MPI ssh
// key), which the intent runner makes owned by their Job, so deleting the Job (cancel, or a TTL later) takes
// everything with it. A dry run sends the same plan with dryRun=All: the API server's validation, defaulting
// and admission run, nothing is stored.


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
    return applySteps([...plan.objects.filter(isJob), ...plan.objects.filter((o) => !isJob(o))]);
  }

  cancelSteps(job: JobRef, applied: KubeObject[]): PlanStep[] {
    // Deleting the Jobs (background propagation) removes their pods and everything they own.
    return applied.filter(isJob).map((o) => ({
      op: 'delete' as const,
      ref: { apiVersion: 'batch/v1', kind: 'Job', name: o.metadata.name, namespace: o.metadata.namespace ?? job.target.namespace },
      ifLabels: { [LABELS.managedBy]: 'harbormaster' },
    }));
  }

  /**
   * The main container's log of one pod, streamed (follow: until the container ends or the caller goes away).
   * The pod is chosen from the live cache by the caller (server/services/job-logs.ts).
   */
  async streamLogs(namespace: string, pod: string, opts: { container?: string; follow?: boolean; tailLines?: number; timestamps?: boolean; signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const c = this.client();
    const out = new PassThrough();
    const abort = await new Log(c.kubeConfig).log(namespace, pod, opts.container ?? MAIN_CONTAINER, out, { follow: !!opts.follow, timestamps: !!opts.timestamps, ...(opts.tailLines ? { tailLines: opts.tailLines } : {}) });
    const stop = () => {
      abort.abort();
      out.end();
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    out.on('close', () => this.release(c));
    return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
  }
}
