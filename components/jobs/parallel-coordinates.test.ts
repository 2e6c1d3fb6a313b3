// Parallel coordinates: which axes a sweep gets (numeric, log, categorical), where values sit on them, and
// the lines drawn through them.
import { describe, expect, it } from 'vitest';
import { axisPosition, axisTicks, axisX, axisY, buildAxes, METRIC_AXIS, niceTicks, trialPath, type Axis, type Plot } from './parallel-coordinates';

const space = {
  depth: { type: 'choice', values: [2, 3, 4].map((v) => ({ value: v, text: String(v) })) },
  opt: { type: 'choice', values: ['sgd', 'adam', 'lion'].map((v) => ({ value: v, text: v })) },
  lr: { type: 'loguniform', minValue: Math.log(1e-4), maxValue: Math.log(1e-1) },
  dropout: { type: 'uniform', minValue: 0, maxValue: 0.5 },
} as const;

const trials = [
  { parameters: { depth: 2, opt: 'adam', lr: 0.001, dropout: 0.1 }, metric: 0.21 },
  { parameters: { depth: 4, opt: 'sgd', lr: 0.05, dropout: 0.4 }, metric: 0.49 },
  { parameters: { depth: 3, opt: 'lion', lr: 0.01, dropout: 0.2 } },
];

const axes = buildAxes({ parameters: ['depth', 'opt', 'lr', 'dropout'], searchSpace: space as never, trials, metric: { name: 'val_loss', goal: 'minimize' } });
const byKey = (k: string) => axes.find((a) => a.key === k)!;

describe('buildAxes', () => {
  it('one axis per parameter, then the metric; numeric choices numeric, string choices categorical in the search space order', () => {
    expect(axes.map((a) => [a.key, a.kind])).toEqual([
      ['depth', 'numeric'],
      ['opt', 'category'],
      ['lr', 'numeric'],
      ['dropout', 'numeric'],
      [METRIC_AXIS, 'numeric'],
    ]);
    expect(byKey('opt')).toMatchObject({ categories: ['sgd', 'adam', 'lion'] });
    expect(byKey('depth')).toMatchObject({ min: 2, max: 4, log: false, ticks: [2, 3, 4] });
    expect(byKey(METRIC_AXIS)).toMatchObject({ label: 'val_loss (minimize)', min: 0.21, max: 0.49, log: false });
  });

  it('takes the search space bounds, so an axis holds still as trials arrive; log distributions get a log axis', () => {
    const lr = byKey('lr') as Extract<Axis, { kind: 'numeric' }>;
    expect(lr.log).toBe(true);
    expect(lr.min).toBeCloseTo(1e-4);
    expect(lr.max).toBeCloseTo(0.1);
    expect(lr.ticks).toEqual([0.0001, 0.001, 0.01, 0.1]);
    expect(byKey('dropout')).toMatchObject({ min: 0, max: 0.5, ticks: [0, 0.1, 0.2, 0.3, 0.4, 0.5] });
  });

  it('without a search space: numbers numeric, anything else categorical in order of appearance; a single value gets room around it', () => {
    const a = buildAxes({ parameters: ['x', 'flag'], trials: [{ parameters: { x: 5, flag: true } }, { parameters: { x: 5, flag: false } }], metric: { name: 'acc', goal: 'maximize' } });
    expect(a[0]).toMatchObject({ kind: 'numeric', min: 4.5, max: 5.5 });
    expect(a[1]).toMatchObject({ kind: 'category', categories: ['true', 'false'] });
    expect(a[2]).toMatchObject({ kind: 'numeric', min: 0, max: 1 }); // no metric yet
  });
});

describe('axisPosition', () => {
  it('linear, log and evenly spaced categories from 0 (bottom) to 1 (top); undefined for a missing value', () => {
    expect(axisPosition(byKey('depth'), 3)).toBe(0.5);
    expect(axisPosition(byKey('opt'), 'sgd')).toBe(0);
    expect(axisPosition(byKey('opt'), 'adam')).toBe(0.5);
    expect(axisPosition(byKey('opt'), 'lion')).toBe(1);
    expect(axisPosition(byKey('lr'), 0.001)).toBeCloseTo(1 / 3);
    expect(axisPosition(byKey('lr'), 0.01)).toBeCloseTo(2 / 3);
    expect(axisPosition(byKey(METRIC_AXIS), 0.49)).toBe(1);
    expect(axisPosition(byKey(METRIC_AXIS), undefined)).toBeUndefined();
    expect(axisPosition(byKey('opt'), 'rmsprop')).toBeUndefined();
    expect(axisPosition({ kind: 'category', key: 'c', label: 'c', categories: ['only'] }, 'only')).toBe(0.5);
    expect(axisPosition(byKey('depth'), 99)).toBe(1);
  });

  it('labels ticks: categories by name, the metric with four digits', () => {
    expect(axisTicks(byKey('opt'))).toEqual([[0, 'sgd'], [0.5, 'adam'], [1, 'lion']]);
    expect(axisTicks(byKey(METRIC_AXIS)).map(([, t]) => t)).toEqual(['0.25', '0.3', '0.35', '0.4', '0.45']);
  });
});

describe('niceTicks', () => {
  it('round steps inside the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.21, 0.49, 5)).toEqual([0.25, 0.3, 0.35, 0.4, 0.45]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, 1000, 3)).toEqual([0, 500, 1000]);
    expect(niceTicks(0.9, 0.94)).toEqual([0.9, 0.91, 0.92, 0.93, 0.94]);
  });
});

describe('trialPath', () => {
  const plot: Plot = { width: 500, height: 240, margin: { top: 20, right: 20, bottom: 20, left: 80 } };
  it('spreads the axes over the inner width and runs y top-down', () => {
    expect([0, 1, 2, 3, 4].map((i) => axisX(i, 5, plot))).toEqual([80, 180, 280, 380, 480]);
    expect(axisX(0, 1, plot)).toBe(280);
    expect(axisY(1, plot)).toBe(20);
    expect(axisY(0, plot)).toBe(220);
  });

  it('draws through every axis the trial has a value on, and breaks the line where it has none', () => {
    expect(trialPath(axes, trials[0], plot)).toBe('M80 220L180 120L280 153.3L380 180L480 220');
    // No metric yet: the line ends at the last parameter.
    expect(trialPath(axes, trials[2], plot)).toBe('M80 120L180 20L280 86.7L380 140');
    expect(trialPath(axes, { parameters: { depth: 2, lr: 0.001 }, metric: 0.3 }, plot)).toBe('M80 220M280 153.3M480 155.7');
  });
});
