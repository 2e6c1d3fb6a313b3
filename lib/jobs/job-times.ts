// Times that make sense for a job's status (issue: never "Started 52 s ago" next to Queued). The record's
// startedAt is the Kubernetes Job's startTime — set when its pods are created, queued or not — so the phases
// come from the recorded transitions instead: queued from submission until it left NotStarted/Queued, running
// from its first Running (or Finalizing) until it ended. Pure; `now` is passed in.
import { formatDuration } from '../format';
import { TERMINAL } from './status';

export interface TimedJob {
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  transitions?: Array<{ status: string; message: string | null; at: string }>;
  ranks?: Array<{ startedAt?: string; finishedAt?: string }>;
}

export interface JobTimes {
  /** Submission until it left NotStarted/Queued (or until now / its end, when it never did). */
  queuedMs: number;
  /** When it left the queue (scheduled, or ended while waiting); null while still queued. */
  queueEnd: string | null;
  /** Its first Running; null when it has not run (or ran too briefly for a transition to be recorded and no pod says when). */
  runStart: string | null;
  /** From runStart until it ended (or now). */
  runMs: number | null;
  /** When it ended; null while it can still change. */
  endedAt: string | null;
}

const WAITING = new Set(['NotStarted', 'Queued']);
const RUNNING = new Set(['Running', 'Finalizing']);
const ms = (iso: string) => new Date(iso).getTime();

export function jobTimes(job: TimedJob, now: number): JobTimes {
  const transitions = [...(job.transitions ?? [])].sort((a, b) => ms(a.at) - ms(b.at));
  const ended = TERMINAL.has(job.status);
  const endedAt = ended ? (job.finishedAt ?? transitions.findLast((t) => TERMINAL.has(t.status))?.at ?? null) : null;
  const end = endedAt ? ms(endedAt) : now;
  const created = ms(job.createdAt);
  const left = transitions.find((t) => !WAITING.has(t.status) && ms(t.at) >= created - 1000);
  const queueEnd = left?.at ?? (ended ? endedAt : null);
  const queuedMs = Math.max(0, (queueEnd ? ms(queueEnd) : end) - created);
  let runStart = transitions.find((t) => RUNNING.has(t.status))?.at ?? null;
  if (!runStart) {
    const podStarts = (job.ranks ?? []).map((r) => r.startedAt).filter((s): s is string => !!s).sort();
    runStart = podStarts[0] ?? null;
  }
  // A job that completed or failed between two looks of the reconciler: its Job's start is the best there is.
  if (!runStart && (job.status === 'Completed' || job.status === 'Failed')) runStart = job.startedAt;
  const runMs = runStart ? Math.max(0, end - ms(runStart)) : null;
  return { queuedMs, queueEnd, runStart, runMs, endedAt };
}

/** One line for the header: what the job is doing and for how long ("Queued for 2m 03s", "Ran for 4m 10s"). */
export function timeSummary(job: TimedJob, now: number): string {
  const t = jobTimes(job, now);
  const d = formatDuration;
  switch (job.status) {
    case 'NotStarted':
      return `Waiting to reach its cluster for ${d(t.queuedMs)}`;
    case 'Queued':
      return `Queued for ${d(t.queuedMs)}`;
    case 'Preparing':
      return `Queued ${d(t.queuedMs)} · preparing for ${d(Math.max(0, now - ms(t.queueEnd ?? job.createdAt)))}`;
    case 'Running':
      return t.runMs !== null ? `Queued ${d(t.queuedMs)} · running for ${d(t.runMs)}` : `Queued ${d(t.queuedMs)} · running`;
    case 'Finalizing':
      return t.runMs !== null ? `Running for ${d(t.runMs)} · finalizing` : 'Finalizing';
    case 'Canceled':
      return t.runMs !== null ? `Canceled after running for ${d(t.runMs)}` : `Canceled after ${d(t.queuedMs)} in the queue`;
    case 'Completed':
    case 'Failed':
      return t.runMs !== null ? `Ran for ${d(t.runMs)} (queued ${d(t.queuedMs)})` : `${job.status} after ${d(t.queuedMs)}`;
    default:
      return `Submitted ${d(Math.max(0, now - ms(job.createdAt)))} ago`;
  }
}

export interface TimelineEntry {
  status: string;
  message: string | null;
  at: string;
  /** How long it stayed in this status (until the next transition, or until now for the current one); null for an end state. */
  durationMs: number | null;
  current: boolean;
}

/** The recorded transitions, oldest first, each with how long it lasted. */
export function timeline(job: TimedJob, now: number): TimelineEntry[] {
  const transitions = [...(job.transitions ?? [])].sort((a, b) => ms(a.at) - ms(b.at));
  if (!transitions.length) transitions.push({ status: job.status, message: null, at: job.createdAt });
  return transitions.map((t, i) => {
    const next = transitions[i + 1];
    const last = !next;
    const terminal = TERMINAL.has(t.status);
    return {
      status: t.status,
      message: t.message,
      at: t.at,
      durationMs: terminal ? null : Math.max(0, (next ? ms(next.at) : now) - ms(t.at)),
      current: last,
    };
  });
}
