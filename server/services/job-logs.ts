import 'server-only';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { clusterAppError } from '../kube/errors';
import { backendFor } from './jobs';
import { findClusterRow } from './clusters';
import { jobDetail } from './job-detail';

// A job's logs per rank (GET …/jobs/{name}/logs?rank=&trial=&follow=true&tailLines=): text/plain, streamed
// from the API server (the pod's main container). The pod is found in the live cache (the newest pod of that
// rank, so a retried rank shows its last attempt). A finished job whose pods are gone answers 200 with a
// sentence saying so: the record stays, the cluster no longer has the logs.

export interface LogRequest {
  rank: number;
  trial?: number;
  follow: boolean;
  tailLines?: number;
  /** Prefix each line with its RFC 3339 time (the API server's). */
  timestamps?: boolean;
  signal?: AbortSignal;
}

export async function jobLogs(db: DbOrTx, workspace: string, name: string, req: LogRequest): Promise<{ stream: ReadableStream<Uint8Array> | string; pod: string | null }> {
  // Only the ranks are needed here, not the pending explanation.
  const job = await jobDetail(db, workspace, name, { explain: false });
  if (job.instanceCount <= req.rank && job.type !== 'sweep') {
    throw new AppError('bad_request', `rank: job ${name} has ${job.instanceCount} instance(s) (ranks 0–${job.instanceCount - 1})`, { fieldErrors: [{ path: 'rank', message: 'out of range' }] });
  }
  if (job.clusterState === 'gone') return { stream: `Job ${name} ran on cluster ${job.cluster}, which is no longer registered: its logs cannot be read.\n`, pod: null };
  if (job.clusterState === 'unreachable') throw new AppError('upstream_unavailable', `cluster ${job.cluster} cannot be reached right now: its logs cannot be read`);
  const candidates = job.ranks
    .filter((r) => r.rank === req.rank && (job.type !== 'sweep' || r.trial === (req.trial ?? 0)))
    .sort((a, b) => String(b.startedAt ?? '').localeCompare(String(a.startedAt ?? '')));
  const pod = candidates.find((r) => r.startedAt) ?? candidates[0];
  if (!pod) {
    const what = job.type === 'sweep' ? `trial ${req.trial ?? 0}, rank ${req.rank}` : `rank ${req.rank}`;
    if (job.finishedAt) return { stream: `Job ${name} ended (${job.status}) and the pod of ${what} is gone from cluster ${job.cluster}: Kubernetes no longer has its logs.\n`, pod: null };
    return { stream: `Job ${name} is ${job.status}: the pod of ${what} has not started yet, so there are no logs. The job page says why it waits.\n`, pod: null };
  }
  if (!pod.startedAt && !pod.finishedAt) return { stream: `Pod ${pod.pod} (rank ${pod.rank}) has not started its container yet (${pod.problem ? `${pod.problem.reason}: ${pod.problem.message}` : pod.phase}).\n`, pod: pod.pod };
  const cluster = await findClusterRow(db, job.cluster);
  try {
    const stream = await backendFor(cluster!).streamLogs(job.namespace, pod.pod, { follow: req.follow, tailLines: req.tailLines, timestamps: req.timestamps, signal: req.signal });
    return { stream, pod: pod.pod };
  } catch (e) {
    throw clusterAppError(e, job.cluster);
  }
}

