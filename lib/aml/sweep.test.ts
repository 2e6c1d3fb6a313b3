import { describe, expect, it } from 'vitest';
import { gridSize, plannedTrialCount, trialParameters, trialsToTerminate, type SearchSpaceParam } from './sweep';

const lit = (v: string | number) => ({ value: v, text: String(v) });
const space: Record<string, SearchSpaceParam> = {
  lr: { type: 'uniform', minValue: 0.01, maxValue: 0.9 },
  logLr: { type: 'loguniform', minValue: -6, maxValue: -1 },
  batch: { type: 'choice', values: [lit(16), lit(32), lit(64)] },
  layers: { type: 'randint', upper: 5 },
  units: { type: 'quniform', minValue: 10, maxValue: 100, q: 10 },
  noise: { type: 'normal', mu: 0, sigma: 1 },
};

describe('random sampling', () => {
  it('is deterministic per (seed, trial) and varies between trials', () => {
    const a = trialParameters(space, { type: 'random' }, 3, 42);
    expect(trialParameters(space, { type: 'random' }, 3, 42)).toEqual(a);
    expect(trialParameters(space, { type: 'random' }, 4, 42)).not.toEqual(a);
    expect(trialParameters(space, { type: 'random' }, 3, 43)).not.toEqual(a);
  });

  it('draws every parameter within its distribution', () => {
    for (let i = 0; i < 300; i++) {
      const p = trialParameters(space, { type: 'random' }, i, 7);
      const lr = p.lr.value as number;
      expect(lr).toBeGreaterThanOrEqual(0.01);
      expect(lr).toBeLessThan(0.9);
      const logLr = p.logLr.value as number;
      expect(logLr).toBeGreaterThanOrEqual(Math.exp(-6));
      expect(logLr).toBeLessThan(Math.exp(-1));
      expect([16, 32, 64]).toContain(p.batch.value);
      expect(Number.isInteger(p.layers.value)).toBe(true);
      expect(p.layers.value).toBeGreaterThanOrEqual(0);
      expect(p.layers.value).toBeLessThan(5);
      expect((p.units.value as number) % 10).toBe(0);
      expect(Number.isFinite(p.noise.value)).toBe(true);
    }
  });

  it('covers a choice evenly and gives normal draws the right spread', () => {
    const counts = new Map<unknown, number>();
    let sum = 0;
    let sq = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const p = trialParameters(space, { type: 'random' }, i, 1);
      counts.set(p.batch.value, (counts.get(p.batch.value) ?? 0) + 1);
      sum += p.noise.value as number;
      sq += (p.noise.value as number) ** 2;
    }
    for (const c of counts.values()) expect(c / n).toBeGreaterThan(0.28);
    expect(Math.abs(sum / n)).toBeLessThan(0.1);
    expect(Math.sqrt(sq / n)).toBeGreaterThan(0.9);
    expect(Math.sqrt(sq / n)).toBeLessThan(1.1);
  });

  it('substitutes floats as Python prints them', () => {
    const p = trialParameters({ q: { type: 'quniform', minValue: 1, maxValue: 3, q: 1 } }, { type: 'random' }, 0, 5);
    expect(p.q.text).toMatch(/^[123]\.0$/);
  });

  it('uses the logbase for loguniform', () => {
    const p = trialParameters({ x: { type: 'loguniform', minValue: 1, maxValue: 2 } }, { type: 'random', logbase: 10 }, 0, 5);
    expect(p.x.value).toBeGreaterThanOrEqual(10);
    expect(p.x.value).toBeLessThan(100);
  });
});

describe('grid sampling', () => {
  const grid: Record<string, SearchSpaceParam> = {
    a: { type: 'choice', values: [lit(1), lit(2)] },
    b: { type: 'choice', values: [lit('x'), lit('y'), lit('z')] },
  };

  it('enumerates every combination exactly once', () => {
    expect(gridSize(grid)).toBe(6);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const p = trialParameters(grid, { type: 'grid' }, i, 0);
      seen.add(`${p.a.value}/${p.b.value}`);
    }
    expect(seen.size).toBe(6);
    expect(() => trialParameters(grid, { type: 'grid' }, 6, 0)).toThrow(/no trial 6/);
  });

  it('runs no more trials than the grid has', () => {
    expect(plannedTrialCount(grid, { type: 'grid' }, 20)).toBe(6);
    expect(plannedTrialCount(grid, { type: 'grid' }, 4)).toBe(4);
    expect(plannedTrialCount(grid, { type: 'random' }, 20)).toBe(20);
  });
});

describe('early termination', () => {
  const trials = [
    { trial: 'good', values: [0.5, 0.7, 0.9, 0.95] },
    { trial: 'ok', values: [0.45, 0.65, 0.85, 0.9] },
    { trial: 'bad', values: [0.2, 0.25, 0.3, 0.31] },
  ];

  it('bandit cancels trials far behind the best', () => {
    expect(trialsToTerminate({ type: 'bandit', slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 0 }, 'maximize', trials)).toEqual(['bad']);
    expect(trialsToTerminate({ type: 'bandit', slackAmount: 1, evaluationInterval: 1, delayEvaluation: 0 }, 'maximize', trials)).toEqual([]);
  });

  it('waits for delay_evaluation', () => {
    const early = trials.map((t) => ({ ...t, values: t.values.slice(0, 2) }));
    expect(trialsToTerminate({ type: 'bandit', slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 2 }, 'maximize', early)).toEqual([]);
  });

  it('median stopping cancels trials below the median of running averages', () => {
    expect(trialsToTerminate({ type: 'median_stopping', evaluationInterval: 1, delayEvaluation: 0 }, 'maximize', trials)).toEqual(['bad']);
  });

  it('truncation selection cancels the worst share; minimize flips the order', () => {
    expect(trialsToTerminate({ type: 'truncation_selection', truncationPercentage: 34, evaluationInterval: 1, delayEvaluation: 0 }, 'maximize', trials)).toEqual(['bad']);
    expect(trialsToTerminate({ type: 'truncation_selection', truncationPercentage: 34, evaluationInterval: 4, delayEvaluation: 0 }, 'minimize', trials)).toEqual(['good']);
  });
});
