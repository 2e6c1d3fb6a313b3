import 'server-only';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { LABELS } from '@/lib/domain';
import { deriveJobState, TERMINAL, type DerivedJobState, type JobPodState } from '@/lib/jobs/status';
import type { Db, DbOrTx } from '../db';
import { clusters, jobs, jobTransitions, workspaces } from '../db/schema';
import { logger } from '../logger';
import { publish } from '../live/bus';
import { startClusterWatch } from './cluster-watch';
import type { ClusterCache, LeanJob, LeanPod } from '../kube/cache';
import { jobObjectName } from '../kube/manifests/names.job';
import type { ClusterRow } from '../services/clusters';

// Job status from informers (DESIGN §3 "Live state"): the leader watches the Jobs Harbormaster created and
// their pods on every cluster that has active jobs, derives each job's status in Azure ML's words
// (lib/jobs/status.ts) and records every change as a transition with its time. Reads never write: the
// list and the job page show what this recorded, and every change is published to the job's workspace
// stream. A job whose objects are gone keeps its record (spec, transitions, objects applied).

export type JobRow = typeof jobs.$inferSelect;

const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];
/** A job whose Job object should exist but is not in a synced cache for this long is counted as deleted. */
const GONE_AFTER_MS = 30_000;

export interface StatusChange {
  status: string;
  message: string | null;
  startedAt?: string | Date | null;
  finishedAt?: string | Date | null;
}

const asDate = (v: string | Date | null | undefined) => (v ? (v instanceof Date ? v : new Date(v)) : null);

/**
 * Records a job's status (and a transition when the status changed), then tells its workspace's streams.
 * Canceled and finished jobs keep their status. Returns the row as stored, or undefined when nothing changed.
 */
export async function recordJobStatus(db: DbOrTx, row: JobRow, next: StatusChange, opts: { force?: boolean } = {}): Promise<JobRow | undefined> {
  if (!opts.force && TERMINAL.has(row.status)) return undefined;
  const startedAt = row.startedAt ?? asDate(next.startedAt);
  const finishedAt = row.finishedAt ?? (TERMINAL.has(next.status) ? (asDate(next.finishedAt) ?? new Date()) : null);
  const message = next.message ?? null;
  if (row.status === next.status && row.statusMessage === message && +(row.startedAt ?? 0) === +(startedAt ?? 0) && +(row.finishedAt ?? 0) === +(finishedAt ?? 0)) return undefined;
  const [u] = await db.update(jobs).set({ status: next.status, statusMessage: message, startedAt, finishedAt, updatedAt: new Date() }).where(eq(jobs.id, row.id)).returning();
  if (row.status !== next.status) await db.insert(jobTransitions).values({ jobId: row.id, status: next.status, message });
  await publishJobChange(db, row);
  return u;
}

/** Tells the streams of a job's workspace that the job changed. */
export async function publishJobChange(db: DbOrTx, row: Pick<JobRow, 'workspaceId' | 'name'>): Promise<void> {
  const [ws] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, row.workspaceId)).limit(1);
  if (ws) publish(`jobs:${ws.name}`, row.name);
}

/** The recorded transitions of a job, oldest first. */
export async function jobTransitionsOf(db: DbOrTx, jobId: string) {
  return db.select().from(jobTransitions).where(eq(jobTransitions.jobId, jobId)).orderBy(jobTransitions.id);
}

/** A cached pod as the status derivation (lib/jobs/status.ts) reads it. */
export const toPodState = (p: LeanPod): JobPodState => ({
  name: p.name,
  phase: p.phase,
  scheduled: !!p.nodeName,
  ready: p.ready,
  ...(p.startedAt ? { startedAt: p.startedAt } : {}),
  ...(p.problem ? { problem: { reason: p.problem.reason, message: p.problem.message } } : {}),
});

/** The Kubernetes Job's name of a job's record (a trial's is `<sweep>-t<index>`, recorded when it was made). */
export const objectNameOf = (row: Pick<JobRow, 'name' | 'objectName'>) => row.objectName ?? jobObjectName(row.name);

/** A Job's pods from the cache, keyed `<namespace>/<job object name>`. */
export function podsByJob(podList: LeanPod[]): Map<string, LeanPod[]> {
  const out = new Map<string, LeanPod[]>();
  for (const p of podList) {
    const jn = p.labels['batch.kubernetes.io/job-name'] ?? p.labels['job-name'];
    if (!jn) continue;
    const key = `${p.namespace}/${jn}`;
    const l = out.get(key);
    if (l) l.push(p);
    else out.set(key, [p]);
  }
  return out;
}

/**
 * The status of each given job (command jobs and trials: one Kubernetes Job each) from a cluster's cached Jobs
 * and pods; undefined: no Job object seen. Sweeps are not derived here: their controller derives them from
 * their trials' records (server/services/sweeps.ts).
 */
export function deriveFromCache(rows: JobRow[], jobList: LeanJob[], podList: LeanPod[]): Map<string, DerivedJobState | undefined> {
  const byName = new Map<string, LeanJob>();
  for (const j of jobList) if (j.labels[LABELS.job]) byName.set(`${j.namespace}/${j.labels[LABELS.job]}`, j);
  const pods = podsByJob(podList);
  const out = new Map<string, DerivedJobState | undefined>();
  for (const r of rows) {
    if (r.type === 'sweep') continue;
    const j = byName.get(`${r.namespace}/${objectNameOf(r)}`);
    out.set(r.id, j ? deriveJobState(j, (pods.get(`${j.namespace}/${j.name}`) ?? []).map(toPodState)) : undefined);
  }
  return out;
}

/** One pass over a cluster's active jobs: records what changed. */
export async function syncClusterJobs(db: Db, cluster: ClusterRow, cache: ClusterCache): Promise<number> {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.clusterName, cluster.name), eq(jobs.backend, 'kubernetes'), inArray(jobs.status, ACTIVE), ne(jobs.type, 'sweep')));
  if (!rows.length) return 0;
  const ji = cache.jobs();
  const pi = cache.pods();
  if (!ji.state.synced || !pi.state.synced) return 0;
  const derived = deriveFromCache(rows, ji.items(), pi.items());
  let changed = 0;
  for (const r of rows) {
    const d = derived.get(r.id);
    if (!d) {
      // No Job object. NotStarted: its intent has not created it yet (the intent records that outcome).
      if (r.status === 'NotStarted' || Date.now() - r.updatedAt.getTime() < GONE_AFTER_MS) continue;
      if (await recordJobStatus(db, r, { status: 'Failed', message: 'its Kubernetes Job was deleted outside Harbormaster' })) changed++;
      continue;
    }
    if (await recordJobStatus(db, r, d)) changed++;
  }
  return changed;
}

/**
 * The status reconciler (run by the leader only): watches the clusters that have active jobs, re-derives
 * their jobs' status on every Job or pod change (coalesced), and every few seconds as a safety net.
 */
export function startJobStatusReconciler(db: Db, opts: { tickMs?: number; debounceMs?: number } = {}): () => void {
  return startClusterWatch(db, {
    name: 'job status',
    ...opts,
    topicPrefix: 'jobs:',
    async clusters(d) {
      const active = await d
        .selectDistinct({ name: jobs.clusterName })
        .from(jobs)
        .where(and(inArray(jobs.status, ACTIVE), eq(jobs.backend, 'kubernetes')));
      const names = active.map((x) => x.name);
      return names.length ? d.select().from(clusters).where(inArray(clusters.name, names)) : [];
    },
    informers: (cache) => [cache.jobs(), cache.pods()],
    sync: syncClusterJobs,
  });
}
