import 'server-only';
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { decideSweep, type SweepDecision, type TrialState } from '@/lib/jobs/sweep-control';
import { TERMINAL } from '@/lib/jobs/status';
import type { DbOrTx } from '../db';
import { jobMetrics, jobs, workspaces, type BestTrial, type TrialTermination } from '../db/schema';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type Page } from '../http/paging';
import { publish } from '../live/bus';
import { sweepPlan } from '../kube/manifests/sweep.job';
import { publishJobChange, recordJobStatus } from '../runtime/job-status';
import { getJobRow, type JobRow } from './jobs-read';

// Sweeps as their controller and their readers see them (DESIGN §3; lib/jobs/sweep-control.ts decides):
//   sweepState     the trials as recorded, with their primary metric values from job_metrics
//   refreshSweep   records the sweep's status, best trial and each trial's latest primary metric (idempotent;
//                  the controller calls it on every change, a submit once its first trials exist)
//   listTrials     GET …/jobs/{sweep}/trials: `{items, next}` by trial index
//   jobMetricSeries GET …/jobs/{name}/metrics: a job's metrics, or one metric across a sweep's trials

export interface TrialDto {
  uid: string;
  name: string;
  index: number;
  status: string;
  statusMessage: string | null;
  parameters: Record<string, string | number | boolean>;
  primaryMetric?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Seconds it ran (until now while it runs). */
  durationSeconds?: number;
  /** Why it stopped before ending by itself (early termination, limits.timeout, trial_timeout). */
  terminationReason?: string;
  termination?: TrialTermination;
  /** Metric lines that did not parse (ignored). */
  ignoredMetricLines: number;
}

export interface SweepSummaryDto {
  objective: { primaryMetric: string; goal: 'maximize' | 'minimize' };
  samplingAlgorithm: string;
  earlyTermination?: string;
  plannedTrials: number;
  maxConcurrentTrials: number;
  createdTrials: number;
  counts: Record<string, number>;
  bestTrial?: BestTrial;
}

const trialTimeoutReason = (row: JobRow, spec?: { limits?: { timeoutSeconds?: number } }) =>
  row.status === 'Failed' && /DeadlineExceeded/.test(row.statusMessage ?? '')
    ? `trial_timeout: it ran longer than limits.trial_timeout (${spec?.limits?.timeoutSeconds ?? '?'} s)`
    : undefined;

export function trialDto(row: JobRow, now = Date.now()): TrialDto {
  const started = row.startedAt?.getTime();
  const end = row.finishedAt?.getTime() ?? (TERMINAL.has(row.status) ? undefined : now);
  const termination = row.termination ?? undefined;
  const reason = termination?.reason ?? trialTimeoutReason(row, row.spec as never);
  return {
    uid: row.id,
    name: row.name,
    index: row.trialIndex ?? 0,
    status: row.status,
    statusMessage: row.statusMessage,
    parameters: row.parameters ?? {},
    ...(row.primaryMetric !== null && row.primaryMetric !== undefined ? { primaryMetric: row.primaryMetric } : {}),
    ...(row.startedAt ? { startedAt: row.startedAt.toISOString() } : {}),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.toISOString() } : {}),
    ...(started !== undefined && end !== undefined ? { durationSeconds: Math.max(0, Math.round((end - started) / 1000)) } : {}),
    ...(reason ? { terminationReason: reason } : {}),
    ...(termination ? { termination } : {}),
    ignoredMetricLines: row.metricLinesIgnored,
  };
}

export async function trialRowsOf(db: DbOrTx, sweepId: string): Promise<JobRow[]> {
  return db.select().from(jobs).where(eq(jobs.parentJobId, sweepId)).orderBy(asc(jobs.trialIndex));
}

/** Each trial's values of `metric`, in reporting order. */
async function metricValues(db: DbOrTx, jobIds: string[], metric: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!jobIds.length) return out;
  const rows = await db
    .select({ jobId: jobMetrics.jobId, value: jobMetrics.value })
    .from(jobMetrics)
    .where(and(inArray(jobMetrics.jobId, jobIds), eq(jobMetrics.name, metric)))
    .orderBy(asc(jobMetrics.jobId), asc(jobMetrics.seq));
  for (const r of rows) {
    const l = out.get(r.jobId);
    if (l) l.push(r.value);
    else out.set(r.jobId, [r.value]);
  }
  return out;
}

export interface SweepState {
  sweep: JobRow;
  spec: SweepJobSpec;
  trials: JobRow[];
  /** Each trial's primary metric values in reporting order, by trial id. */
  values: Map<string, number[]>;
  decision: SweepDecision;
}

/** The sweep's trials and what its controller would do now. */
export async function sweepState(db: DbOrTx, sweep: JobRow, now = new Date()): Promise<SweepState> {
  const spec = sweep.spec as SweepJobSpec;
  const plan = sweepPlan(spec, sweep.name);
  const trials = await trialRowsOf(db, sweep.id);
  const values = await metricValues(db, trials.map((t) => t.id), spec.objective.primaryMetric);
  const states: TrialState[] = trials.map((t) => ({
    index: t.trialIndex ?? 0,
    name: t.name,
    status: t.status,
    statusMessage: t.statusMessage,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    stopped: !!t.termination,
    values: values.get(t.id) ?? [],
  }));
  const decision = decideSweep({ spec, planned: plan.trialCount, maxConcurrent: plan.maxConcurrentTrials, createdAt: sweep.createdAt, now, trials: states });
  return { sweep, spec, trials, values, decision };
}

/**
 * Records what the sweep's trials say: each trial's latest primary metric, the best trial, and the sweep's
 * status in Azure ML's words (a transition when it changed). Tells the workspace's streams when anything changed.
 */
export async function refreshSweep(db: DbOrTx, sweep: JobRow, now = new Date()): Promise<SweepState> {
  const state = await sweepState(db, sweep, now);
  const { trials, values, decision } = state;
  let changed = false;
  const changedTrials: JobRow[] = [];
  for (const t of trials) {
    const v = values.get(t.id);
    const last = v?.length ? v[v.length - 1] : null;
    if (last !== null && last !== t.primaryMetric) {
      await db.update(jobs).set({ primaryMetric: last }).where(eq(jobs.id, t.id));
      changed = true;
      changedTrials.push(t);
    }
  }
  // The trials list streams re-read the trials whose metric moved.
  for (const t of changedTrials) await publishJobChange(db, t);
  const best: BestTrial | null = decision.best
    ? { ...decision.best, parameters: trials.find((t) => t.trialIndex === decision.best!.index)?.parameters ?? {} }
    : null;
  if (JSON.stringify(best) !== JSON.stringify(sweep.bestTrial ?? null)) {
    await db.update(jobs).set({ bestTrial: best, updatedAt: new Date() }).where(eq(jobs.id, sweep.id));
    changed = true;
  }
  const recorded = TERMINAL.has(sweep.status)
    ? undefined
    : await recordJobStatus(db, sweep, { status: decision.status, message: decision.message, startedAt: decision.startedAt, finishedAt: decision.finishedAt });
  if (changed && !recorded) await publishJobChange(db, sweep);
  return state;
}

/** After a trial's creation was carried out: its sweep's status follows at once. */
export async function refreshSweepByTrial(db: DbOrTx, trialId: string): Promise<void> {
  const [t] = await db.select({ parent: jobs.parentJobId }).from(jobs).where(eq(jobs.id, trialId)).limit(1);
  if (!t?.parent) return;
  const [sweep] = await db.select().from(jobs).where(eq(jobs.id, t.parent)).limit(1);
  if (sweep) await refreshSweep(db, sweep);
}

async function sweepRow(db: DbOrTx, workspace: string, name: string): Promise<JobRow> {
  const { row } = await getJobRow(db, workspace, name);
  if (row.type !== 'sweep') throw new AppError('not_found', `job ${name} is a ${row.type} job, not a sweep: it has no trials`);
  return row;
}

export function sweepSummary(sweep: JobRow, trials: Array<Pick<JobRow, 'status'>>): SweepSummaryDto {
  const spec = sweep.spec as SweepJobSpec;
  const plan = sweepPlan(spec, sweep.name);
  const counts: Record<string, number> = {};
  for (const t of trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  const et = spec.earlyTermination;
  return {
    objective: spec.objective,
    samplingAlgorithm: spec.samplingAlgorithm.type,
    ...(et ? { earlyTermination: et.type } : {}),
    plannedTrials: plan.trialCount,
    maxConcurrentTrials: plan.maxConcurrentTrials,
    createdTrials: trials.length,
    counts,
    ...(sweep.bestTrial ? { bestTrial: sweep.bestTrial } : {}),
  };
}

/** GET …/jobs/{sweep}/trials: the trials created so far, by index, `{items, next}`. */
export async function listTrials(db: DbOrTx, workspace: string, name: string, opts: { limit?: number; cursor?: string } = {}): Promise<Page<TrialDto>> {
  const sweep = await sweepRow(db, workspace, name);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const after = opts.cursor ? Number(decodeCursor<{ i: number }>(opts.cursor, ['i']).i) : -1;
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.parentJobId, sweep.id), gt(jobs.trialIndex, after)))
    .orderBy(asc(jobs.trialIndex))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items = page.map((r) => trialDto(r));
  return rows.length > limit ? { items, next: encodeCursor({ i: page[page.length - 1].trialIndex ?? 0 }) } : { items };
}

export interface MetricSeries {
  /** The job (trial) that reported it. */
  job: string;
  name: string;
  points: Array<{ step: number; value: number; at: string }>;
}

/**
 * GET …/jobs/{name}/metrics: every metric a job reported, or, for a sweep, one metric (default: its primary
 * metric) across its trials. `{items: [{job, name, points}], ignoredLines}`.
 */
export async function jobMetricSeries(db: DbOrTx, workspace: string, name: string, opts: { metric?: string } = {}): Promise<{ items: MetricSeries[]; ignoredLines: number }> {
  const { row } = await getJobRow(db, workspace, name);
  const members = row.type === 'sweep' ? await trialRowsOf(db, row.id) : [row];
  const metric = row.type === 'sweep' ? (opts.metric ?? (row.spec as SweepJobSpec).objective.primaryMetric) : opts.metric;
  const ids = members.map((m) => m.id);
  const byId = new Map(members.map((m) => [m.id, m.name]));
  const rows = ids.length
    ? await db
        .select()
        .from(jobMetrics)
        .where(and(inArray(jobMetrics.jobId, ids), metric ? eq(jobMetrics.name, metric) : undefined))
        .orderBy(asc(jobMetrics.jobId), asc(jobMetrics.name), asc(jobMetrics.seq))
    : [];
  const series = new Map<string, MetricSeries>();
  for (const r of rows) {
    const key = `${r.jobId}\u0000${r.name}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { job: byId.get(r.jobId) ?? r.jobId, name: r.name, points: [] }));
    s.points.push({ step: r.step, value: r.value, at: r.at.toISOString() });
  }
  const order = new Map(members.map((m, i) => [m.name, i]));
  const items = [...series.values()].sort((a, b) => (order.get(a.job) ?? 0) - (order.get(b.job) ?? 0) || a.name.localeCompare(b.name));
  return { items, ignoredLines: members.reduce((n, m) => n + m.metricLinesIgnored, 0) };
}
/** One trial of a sweep by name, as the trials list shows it (undefined: not a trial of that sweep). */
export async function trialByName(db: DbOrTx, workspace: string, sweepName: string, name: string): Promise<TrialDto | undefined> {
  const sweep = await sweepRow(db, workspace, sweepName);
  const [row] = await db.select().from(jobs).where(and(eq(jobs.parentJobId, sweep.id), eq(jobs.name, name))).limit(1);
  return row ? trialDto(row) : undefined;
}
