// The sweep controller's decisions, pure (server/runtime/sweeps.ts feeds it from the database and carries them
// out through the sweeps.advance action). Given the sweep's spec and its trials as recorded, it answers what to
// do next and what the sweep's status is, in Azure ML's words:
//
//   create      the next trial indices, so that max_concurrent_trials trials are active (created and not ended,
//               whatever their status: a Queued trial counts) until max_total_trials were created (fewer for a
//               small grid); none after limits.timeout, after the sweep was canceled, or once the first trials
//               all failed (see FAILURE_STOP)
//   terminate   running trials the early-termination policy stops (with the numbers that decided it), and every
//               active trial once limits.timeout has passed
//   status      NotStarted (no trial created yet) · Queued · Preparing · Running · Completed (every trial ended
//               and at least one completed) · Failed (none completed and one failed) · Canceled (limits.timeout,
//               or every trial was canceled)
//   best        the completed trial with the best final value of objective.primary_metric (goal decides; ties go
//               to the earlier trial). Early-stopped, failed and canceled trials never count as best.
//
// Each trial's primary metric values are in reporting order: value i is early termination's "interval" i + 1.

import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { earlyTerminationDecisions } from '@/lib/aml/sweep';
import { TERMINAL, type JobStatus } from './status';

export interface TrialState {
  index: number;
  name: string;
  status: string;
  statusMessage?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  /** Set once the controller stopped it (then the trial is Canceled). */
  stopped?: boolean;
  /** Primary metric values in reporting order. */
  values: number[];
}

export interface TrialStop {
  index: number;
  policy: string;
  reason: string;
  interval?: number;
  value?: number;
  numbers?: Record<string, number>;
}

export interface SweepDecision {
  create: number[];
  terminate: TrialStop[];
  status: JobStatus;
  message: string;
  startedAt?: Date;
  finishedAt?: Date;
  best?: { index: number; name: string; primaryMetric: number };
}

/** When the first this-many trials all failed, the sweep starts no more (a broken script would fail them all). */
export function failureStop(planned: number, maxConcurrent: number): number {
  return Math.min(planned, Math.max(3, maxConcurrent));
}

const ACTIVE = (t: TrialState) => !TERMINAL.has(t.status);

export function decideSweep(input: {
  spec: SweepJobSpec;
  /** Trials the sweep runs in total (sweepPlan().trialCount). */
  planned: number;
  maxConcurrent: number;
  createdAt: Date;
  now: Date;
  trials: TrialState[];
}): SweepDecision {
  const { spec, planned, maxConcurrent, now } = input;
  const trials = [...input.trials].sort((a, b) => a.index - b.index);
  const goal = spec.objective.goal;
  const better = (a: number, b: number) => (goal === 'maximize' ? a > b : a < b);
  const terminate: TrialStop[] = [];
  const stopping = new Set<number>();

  // --- limits.timeout: stop everything ------------------------------------------------------------
  const timeoutMs = spec.limits.timeoutSeconds ? spec.limits.timeoutSeconds * 1000 : undefined;
  const timedOut = timeoutMs !== undefined && now.getTime() >= input.createdAt.getTime() + timeoutMs;
  if (timedOut) {
    for (const t of trials.filter(ACTIVE)) {
      terminate.push({ index: t.index, policy: 'sweep_timeout', reason: `the sweep reached limits.timeout (${spec.limits.timeoutSeconds} s) while this trial was ${t.status}` });
      stopping.add(t.index);
    }
  }

  // --- early termination of running trials -----------------------------------------------------------
  if (!timedOut && spec.earlyTermination) {
    const candidates = new Set(trials.filter((t) => ACTIVE(t) && !t.stopped).map((t) => t.name));
    const byName = new Map(trials.map((t) => [t.name, t]));
    const decisions = earlyTerminationDecisions(
      spec.earlyTermination,
      goal,
      trials.filter((t) => t.values.length).map((t) => ({ trial: t.name, values: t.values })),
      { candidates, metric: spec.objective.primaryMetric },
    );
    for (const d of decisions) {
      const t = byName.get(d.trial);
      if (!t || stopping.has(t.index)) continue;
      terminate.push({ index: t.index, policy: d.policy, reason: d.reason, interval: d.interval, value: d.value, numbers: d.numbers });
      stopping.add(t.index);
    }
  }

  // --- new trials ------------------------------------------------------------------------------------------
  const after = trials.map((t) => (stopping.has(t.index) ? { ...t, status: 'Canceled', stopped: true } : t));
  const active = after.filter(ACTIVE).length;
  const created = trials.length;
  const limit = failureStop(planned, maxConcurrent);
  const firstEnded = after.slice(0, limit);
  const brokenScript = firstEnded.length === limit && firstEnded.every((t) => t.status === 'Failed');
  const create: number[] = [];
  if (!timedOut && !brokenScript) {
    for (let i = created; i < planned && active + create.length < maxConcurrent; i++) create.push(i);
  }

  // --- status -------------------------------------------------------------------------------------------
  const n = (s: string) => after.filter((t) => t.status === s).length;
  const early = after.filter((t) => t.stopped && t.status === 'Canceled').length;
  const started = after.map((t) => t.startedAt).filter((d): d is Date => !!d).sort((a, b) => +a - +b)[0];
  const finished = after.map((t) => t.finishedAt).filter((d): d is Date => !!d).sort((a, b) => +b - +a)[0];
  let best: SweepDecision['best'];
  for (const t of after) {
    if (t.status !== 'Completed' || !t.values.length) continue;
    const v = t.values[t.values.length - 1];
    if (!Number.isFinite(v)) continue;
    if (!best || better(v, best.primaryMetric)) best = { index: t.index, name: t.name, primaryMetric: v };
  }
  const counts = [
    n('Completed') && `${n('Completed')} completed`,
    early && `${early} stopped early`,
    n('Failed') && `${n('Failed')} failed`,
    n('Canceled') - early > 0 && `${n('Canceled') - early} canceled`,
    active && `${active} active`,
  ].filter(Boolean);
  const progress = `${created + create.length} of ${planned} trial(s) started${counts.length ? `: ${counts.join(', ')}` : ''}`;
  const bestText = best ? `; best ${spec.objective.primaryMetric} ${best.primaryMetric} (${best.name})` : '';
  const moreToCome = create.length > 0 || (!timedOut && !brokenScript && created < planned);
  let status: JobStatus;
  let message: string;
  if (active === 0 && !moreToCome && created > 0) {
    if (timedOut) {
      status = 'Canceled';
      message = `stopped at limits.timeout (${spec.limits.timeoutSeconds} s): ${progress}${bestText}`;
    } else if (brokenScript) {
      const first = after[0];
      status = n('Completed') ? 'Completed' : 'Failed';
      message = `the first ${limit} trial(s) all failed, so no more were started (${first.name}: ${first.statusMessage ?? 'Failed'})`;
    } else {
      status = n('Completed') ? 'Completed' : n('Failed') ? 'Failed' : 'Canceled';
      message = `${progress}${bestText}`;
    }
    return { create: [], terminate, status, message, startedAt: started, finishedAt: finished ?? now, best };
  }
  if (created === 0) {
    return { create, terminate, status: 'NotStarted', message: create.length ? `starting its first ${create.length} trial(s)` : 'no trial could be started', best };
  }
  const statuses = after.filter(ACTIVE).map((t) => t.status);
  if (statuses.some((s) => s === 'Running' || s === 'Finalizing') || after.some((t) => TERMINAL.has(t.status))) status = 'Running';
  else if (statuses.some((s) => s === 'Preparing')) status = 'Preparing';
  else status = 'Queued';
  message = `${progress}${bestText}`;
  return { create, terminate, status, message, startedAt: started, best };
}
