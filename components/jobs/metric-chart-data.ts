// What the metric charts plot (pure; metric-charts.tsx draws it): a sweep's trials as points by index, metric
// series as lines over steps, and the table recharts reads them from.
import { niceTicks } from './parallel-coordinates';
import { extent, goodness, goodnessColor, parametersText, stoppedEarly, type Goal, type MetricSeries, type TrialRow } from './sweep-model';

export interface TrialPoint {
  index: number;
  name: string;
  value: number;
  kind: 'best' | 'completed' | 'running' | 'stopped' | 'failed' | 'canceled';
  /** "depth=2 · width=1". */
  parameters?: string;
}

const ENDED = new Set(['Completed', 'Failed', 'Canceled']);

export function pointKind(r: Pick<TrialRow, 'best' | 'status' | 'termination' | 'terminationReason'>): TrialPoint['kind'] {
  if (r.best) return 'best';
  if (stoppedEarly(r)) return 'stopped';
  if (r.status === 'Failed') return 'failed';
  if (r.status === 'Canceled') return 'canceled';
  return ENDED.has(r.status) ? 'completed' : 'running';
}

/** One point per trial that reported its primary metric: x its index, y its latest value. */
export function byTrialPoints(rows: TrialRow[], parameterNames: string[]): TrialPoint[] {
  return rows
    .filter((r) => r.metric !== undefined && Number.isFinite(r.metric))
    .map((r) => ({ index: r.index, name: r.name, value: r.metric!, kind: pointKind(r), parameters: parametersText(r.parameters, parameterNames) || undefined }));
}

export interface StepSeries {
  /** The data key (safe for recharts: no dots). */
  key: string;
  label: string;
  color: string;
  points: Array<{ step: number; value: number }>;
  width?: number;
  dashed?: boolean;
  opacity?: number;
  /** Higher is drawn later (on top) and listed first in the tooltip. */
  rank?: number;
}

/** Rows for recharts: one per step, each series' value under its key (missing where it reported none). */
export function stepTable(series: StepSeries[]): Array<Record<string, number>> {
  const byStep = new Map<number, Record<string, number>>();
  for (const s of series) {
    for (const p of s.points) {
      let row = byStep.get(p.step);
      if (!row) byStep.set(p.step, (row = { step: p.step }));
      row[s.key] = p.value; // a step reported twice: the later value
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * A sweep's metric over steps, one line per trial: coloured from worst to best by the trial's latest value,
 * the best one thick, stopped ones dashed.
 */
export function trialStepSeries(series: MetricSeries[], rows: TrialRow[], goal: Goal): StepSeries[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const range = extent(rows.map((r) => r.metric));
  return series
    .filter((s) => s.points.length)
    .map((s, i) => {
      const r = byName.get(s.job);
      const last = r?.metric ?? s.points[s.points.length - 1].value;
      const g = range ? goodness(last, range[0], range[1], goal) : 0.5;
      const best = !!r?.best;
      return {
        key: `t${i}`,
        label: s.job,
        color: best ? 'var(--success)' : goodnessColor(g),
        points: s.points.map((p) => ({ step: p.step, value: p.value })),
        width: best ? 3 : 1.5,
        dashed: !!r && stoppedEarly(r),
        opacity: best ? 1 : 0.85,
        rank: best ? 2 : g,
      };
    });
}

/** Each metric of a job as its own single-line series (the Metrics tab: one small chart per metric). */
export function jobStepSeries(series: MetricSeries[]): Array<{ name: string; last: number; count: number; series: StepSeries[] }> {
  return series
    .filter((s) => s.points.length)
    .map((s) => ({
      name: s.name,
      last: s.points[s.points.length - 1].value,
      count: s.points.length,
      series: [{ key: 'v', label: s.name, color: 'var(--accent)', points: s.points.map((p) => ({ step: p.step, value: p.value })), width: 2 }],
    }));
}

/**
 * A value axis for the given values: their extent with a little room on both sides (so no mark sits on the
 * frame), and round ticks inside it.
 */
export function valueAxis(values: number[]): { domain: [number, number]; ticks: number[] } {
  const [lo, hi] = extent(values) ?? [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.abs(lo) * 0.1 || 1;
  const domain: [number, number] = [lo - pad, hi + pad];
  return { domain, ticks: niceTicks(domain[0], domain[1], 5) };
}

/** The trial axis: every index while there are few, else let the chart choose. */
export function trialTicks(indices: number[]): number[] | undefined {
  const max = Math.max(0, ...indices);
  return max < 25 ? Array.from({ length: max + 1 }, (_, i) => i) : undefined;
}
