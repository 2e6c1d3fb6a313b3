// The pure parts of the sweep pages: progress in words, metric and parameter text, a stopped trial's numbers,
// the trials table's rows, and what the metric charts plot.
import { describe, expect, it } from 'vitest';
import { byTrialPoints, jobStepSeries, pointKind, stepTable, trialStepSeries, trialTicks, valueAxis } from './metric-chart-data';
import {
  extent, formatMetric, goodness, lastValues, parameterNames, parametersText, stoppedEarly, sweepProgress, terminationDetails, trialRows,
  type MetricSeries, type TrialDto,
} from './sweep-model';
import { BANDIT_STOP } from './sweep-test-data';

const trial = (index: number, extra: Partial<TrialDto> = {}): TrialDto => ({
  uid: `u${index}`,
  name: `grid_${index}`,
  index,
  status: 'Completed',
  statusMessage: null,
  parameters: { depth: [2, 2, 3, 3, 4, 4][index] ?? 2, width: index % 2 ? 9 : 1 },
  ignoredMetricLines: 0,
  ...extra,
});

const bandit = BANDIT_STOP;

const series = (job: string, values: number[]): MetricSeries => ({ job, name: 'val_loss', points: values.map((value, i) => ({ step: i + 1, value, at: '2026-03-01T10:00:00Z' })) });

describe('sweepProgress', () => {
  it('says how many trials started of how many, then what moves now, then how the others ended', () => {
    expect(sweepProgress({ plannedTrials: 6, createdTrials: 4, counts: { Completed: 1, Running: 2, Canceled: 1 } })).toBe('4 of 6 trials started · 2 running · 1 completed · 1 canceled');
    expect(sweepProgress({ plannedTrials: 6, createdTrials: 6, counts: { Completed: 5, Canceled: 1 } }, 1)).toBe('6 of 6 trials started · 5 completed · 1 canceled (1 stopped early)');
    expect(sweepProgress({ plannedTrials: 1, createdTrials: 0, counts: {} })).toBe('0 of 1 trial started');
    expect(sweepProgress({ plannedTrials: 3, createdTrials: 2, counts: { Queued: 1, NotStarted: 1, Odd: 1 } })).toBe('2 of 3 trials started · 1 queued · 1 not started · 1 Odd');
  });
});

describe('formatMetric and parameters', () => {
  it('shows four significant digits, thousands grouped, a dash for none', () => {
    expect(formatMetric(0.21)).toBe('0.21');
    expect(formatMetric(0.4620000001)).toBe('0.462');
    expect(formatMetric(12.34567)).toBe('12.35');
    expect(formatMetric(0.000123456)).toBe('0.0001235');
    expect(formatMetric(123456.78)).toBe('123,456.8');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(Number.NaN)).toBe('—');
  });

  it('lists parameters in the search space order, then any a trial has besides', () => {
    const spec = { type: 'sweep', searchSpace: { width: {}, depth: {} } } as never;
    expect(parameterNames(spec, [{ parameters: { depth: 2, width: 1, lr: 0.1 } }])).toEqual(['width', 'depth', 'lr']);
    expect(parameterNames(undefined, [{ parameters: { a: 1 } }, { parameters: { b: 'x' } }])).toEqual(['a', 'b']);
    expect(parametersText({ depth: 2, width: 1, opt: 'adam', flag: true }, ['depth', 'width', 'opt', 'flag', 'missing'])).toBe('depth=2 · width=1 · opt=adam · flag=true');
  });
});

describe('a stopped trial', () => {
  it('tells an early stop from a cancel with its sweep, and lists the numbers that decided it', () => {
    expect(stoppedEarly({ termination: bandit, terminationReason: bandit.reason })).toBe(true);
    expect(stoppedEarly({ termination: { policy: 'sweep_canceled', reason: 'its sweep was canceled', at: '' }, terminationReason: 'its sweep was canceled' })).toBe(false);
    expect(stoppedEarly({ terminationReason: 'trial_timeout: it ran longer than limits.trial_timeout (60 s)' })).toBe(true);
    expect(stoppedEarly({})).toBe(false);
    expect(terminationDetails(bandit)).toEqual([
      ['policy', 'bandit'],
      ['at interval', '2'],
      ['value then', '0.49'],
      ['best trial’s value', '0.21'],
      ['cutoff', '0.462'],
      ['slack factor', '1.2'],
      ['this trial’s best so far', '0.49'],
    ]);
    expect(terminationDetails(undefined)).toEqual([]);
  });
});

describe('trialRows', () => {
  it('orders by index, takes the last point collected or else the recorded primary metric, marks the stopped and the best', () => {
    const rows = trialRows(
      [trial(5, { status: 'Canceled', termination: bandit, terminationReason: bandit.reason, primaryMetric: 0.94 }), trial(0, { primaryMetric: 0.21 }), trial(1, { status: 'Running' })],
      [series('grid_1', [0.92, 0.29]), series('grid_5', [0.94, 0.49])],
      'grid_0',
    );
    expect(rows.map((r) => [r.name, r.metric, r.stopped, r.best])).toEqual([
      ['grid_0', 0.21, false, true],
      ['grid_1', 0.29, false, false],
      ['grid_5', 0.49, true, false],
    ]);
    expect(lastValues([series('a', []), series('b', [1, 2])])).toEqual(new Map([['b', 2]]));
  });
});

describe('goodness and extent', () => {
  it('puts the best at 1 whatever the goal, clamps, and is 0.5 when all values are equal', () => {
    expect(goodness(0.21, 0.21, 0.49, 'minimize')).toBe(1);
    expect(goodness(0.49, 0.21, 0.49, 'minimize')).toBe(0);
    expect(goodness(0.49, 0.21, 0.49, 'maximize')).toBe(1);
    expect(goodness(2, 0, 1, 'maximize')).toBe(1);
    expect(goodness(3, 3, 3, 'minimize')).toBe(0.5);
    expect(extent([undefined, 3, 1, Number.NaN, 2])).toEqual([1, 3]);
    expect(extent([undefined])).toBeUndefined();
  });
});

describe('metric chart data', () => {
  const rows = trialRows(
    [trial(0, { primaryMetric: 0.21 }), trial(1, { primaryMetric: 0.29, status: 'Running' }), trial(5, { primaryMetric: 0.49, status: 'Canceled', termination: bandit, terminationReason: bandit.reason }), trial(3, { status: 'Failed', primaryMetric: 0.8 }), trial(4)],
    undefined,
    'grid_0',
  );

  it('one point per trial that reported, marked best, running, stopped early or failed', () => {
    expect(byTrialPoints(rows, ['depth', 'width'])).toEqual([
      { index: 0, name: 'grid_0', value: 0.21, kind: 'best', parameters: 'depth=2 · width=1' },
      { index: 1, name: 'grid_1', value: 0.29, kind: 'running', parameters: 'depth=2 · width=9' },
      { index: 3, name: 'grid_3', value: 0.8, kind: 'failed', parameters: 'depth=3 · width=9' },
      { index: 5, name: 'grid_5', value: 0.49, kind: 'stopped', parameters: 'depth=4 · width=9' },
    ]);
    expect(pointKind({ best: false, status: 'Canceled', termination: { policy: 'sweep_canceled', reason: 'x', at: '' }, terminationReason: 'x' })).toBe('canceled');
    expect(pointKind({ best: false, status: 'Completed' })).toBe('completed');
  });

  it('lines over steps: one row per step with each series under its own key; the best thick and on top, stopped ones dashed', () => {
    const lines = trialStepSeries([series('grid_0', [0.92, 0.21]), series('grid_5', [0.94, 0.49]), series('grid_9', [])], rows, 'minimize');
    // Ranked among the trials' latest values: 0.21 (best) … 0.8 (worst, failed).
    expect(lines.map((l) => [l.label, l.key, l.width, l.dashed, l.rank?.toFixed(3)])).toEqual([
      ['grid_0', 't0', 3, false, '2.000'],
      ['grid_5', 't1', 1.5, true, '0.525'],
    ]);
    expect(lines[0].color).toBe('var(--success)');
    expect(lines[1].color).toBe('color-mix(in oklab, var(--accent) 53%, var(--warning))');
    expect(stepTable(lines)).toEqual([
      { step: 1, t0: 0.92, t1: 0.94 },
      { step: 2, t0: 0.21, t1: 0.49 },
    ]);
    expect(stepTable([{ key: 'v', label: 'x', color: '', points: [{ step: 3, value: 1 }, { step: 1, value: 2 }, { step: 3, value: 5 }] }])).toEqual([
      { step: 1, v: 2 },
      { step: 3, v: 5 },
    ]);
  });

  it('axes: a value axis with room around the values and round ticks; every trial index while there are few', () => {
    const y = valueAxis([0.21, 0.29, 0.49]);
    expect(y.domain[0]).toBeCloseTo(0.1876);
    expect(y.domain[1]).toBeCloseTo(0.5124);
    expect(y.ticks).toEqual([0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]);
    expect(valueAxis([2]).domain).toEqual([1.8, 2.2]);
    expect(valueAxis([]).domain).toEqual([-0.08, 1.08]);
    expect(trialTicks([0, 5, 2])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trialTicks([0, 99])).toBeUndefined();
  });

  it('a job: one chart per metric that has points, with its latest value', () => {
    const m = jobStepSeries([{ job: 'j', name: 'acc', points: [{ step: 1, value: 0.5, at: '' }, { step: 2, value: 0.7, at: '' }] }, { job: 'j', name: 'empty', points: [] }]);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ name: 'acc', last: 0.7, count: 2 });
    expect(m[0].series[0].points).toEqual([{ step: 1, value: 0.5 }, { step: 2, value: 0.7 }]);
  });
});
