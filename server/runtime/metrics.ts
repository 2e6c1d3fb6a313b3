import 'server-only';
import { and, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { MetricReader, type MetricPoint } from '@/lib/jobs/metrics';
import type { Db } from '../db';
import { clusters, jobMetrics, jobs, workspaces } from '../db/schema';
import { logger } from '../logger';
import { publish } from '../live/bus';
import type { LeanPod } from '../kube/cache';
import { liveCache, type ClusterRow } from '../services/clusters';
import { backendFor } from '../services/jobs';
import { objectNameOf, podsByJob } from './job-status';

// The metrics collector (leader only, beside the status reconciler): follows the log of rank 0 of every job
// that runs (command jobs and sweep trials) and stores its `HARBORMASTER_METRIC name=value [step=n]` lines
// (lib/jobs/metrics.ts) in job_metrics as they arrive, so a sweep's controller sees them while trials run.
// A log is read from its start; after a restart or a dropped connection it is read again and (job, name, seq)
// keeps each value once. Once the container ended its log is read to its end one last time (a follow is not
// trusted to end by itself). A job whose pod ended and whose log was read to its end is marked (metrics_pod) and
// never read again; one that ended more than RECENT_MS ago without being read is left alone.

const ATTACH = ['Queued', 'Preparing', 'Running', 'Finalizing'];
const RECENT_MS = 10 * 60_000;
const RETRY_MS = 3000;
const FLUSH_MS = 400;

interface Follow {
  pod: string;
  /** Following a running container, or reading an ended one's log once to its end. */
  follow: boolean;
  abort: AbortController;
}

const ended = (p: LeanPod) => p.phase === 'Succeeded' || p.phase === 'Failed';

interface Candidate {
  id: string;
  name: string;
  namespace: string;
  objectName: string | null;
  clusterName: string;
  workspace: string;
  parentName: string | null;
  ignored: number;
}

/** Rank 0's pod of a Job: the newest one whose container started (a retried pod replaces the old one). */
export function rankZeroPod(pods: LeanPod[]): LeanPod | undefined {
  return pods
    .filter((p) => (Number(p.labels['batch.kubernetes.io/job-completion-index'] ?? 0) || 0) === 0)
    .filter((p) => p.startedAt || p.phase === 'Running' || p.phase === 'Succeeded' || p.phase === 'Failed')
    .sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')))[0];
}

export function startMetricsCollector(db: Db, opts: { tickMs?: number } = {}): () => void {
  const tickMs = opts.tickMs ?? 1500;
  const follows = new Map<string, Follow>(); // by job id
  const retryAt = new Map<string, number>();
  const endedEarly = new Map<string, number>();
  let stopped = false;
  let running = false;

  const store = async (c: Candidate, points: MetricPoint[], ignored: number) => {
    if (points.length) {
      await db
        .insert(jobMetrics)
        .values(points.map((p) => ({ jobId: c.id, name: p.name, seq: p.seq, step: p.step, value: p.value })))
        .onConflictDoNothing();
    }
    if (ignored > c.ignored) {
      await db.update(jobs).set({ metricLinesIgnored: sql`GREATEST(${jobs.metricLinesIgnored}, ${ignored})` }).where(eq(jobs.id, c.id));
      c.ignored = ignored;
    }
    publish(`jobs:${c.workspace}`, c.name);
    if (c.parentName) publish(`jobs:${c.workspace}`, c.parentName);
  };

  const read = (row: ClusterRow, c: Candidate, pod: LeanPod) => {
    const abort = new AbortController();
    const f: Follow = { pod: pod.name, follow: !ended(pod), abort };
    follows.set(c.id, f);
    void (async () => {
      const reader = new MetricReader();
      let pending: MetricPoint[] = [];
      let last = Date.now();
      const flush = async () => {
        const batch = pending;
        pending = [];
        last = Date.now();
        await store(c, batch, reader.ignored);
      };
      try {
        const stream = await backendFor(row).streamLogs(c.namespace, pod.name, { follow: f.follow, signal: abort.signal });
        const r = stream.getReader();
        for (;;) {
          const { done, value } = await r.read();
          if (done) break;
          pending.push(...reader.push(value));
          if (Date.now() - last >= FLUSH_MS && (pending.length || reader.ignored > c.ignored)) await flush();
        }
        pending.push(...reader.end());
        await flush();
        if (abort.signal.aborted) return;
        // Read to its end: done for good when the container had ended (else the connection dropped: again later).
        if (!f.follow) {
          await db.update(jobs).set({ metricsPod: pod.name }).where(eq(jobs.id, c.id));
        } else {
          const n = (endedEarly.get(c.id) ?? 0) + 1;
          endedEarly.set(c.id, n);
          retryAt.set(c.id, Date.now() + Math.min(30_000, RETRY_MS * 2 ** (n - 1)));
        }
      } catch (e) {
        if (!abort.signal.aborted) {
          retryAt.set(c.id, Date.now() + RETRY_MS);
          logger.debug({ err: { message: (e as Error).message }, job: c.name }, 'metrics: log not readable yet');
        }
        if (pending.length) await store(c, pending, reader.ignored).catch(() => undefined);
      } finally {
        if (follows.get(c.id) === f) follows.delete(c.id);
      }
    })();
  };

  const tick = async () => {
    if (stopped || running) return;
    running = true;
    try {
      const since = new Date(Date.now() - RECENT_MS);
      const rows = await db
        .select({
          id: jobs.id,
          name: jobs.name,
          namespace: jobs.namespace,
          objectName: jobs.objectName,
          clusterName: jobs.clusterName,
          workspace: workspaces.name,
          parentJobId: jobs.parentJobId,
          ignored: jobs.metricLinesIgnored,
        })
        .from(jobs)
        .innerJoin(workspaces, eq(workspaces.id, jobs.workspaceId))
        .where(and(ne(jobs.type, 'sweep'), eq(jobs.backend, 'kubernetes'), isNull(jobs.metricsPod), or(inArray(jobs.status, ATTACH), gt(jobs.finishedAt, since))));
      const parents = [...new Set(rows.map((r) => r.parentJobId).filter((x): x is string => !!x))];
      const parentNames = new Map(parents.length ? (await db.select({ id: jobs.id, name: jobs.name }).from(jobs).where(inArray(jobs.id, parents))).map((p) => [p.id, p.name]) : []);
      const names = [...new Set(rows.map((r) => r.clusterName))];
      const clusterRows = names.length ? await db.select().from(clusters).where(inArray(clusters.name, names)) : [];
      const wanted = new Set(rows.map((r) => r.id));
      for (const [id, f] of follows) if (!wanted.has(id)) f.abort.abort();
      for (const id of [...retryAt.keys()]) if (!wanted.has(id)) (retryAt.delete(id), endedEarly.delete(id));
      for (const cr of clusterRows) {
        let pods: LeanPod[];
        try {
          const pi = liveCache(cr).pods();
          if (!pi.state.synced) continue;
          pods = pi.items();
        } catch {
          continue;
        }
        const byJob = podsByJob(pods);
        for (const r of rows.filter((x) => x.clusterName === cr.name)) {
          const pod = rankZeroPod(byJob.get(`${r.namespace}/${objectNameOf(r)}`) ?? []);
          if (!pod) continue;
          const f = follows.get(r.id);
          // Following a container that has ended: some logs never end a follow (KWOK's), so stop it and read
          // the whole log once more, which also catches lines written after the last chunk.
          if (f?.pod === pod.name && !(f.follow && ended(pod))) continue;
          if (!f && (retryAt.get(r.id) ?? 0) > Date.now()) continue;
          f?.abort.abort();
          read(cr, { id: r.id, name: r.name, namespace: r.namespace, objectName: r.objectName, clusterName: r.clusterName, workspace: r.workspace, parentName: r.parentJobId ? (parentNames.get(r.parentJobId) ?? null) : null, ignored: r.ignored }, pod);
        }
      }
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, 'metrics collector pass failed');
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref?.();
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const f of follows.values()) f.abort.abort();
    follows.clear();
  };
}
