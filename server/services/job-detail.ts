import 'server-only';
import { withDefaultInstanceType } from '@/lib/instance-types';
import { explainPending, type PendingAlternative, type PendingExplanation, type PendingNode } from '@/lib/jobs/pending';
import { LABELS } from '@/lib/domain';
import type { DbOrTx } from '../db';
import type { LeanEvent, LeanPod } from '../kube/cache';
import { findClusterRow, liveCache } from './clusters';
import { getComputeTarget, listComputeTargets } from './compute-targets';
import { targetInstanceTypes } from './compute-targets-view';
import { clusterSnapshot, fitOf } from './instance-types';
import { getJob, type JobDto } from './jobs-read';

// One job as its page and `GET …/jobs/{name}` show it: the record (spec, transitions, what was applied — kept
// after the Kubernetes objects are gone) plus, from the cluster's live cache, its ranks (pods), its events and
// why it is pending. Never a LIST per request: informers (server/kube/cache.ts).

export interface JobRankDto {
  /** Node rank (completion index of an Indexed Job; 0 for a single node). For a sweep, the trial index. */
  rank: number;
  trial?: number;
  pod: string;
  phase: string;
  node: string | null;
  ready: boolean;
  restarts: number;
  exitCode?: number;
  exitReason?: string;
  problem?: { reason: string; message: string };
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
}

/** A Kubernetes event about a workload (a job's Job and pods, an online deployment's Deployment and pods). */
export interface JobEventDto {
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  at: string;
}

export interface JobDetailDto extends JobDto {
  ranks: JobRankDto[];
  events: JobEventDto[];
  pending: PendingExplanation | null;
  /** live: from the cluster now; unreachable: the cluster cannot be read (the record is shown); gone: its cluster was removed. */
  clusterState: 'live' | 'unreachable' | 'gone';
}

const PENDING_STATUSES = new Set(['NotStarted', 'Queued', 'Preparing']);

function rankOf(p: LeanPod, trialOf: Map<string, number>): JobRankDto {
  const jobName = p.labels['batch.kubernetes.io/job-name'] ?? p.labels['job-name'] ?? '';
  const trial = trialOf.get(jobName);
  const rank = Number(p.labels['batch.kubernetes.io/job-completion-index'] ?? 0) || 0;
  const end = p.finishedAt ? Date.parse(p.finishedAt) : Date.now();
  return {
    rank,
    ...(trial !== undefined ? { trial } : {}),
    pod: p.name,
    phase: p.phase,
    node: p.nodeName,
    ready: p.ready,
    restarts: p.restarts,
    ...(p.exitCode !== undefined ? { exitCode: p.exitCode, exitReason: p.exitReason } : {}),
    ...(p.problem ? { problem: { reason: p.problem.reason, message: p.problem.message } } : {}),
    ...(p.startedAt ? { startedAt: p.startedAt, durationMs: Math.max(0, end - Date.parse(p.startedAt)) } : {}),
    ...(p.finishedAt ? { finishedAt: p.finishedAt } : {}),
  };
}

export const eventDto = (e: LeanEvent): JobEventDto => ({ type: e.type, reason: e.reason, message: e.message, object: `${e.object.kind}/${e.object.name}`, count: e.count, at: new Date(e.last || Date.now()).toISOString() });

/** The job with its live detail; `explain: false` skips the pending explanation (callers that need only ranks). */
export async function jobDetail(db: DbOrTx, workspace: string, name: string, opts: { explain?: boolean } = {}): Promise<JobDetailDto> {
  const job = await getJob(db, workspace, name);
  const cluster = await findClusterRow(db, job.cluster);
  if (!cluster) return { ...job, ranks: [], events: [], pending: null, clusterState: 'gone' };
  const cache = liveCache(cluster);
  const jobs = cache.jobs();
  const pods = cache.pods();
  const events = cache.events();
  const [jOk, pOk] = await Promise.all([jobs.waitSynced(2000), pods.waitSynced(2000), events.waitSynced(2000)]);
  if (!jOk || !pOk) return { ...job, ranks: [], events: [], pending: null, clusterState: 'unreachable' };

  // The Kubernetes Jobs of this job: one (command) or its trials (sweep).
  const key = job.objectName;
  const mine = jobs.items().filter((j) => j.namespace === job.namespace && (job.type === 'sweep' ? j.labels[LABELS.sweep] === key : j.labels[LABELS.job] === key));
  const trialOf = new Map<string, number>();
  if (job.type === 'sweep') {
    for (const j of mine) {
      const m = /-t(\d+)$/.exec(j.name);
      if (m) trialOf.set(j.name, Number(m[1]));
    }
  }
  const names = new Set(mine.map((j) => j.name));
  // The record names the Jobs it applied too (they may be gone from the cache, their pods still listed).
  for (const o of job.objects as Array<{ kind?: string; metadata?: { name?: string } }>) if (o.kind === 'Job' && o.metadata?.name) names.add(o.metadata.name);
  // An azureml job's Job is Azure ML's (not in the cache of Harbormaster's Jobs): its pods, once the poller found its name.
  if (job.backend === 'azureml' && job.azure?.jobName && job.objectName) names.add(job.objectName);
  const myPods = pods.items().filter((p) => p.namespace === job.namespace && names.has(p.labels['batch.kubernetes.io/job-name'] ?? p.labels['job-name'] ?? ''));
  const ranks = myPods.map((p) => rankOf(p, trialOf)).sort((a, b) => (a.trial ?? 0) - (b.trial ?? 0) || a.rank - b.rank || String(a.startedAt ?? '').localeCompare(String(b.startedAt ?? '')));
  const podNames = new Set(myPods.map((p) => p.name));
  const myEvents = events
    .items()
    .filter((e) => e.namespace === job.namespace && ((e.object.kind === 'Job' && names.has(e.object.name)) || (e.object.kind === 'Pod' && (podNames.has(e.object.name) || [...names].some((n) => e.object.name.startsWith(`${n}-`))))))
    .sort((a, b) => b.last - a.last);

  let pending: PendingExplanation | null = null;
  const stuck = myPods.some((p) => !p.nodeName && p.phase === 'Pending') || myPods.some((p) => p.problem && p.phase === 'Pending');
  const quotaRefused = myEvents.some((e) => e.reason === 'FailedCreate');
  if (opts.explain !== false && PENDING_STATUSES.has(job.status) && (stuck || quotaRefused)) pending = await explainPendingPods(db, workspace, job, myPods, myEvents);
  return { ...job, ranks, events: myEvents.slice(0, 200).map(eventDto), pending, clusterState: 'live' };
}

/** What the pending explanation needs to know about the workload whose pods wait (a job, an online deployment). */
export interface PendingSubject {
  computeTarget: string;
  cluster: string;
  instanceType: string;
  instanceCount: number;
}

/** Why pods of a workload wait, and instance types that could start now instead (jobs and online deployments). */
export async function explainPendingPods(db: DbOrTx, workspace: string, job: PendingSubject, pods: LeanPod[], events: LeanEvent[]): Promise<PendingExplanation> {
  const target = await getComputeTarget(db, workspace, job.computeTarget).catch(() => undefined);
  const cluster = await findClusterRow(db, job.cluster);
  const snap = cluster ? await clusterSnapshot(db, cluster, { waitMs: 1000 }) : undefined;
  const it = snap ? withDefaultInstanceType(snap.instanceTypes).find((i) => i.name === job.instanceType) : undefined;
  let nodes: PendingNode[] = [];
  let requests: Record<string, number> = {};
  if (snap?.live && it) {
    const fit = fitOf(it, snap, { workspace, compute: job.computeTarget });
    requests = { ...fit.requests };
    nodes = fit.perNode
      .filter((n) => n.matchesLabels)
      .map((n) => ({
        name: n.name,
        pool: n.pool,
        usable: n.counted,
        untolerated: n.untoleratedTaints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
        free: Object.fromEntries(Object.keys(n.allocatable).map((r) => [r, Math.max(0, (n.allocatable as Record<string, number>)[r] - (n.used as Record<string, number>)[r])])),
      }));
  }
  const explanation = explainPending({
    pods: pods.map((p) => ({ name: p.name, scheduled: !!p.nodeName, ...(p.problem ? { problem: { reason: p.problem.reason, message: p.problem.message } } : {}) })),
    events: events.map((e) => ({ type: e.type, reason: e.reason, message: e.message })),
    instanceType: { name: job.instanceType, requests },
    nodes,
    totalNodes: snap?.nodes.length ?? 0,
  });
  // What would start now instead: an instance type that still offers what is short (a GPU job is offered
  // GPUs, not a CPU size), on this target or another of the workspace, for every instance of the job.
  const short = explanation.reasons.filter((r) => r.code === 'insufficient' && r.resource && r.resource !== 'pods').map((r) => r.resource!);
  const offers = (res: { requests: Record<string, string | number>; limits: Record<string, string | number> }) =>
    short.every((r) => Number(res.limits?.[r] ?? res.requests?.[r] ?? 0) > 0 || (r === 'cpu' || r === 'memory'));
  const alternatives: PendingAlternative[] = [];
  try {
    for (const t of await listComputeTargets(db, workspace)) {
      const view = await targetInstanceTypes(db, t, t.row.id === target?.row.id && snap ? { snapshot: snap } : { waitMs: 1000 });
      for (const i of view.items) {
        if (t.row.name === job.computeTarget && i.name === job.instanceType) continue;
        if (i.canStartNow >= job.instanceCount && offers(i.resources)) alternatives.push({ computeTarget: t.row.name, instanceType: i.name, canStartNow: i.canStartNow });
      }
    }
  } catch {
    /* alternatives are a help, not a must */
  }
  // The same size elsewhere first, then this target's other sizes, then the rest.
  const rank = (x: PendingAlternative) => (x.instanceType === job.instanceType ? 0 : x.computeTarget === job.computeTarget ? 1 : 2);
  alternatives.sort((a, b) => rank(a) - rank(b) || b.canStartNow - a.canStartNow);
  return { ...explanation, alternatives: alternatives.slice(0, 5) };
}
