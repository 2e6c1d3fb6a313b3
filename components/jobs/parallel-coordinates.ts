// The geometry of the sweep's parallel-coordinates view (pure; parallel-coordinates-chart.tsx draws it): one
// vertical axis per parameter plus the primary metric, one polyline per trial.
//   numeric axes   a parameter whose values are all numbers, and the metric: linear from the smallest to the
//                  largest value seen (the search space's bounds included, so the axis holds still while trials
//                  arrive); log-scaled for log distributions (loguniform, lognormal …) when every value is > 0
//   category axes  a choice with strings or booleans: its values spaced evenly, in the search space's order
// Positions are fractions of the axis: 0 at the bottom, 1 at the top.
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { extent, formatMetric, formatParameter, type ParameterValue } from './sweep-model';

type SearchParam = SweepJobSpec['searchSpace'][string];

export type Axis =
  | { kind: 'numeric'; key: string; label: string; min: number; max: number; log: boolean; ticks: number[] }
  | { kind: 'category'; key: string; label: string; categories: string[] };

const LOG_TYPES = new Set(['loguniform', 'qloguniform', 'lognormal', 'qlognormal']);

/** Round, evenly spaced tick values inside [min, max], about `count` of them (d3's 1-2-5 steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const step = (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1) * 10 ** power;
  const out: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Powers of ten within [min, max] (both > 0), or the ends when none fits. */
function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); 10 ** e <= max * (1 + 1e-9); e++) out.push(Number((10 ** e).toPrecision(12)));
  return out.length >= 2 ? out : [min, max];
}

/** Bounds the search space promises for a parameter (so the axis does not jump as trials arrive). */
function specBounds(p: SearchParam | undefined): number[] {
  if (!p) return [];
  switch (p.type) {
    case 'choice':
      return p.values.map((v) => v.value).filter((v): v is number => typeof v === 'number');
    case 'randint':
      return [0, p.upper - 1];
    case 'uniform':
    case 'quniform':
      return [p.minValue, p.maxValue];
    case 'loguniform':
    case 'qloguniform':
      return [Math.exp(p.minValue), Math.exp(p.maxValue)];
    default:
      return [];
  }
}

function numericAxis(key: string, label: string, values: number[], opts: { log?: boolean; choices?: number[] } = {}): Axis {
  let [min, max] = extent(values) ?? [0, 1];
  const log = !!opts.log && min > 0;
  if (min === max) {
    const pad = log ? min * 0.5 : Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
    if (log && min <= 0) min = max / 10;
  }
  const choices = opts.choices && opts.choices.length <= 10 ? [...new Set(opts.choices)].sort((a, b) => a - b) : undefined;
  const ticks = choices ?? (log ? logTicks(min, max) : niceTicks(min, max, 5).filter((t) => t >= min - 1e-12 && t <= max + 1e-12));
  return { kind: 'numeric', key, label, min, max, log, ticks };
}

export interface AxisInput {
  /** Parameter names in display order. */
  parameters: string[];
  searchSpace?: Record<string, SearchParam>;
  trials: Array<{ parameters: Record<string, ParameterValue>; metric?: number }>;
  metric: { name: string; goal: 'maximize' | 'minimize' };
}

/** Key of the metric's axis (parameter names are keys of the trials' `parameters`). */
export const METRIC_AXIS = '\u0000metric';

/** The axes: one per parameter, then the metric. */
export function buildAxes({ parameters, searchSpace, trials, metric }: AxisInput): Axis[] {
  const axes: Axis[] = parameters.map((name) => {
    const p = searchSpace?.[name];
    const seen = trials.map((t) => t.parameters[name]).filter((v) => v !== undefined);
    const specValues = p?.type === 'choice' ? p.values.map((v) => v.value) : [];
    const all = [...specValues, ...seen];
    if (all.length && all.every((v) => typeof v === 'number')) {
      return numericAxis(name, name, [...(all as number[]), ...specBounds(p)], { log: !!p && LOG_TYPES.has(p.type), choices: p?.type === 'choice' ? (specValues as number[]) : undefined });
    }
    if (!all.length && p && p.type !== 'choice') return numericAxis(name, name, specBounds(p), { log: LOG_TYPES.has(p.type) });
    const categories: string[] = [];
    for (const v of all) {
      const s = formatParameter(v);
      if (!categories.includes(s)) categories.push(s);
    }
    return { kind: 'category', key: name, label: name, categories };
  });
  const values = trials.map((t) => t.metric).filter((v): v is number => v !== undefined && Number.isFinite(v));
  axes.push(numericAxis(METRIC_AXIS, `${metric.name} (${metric.goal})`, values));
  return axes;
}

/** Where a value sits on an axis (0 bottom … 1 top); undefined when the trial has none. */
export function axisPosition(axis: Axis, value: ParameterValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (axis.kind === 'category') {
    const i = axis.categories.indexOf(formatParameter(value));
    if (i < 0) return undefined;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const f = axis.log ? (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min)) : (value - axis.min) / (axis.max - axis.min);
  return Math.min(1, Math.max(0, f));
}

/** An axis's labelled marks: [position, text]. */
export function axisTicks(axis: Axis): Array<[number, string]> {
  if (axis.kind === 'category') return axis.categories.map((c) => [axisPosition(axis, c)!, c]);
  return axis.ticks.map((t) => [axisPosition(axis, t)!, axis.key === METRIC_AXIS ? formatMetric(t) : formatParameter(t)]);
}

export interface Plot {
  width: number;
  height: number;
  /** Room around the axes: top and bottom for labels, left/right for tick texts. */
  margin: { top: number; right: number; bottom: number; left: number };
}

/** x of axis i (evenly spread over the plot's inner width). */
export function axisX(i: number, count: number, plot: Plot): number {
  const inner = plot.width - plot.margin.left - plot.margin.right;
  return count <= 1 ? plot.margin.left + inner / 2 : plot.margin.left + (inner * i) / (count - 1);
}

/** y of a position on an axis. */
export function axisY(position: number, plot: Plot): number {
  const inner = plot.height - plot.margin.top - plot.margin.bottom;
  return plot.margin.top + inner * (1 - position);
}

/**
 * A trial's polyline as SVG path data: through every axis it has a value on; a gap (a parameter it lacks, a
 * metric not reported yet) breaks the line there.
 */
export function trialPath(axes: Axis[], trial: { parameters: Record<string, ParameterValue>; metric?: number }, plot: Plot): string {
  let d = '';
  let pen = false;
  axes.forEach((axis, i) => {
    const p = axisPosition(axis, axis.key === METRIC_AXIS ? trial.metric : trial.parameters[axis.key]);
    if (p === undefined) {
      pen = false;
      return;
    }
    const x = Math.round(axisX(i, axes.length, plot) * 10) / 10;
    const y = Math.round(axisY(p, plot) * 10) / 10;
    d += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  return d;
}
