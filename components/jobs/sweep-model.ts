// The pure part of a sweep's pages (no React): how progress, metrics, parameters and a stopped trial's reason
// read, and the trials table's rows (each trial with its final primary metric, whether it was stopped, whether
// it is the best). Shared by the sweep's Trials tab, its charts and a trial's own page.
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import type { JobDetailDto } from '@/server/services/job-detail';
import type { MetricSeries, SweepSummaryDto, TrialDto } from '@/server/services/sweeps';

export type { MetricSeries, SweepSummaryDto, TrialDto };
export type ParameterValue = string | number | boolean;
export type Goal = 'maximize' | 'minimize';

/** GET …/jobs/{name}/metrics. */
export interface MetricsAnswer {
  items: MetricSeries[];
  ignoredLines: number;
}

/** GET …/jobs/{sweep}/trials. */
export interface TrialsPage {
  items: TrialDto[];
  next?: string;
}

/** A metric value for people: four significant digits ("0.2134", "12.35"), thousands grouped from 1,000. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return String(Number(value.toPrecision(4)));
}

export function formatParameter(value: ParameterValue | undefined): string {
  if (value === undefined) return '—';
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value);
}

/** "depth=2 · width=1" in the search space's order. */
export function parametersText(parameters: Record<string, ParameterValue>, names = Object.keys(parameters)): string {
  return names.filter((n) => n in parameters).map((n) => `${n}=${formatParameter(parameters[n])}`).join(' · ');
}

// In the order a reader wants them: what moves now, then how the others ended.
const PROGRESS_ORDER: Array<[string, string]> = [
  ['Running', 'running'],
  ['Finalizing', 'finalizing'],
  ['Preparing', 'preparing'],
  ['Queued', 'queued'],
  ['NotStarted', 'not started'],
  ['Completed', 'completed'],
  ['Failed', 'failed'],
  ['Canceled', 'canceled'],
];

/**
 * "4 of 6 trials started · 2 running · 1 completed · 1 canceled (1 stopped early)". `stoppedEarly`: trials an
 * early-termination policy (or the sweep's timeout) stopped, when the trials are known.
 */
export function sweepProgress(s: Pick<SweepSummaryDto, 'plannedTrials' | 'createdTrials' | 'counts'>, stoppedEarly?: number): string {
  const parts = [`${s.createdTrials} of ${s.plannedTrials} ${s.plannedTrials === 1 ? 'trial' : 'trials'} started`];
  const known = new Set(PROGRESS_ORDER.map(([k]) => k));
  for (const [status, word] of PROGRESS_ORDER) {
    const n = s.counts[status] ?? 0;
    if (!n) continue;
    parts.push(`${n} ${word}${status === 'Canceled' && stoppedEarly ? ` (${stoppedEarly} stopped early)` : ''}`);
  }
  for (const [status, n] of Object.entries(s.counts)) if (!known.has(status) && n) parts.push(`${n} ${status}`);
  return parts.join(' · ');
}

/** The sweep's parameter names: the search space's order, then any a trial has besides (a spec changed since). */
export function parameterNames(spec: JobDetailDto['spec'] | undefined, trials: Array<Pick<TrialDto, 'parameters'>>): string[] {
  const names = spec?.type === 'sweep' ? Object.keys((spec as SweepJobSpec).searchSpace ?? {}) : [];
  const seen = new Set(names);
  for (const t of trials) for (const k of Object.keys(t.parameters)) if (!seen.has(k)) (seen.add(k), names.push(k));
  return names;
}

/** Whether the controller (or a limit) stopped the trial before it ended by itself. */
export function wasStopped(t: Pick<TrialDto, 'termination' | 'terminationReason'>): boolean {
  return !!(t.termination || t.terminationReason);
}

/** Stopped by the early-termination policy or a limit — not because its sweep was canceled. */
export function stoppedEarly(t: Pick<TrialDto, 'termination' | 'terminationReason'>): boolean {
  return wasStopped(t) && t.termination?.policy !== 'sweep_canceled';
}

const NUMBER_LABELS: Record<string, string> = {
  best: 'best trial’s value',
  cutoff: 'cutoff',
  slackFactor: 'slack factor',
  slackAmount: 'slack amount',
  bestSoFar: 'this trial’s best so far',
  median: 'median of the others',
  trialsCompared: 'trials compared',
  rank: 'rank',
  truncationPercentage: 'truncation percentage',
  truncatedCount: 'trials truncated',
  cutoffValue: 'cutoff value',
};

/** The numbers behind a stopped trial's reason, as label/value lines (policy, interval, value, then the rest). */
export function terminationDetails(t: TrialDto['termination']): Array<[string, string]> {
  if (!t) return [];
  const out: Array<[string, string]> = [['policy', t.policy]];
  if (t.interval !== undefined) out.push(['at interval', String(t.interval)]);
  if (t.value !== undefined) out.push(['value then', formatMetric(t.value)]);
  for (const [k, v] of Object.entries(t.numbers ?? {})) out.push([NUMBER_LABELS[k] ?? k, formatMetric(v)]);
  return out;
}

/** Each trial's last reported value of the series' metric, by trial (job) name. */
export function lastValues(series: MetricSeries[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series ?? []) if (s.points.length) out.set(s.job, s.points[s.points.length - 1].value);
  return out;
}

export interface TrialRow extends TrialDto {
  /**
   * Its primary metric's latest value: the last point collected (re-read every few seconds), else the one
   * recorded on the trial (the trials stream does not always carry a new value at once).
   */
  metric?: number;
  stopped: boolean;
  best: boolean;
}

/** The trials table's rows, by index. */
export function trialRows(trials: TrialDto[], series: MetricSeries[] | undefined, bestName: string | undefined): TrialRow[] {
  const last = lastValues(series);
  return [...trials]
    .sort((a, b) => a.index - b.index)
    .map((t) => ({ ...t, metric: last.get(t.name) ?? t.primaryMetric, stopped: wasStopped(t), best: t.name === bestName }));
}

/** Where a value lies between the worst and the best of a set: 1 the best, 0 the worst (0.5 when all equal). */
export function goodness(value: number, min: number, max: number, goal: Goal): number {
  if (!(max > min)) return 0.5;
  const r = Math.min(1, Math.max(0, (value - min) / (max - min)));
  return goal === 'maximize' ? r : 1 - r;
}

/**
 * A colour from worst (warning amber) to best (the accent), mixed from the theme's tokens so it follows light
 * and dark. For SVG `style` (CSS), not presentation attributes.
 */
export function goodnessColor(g: number): string {
  return `color-mix(in oklab, var(--accent) ${Math.round(g * 100)}%, var(--warning))`;
}

/** The extent of the finite values (undefined for none). */
export function extent(values: Iterable<number | undefined>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}
