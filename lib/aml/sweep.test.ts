import { describe, expect, it } from 'vitest';
import {
  earlyTerminationDecisions,
  gridSize,
  plannedTrialCount,
  trialParameters,
  type EarlyTerminationPolicy,
  type SearchSpaceParam,
  type TerminationDecision,
} from './sweep';

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

describe('random sampling: every distribution', () => {
  const all: Record<string, SearchSpaceParam> = {
    randint: { type: 'randint', upper: 3 },
    uniform: { type: 'uniform', minValue: -2, maxValue: 3 },
    quniform: { type: 'quniform', minValue: 0, maxValue: 1, q: 0.25 },
    loguniform: { type: 'loguniform', minValue: 0, maxValue: 2 },
    qloguniform: { type: 'qloguniform', minValue: 0, maxValue: 3, q: 2 },
    normal: { type: 'normal', mu: 10, sigma: 2 },
    qnormal: { type: 'qnormal', mu: 10, sigma: 2, q: 0.5 },
    lognormal: { type: 'lognormal', mu: 0, sigma: 1 },
    qlognormal: { type: 'qlognormal', mu: 1, sigma: 0.5, q: 0.2 },
  };
  const multipleOf = (x: number, q: number) => Math.abs(x / q - Math.round(x / q)) < 1e-9;
  const draws = Array.from({ length: 2000 }, (_, i) => trialParameters(all, { type: 'random' }, i, 99));
  const values = (name: string) => draws.map((p) => p[name].value as number);

  it('randint(3) draws the integers 0, 1 and 2, each of them', () => {
    expect(new Set(values('randint'))).toEqual(new Set([0, 1, 2]));
  });

  it('uniform and loguniform stay in [min, max) and [e^min, e^max)', () => {
    for (const x of values('uniform')) expect(x >= -2 && x < 3).toBe(true);
    for (const x of values('loguniform')) expect(x >= 1 && x < Math.exp(2)).toBe(true);
  });

  it('quniform and qloguniform round to multiples of q within the rounded range', () => {
    // quniform(0, 1, 0.25): round(u / 0.25) × 0.25 for u in [0, 1) → {0, 0.25, 0.5, 0.75, 1}
    expect(new Set(values('quniform'))).toEqual(new Set([0, 0.25, 0.5, 0.75, 1]));
    // qloguniform(0, 3, 2): round(e^u / 2) × 2 with e^u / 2 in [0.5, 10.04) → the even numbers 2 … 20
    for (const x of values('qloguniform')) {
      expect(multipleOf(x, 2)).toBe(true);
      expect(x >= 2 && x <= 20).toBe(true);
    }
    expect(new Set(values('qloguniform')).size).toBeGreaterThan(5);
  });

  it('normal and qnormal centre on mu with sigma spread; qnormal in multiples of q', () => {
    const normal = values('normal');
    const mean = normal.reduce((s, x) => s + x, 0) / normal.length;
    const sd = Math.sqrt(normal.reduce((s, x) => s + (x - mean) ** 2, 0) / normal.length);
    expect(Math.abs(mean - 10)).toBeLessThan(0.2);
    expect(Math.abs(sd - 2)).toBeLessThan(0.2);
    for (const x of values('qnormal')) expect(multipleOf(x, 0.5)).toBe(true);
    const qmean = values('qnormal').reduce((s, x) => s + x, 0) / 2000;
    expect(Math.abs(qmean - 10)).toBeLessThan(0.2);
  });

  it('lognormal is exp(normal): positive, with log-mean mu and log-sd sigma; qlognormal in multiples of q, never negative', () => {
    const logs = values('lognormal').map((x) => {
      expect(x).toBeGreaterThan(0);
      return Math.log(x);
    });
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
    for (const x of values('qlognormal')) {
      expect(multipleOf(x, 0.2)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
    }
  });

  it('is reproducible with an explicit seed: these exact values for seed 20240611 (a change here re-draws running sweeps)', () => {
    const small: Record<string, SearchSpaceParam> = {
      lr: { type: 'uniform', minValue: 0.01, maxValue: 0.9 },
      batch: { type: 'choice', values: [lit(16), lit(32), lit(64)] },
      layers: { type: 'randint', upper: 5 },
      units: { type: 'quniform', minValue: 10, maxValue: 100, q: 10 },
    };
    const sampling = { type: 'random', seed: 20240611 } as const;
    expect(trialParameters(small, sampling, 0, 20240611)).toEqual({
      lr: { value: 0.03393530114354655, text: '0.03393530114354655' },
      batch: lit(64),
      layers: { value: 2, text: '2' },
      units: { value: 50, text: '50.0' },
    });
    expect(trialParameters(small, sampling, 1, 20240611)).toEqual({
      lr: { value: 0.45498393713853036, text: '0.45498393713853036' },
      batch: lit(32),
      layers: { value: 3, text: '3' },
      units: { value: 80, text: '80.0' },
    });
  });
});

describe('grid sampling', () => {
  const grid: Record<string, SearchSpaceParam> = {
    a: { type: 'choice', values: [lit(1), lit(2)] },
    b: { type: 'choice', values: [lit('x'), lit('y'), lit('z')] },
  };

  it('enumerates the 2 × 3 combinations in nested-loop order, the last parameter varying fastest', () => {
    expect(gridSize(grid)).toBe(6);
    const all = Array.from({ length: 6 }, (_, i) => trialParameters(grid, { type: 'grid' }, i, 0));
    expect(all.map((p) => `${p.a.value}/${p.b.value}`)).toEqual(['1/x', '1/y', '1/z', '2/x', '2/y', '2/z']);
    expect(new Set(all.map((p) => `${p.a.value}/${p.b.value}`)).size).toBe(6);
    expect(Object.keys(all[0])).toEqual(['a', 'b']);
    expect(() => trialParameters(grid, { type: 'grid' }, 6, 0)).toThrow(/no trial 6/);
  });

  it('ignores the seed', () => {
    expect(trialParameters(grid, { type: 'grid' }, 4, 1)).toEqual(trialParameters(grid, { type: 'grid' }, 4, 2));
  });

  it('refuses a non-choice parameter', () => {
    expect(() => trialParameters({ ...grid, u: { type: 'uniform', minValue: 0, maxValue: 1 } }, { type: 'grid' }, 0, 0)).toThrow(/needs choice parameters; u is uniform/);
  });

  it('plannedTrialCount: max_total_trials caps a grid, and a grid smaller than it caps the sweep', () => {
    expect(plannedTrialCount(grid, { type: 'grid' }, 20)).toBe(6);
    expect(plannedTrialCount(grid, { type: 'grid' }, 6)).toBe(6);
    expect(plannedTrialCount(grid, { type: 'grid' }, 4)).toBe(4);
    expect(plannedTrialCount(grid, { type: 'random' }, 20)).toBe(20);
  });
});

// --- early termination ------------------------------------------------------------------------------

const every = { evaluationInterval: 1, delayEvaluation: 0 };
const bandit = (slack: { slackFactor: number } | { slackAmount: number }, schedule = every): EarlyTerminationPolicy => ({ type: 'bandit', ...slack, ...schedule });
const median = (schedule = every): EarlyTerminationPolicy => ({ type: 'median_stopping', ...schedule });
const truncation = (truncationPercentage: number, schedule = every): EarlyTerminationPolicy => ({ type: 'truncation_selection', truncationPercentage, ...schedule });
const stopped = (ds: TerminationDecision[]) => ds.map((d) => `${d.trial}@${d.interval}`);
/** Numbers compared to 9 decimals (0.9 × 1.1 is 0.9900000000000001). */
const rounded = (numbers: Record<string, number>) => Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));

describe('early termination: bandit', () => {
  it('minimize, slack_factor 0.1: judged on the best value so far against best-at-interval × 1.1', () => {
    const trials = [
      { trial: 'A', values: [0.9, 0.7, 0.5] },
      { trial: 'B', values: [0.95, 0.75, 0.52] },
      { trial: 'C', values: [0.92, 0.76, 0.91] },
    ];
    // interval 1: best 0.9 (A) → cutoff 0.9 × 1.1 = 0.99; best so far B 0.95, C 0.92 ≤ 0.99 → nobody
    // interval 2: best 0.7 (A) → cutoff 0.77;           B 0.75, C 0.76 ≤ 0.77       → nobody
    // interval 3: best 0.5 (A) → cutoff 0.55;           B 0.52 ≤ 0.55; C min(0.92, 0.76, 0.91) = 0.76 > 0.55 → C stops
    const ds = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'minimize', trials, { metric: 'loss' });
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ trial: 'C', policy: 'bandit', interval: 3, value: 0.91 });
    expect(rounded(ds[0].numbers)).toEqual({ best: 0.5, cutoff: 0.55, slackFactor: 0.1, bestSoFar: 0.76 });
    expect(ds[0].reason).toBe(
      "bandit policy at interval 3: the trial's best loss so far, 0.76, is worse than the cutoff 0.55 (best at this interval 0.5 × (1 + slack_factor 0.1)), goal minimize",
    );
  });

  it('maximize, slack_factor: the docs examples (0.8 / 1.1 = 0.727…, 0.8 / 1.2 = 0.666…)', () => {
    // "best 0.8, slack_factor 0.1 → runs below 0.73 are terminated": 0.72 stops, 0.73 stays
    const one = [
      { trial: 'best', values: [0.8] },
      { trial: 'just-in', values: [0.73] },
      { trial: 'just-out', values: [0.72] },
    ];
    const ds = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', one);
    expect(stopped(ds)).toEqual(['just-out@1']);
    expect(ds[0].numbers.cutoff).toBeCloseTo(0.8 / 1.1, 12);
    expect(ds[0].reason).toContain('cutoff 0.727273 (best at this interval 0.8 / (1 + slack_factor 0.1)), goal maximize');
    // "slack_factor of 0.2 … less than 0.66 (0.8/(1+slack_factor))": 0.66 stops, 0.67 stays
    const two = [
      { trial: 'best', values: [0.8] },
      { trial: 'in', values: [0.67] },
      { trial: 'out', values: [0.66] },
    ];
    expect(stopped(earlyTerminationDecisions(bandit({ slackFactor: 0.2 }), 'maximize', two))).toEqual(['out@1']);
  });

  it('slack_amount is absolute, slack_factor relative: same data, different cutoffs', () => {
    // minimize, best 0.5: slack_factor 0.2 → 0.5 × 1.2 = 0.6; slack_amount 0.2 → 0.5 + 0.2 = 0.7. A trial at 0.65 fails only the first.
    const trials = [
      { trial: 'A', values: [0.5] },
      { trial: 'B', values: [0.65] },
    ];
    const byFactor = earlyTerminationDecisions(bandit({ slackFactor: 0.2 }), 'minimize', trials);
    expect(stopped(byFactor)).toEqual(['B@1']);
    expect(rounded(byFactor[0].numbers)).toEqual({ best: 0.5, cutoff: 0.6, slackFactor: 0.2, bestSoFar: 0.65 });
    expect(earlyTerminationDecisions(bandit({ slackAmount: 0.2 }), 'minimize', trials)).toEqual([]);
    // maximize, best 0.8, slack_amount 0.15 → cutoff 0.65: 0.64 stops, 0.66 stays
    const max = [
      { trial: 'A', values: [0.8] },
      { trial: 'B', values: [0.64] },
      { trial: 'C', values: [0.66] },
    ];
    const byAmount = earlyTerminationDecisions(bandit({ slackAmount: 0.15 }), 'maximize', max, { metric: 'accuracy' });
    expect(stopped(byAmount)).toEqual(['B@1']);
    expect(rounded(byAmount[0].numbers)).toEqual({ best: 0.8, cutoff: 0.65, slackAmount: 0.15, bestSoFar: 0.64 });
    expect(byAmount[0].reason).toBe(
      "bandit policy at interval 1: the trial's best accuracy so far, 0.64, is worse than the cutoff 0.65 (best at this interval 0.8 - slack_amount 0.15), goal maximize",
    );
  });

  it('stops each trial once, at its earliest failing interval; a stopped trial no longer sets the best', () => {
    const trials = [
      { trial: 'A', values: [0.9, 0.6, 0.5] },
      { trial: 'B', values: [1.0, 0.7, 0.6] },
      { trial: 'C', values: [0.95, 0.8, 0.91] },
    ];
    // minimize, slack_factor 0.1
    // interval 1: best 0.9 → cutoff 0.99: B 1.0 > 0.99 → B stops at 1
    // interval 2: A, C compared: best 0.6 → cutoff 0.66: C best so far 0.8 > 0.66 → C stops at 2
    // interval 3: only A
    const ds = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'minimize', trials);
    expect(stopped(ds)).toEqual(['B@1', 'C@2']);
    expect(rounded(ds[0].numbers)).toEqual({ best: 0.9, cutoff: 0.99, slackFactor: 0.1, bestSoFar: 1 });
    expect(rounded(ds[1].numbers)).toEqual({ best: 0.6, cutoff: 0.66, slackFactor: 0.1, bestSoFar: 0.8 });
  });

  it('a negative best keeps the cutoff on the worse side (ratio taken on |best|)', () => {
    // maximize -loss: best -2, slack_factor 0.1 → cutoff -2 - 2 × 0.1 / 1.1 = -2.181818…: -2.1 stays, -2.3 stops, the best never stops.
    // (The plain formula -2 / 1.1 = -1.818 would be better than the best and stop everyone.)
    const trials = [
      { trial: 'A', values: [-2] },
      { trial: 'B', values: [-2.1] },
      { trial: 'C', values: [-2.3] },
    ];
    const ds = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', trials);
    expect(stopped(ds)).toEqual(['C@1']);
    expect(ds[0].numbers.cutoff).toBeCloseTo(-2 - 0.2 / 1.1, 12);
    // minimize with best -2: cutoff -2 + 2 × 0.1 = -1.8
    const min = [
      { trial: 'A', values: [-2] },
      { trial: 'B', values: [-1.85] },
      { trial: 'C', values: [-1.7] },
    ];
    const dmin = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'minimize', min);
    expect(stopped(dmin)).toEqual(['C@1']);
    expect(dmin[0].numbers.cutoff).toBeCloseTo(-1.8, 12);
  });

  it('a trial equal to the cutoff is not worse than it', () => {
    const trials = [
      { trial: 'A', values: [1] },
      { trial: 'B', values: [1.5] },
    ];
    // minimize, slack_amount 0.5: cutoff 1.5 = B → B stays
    expect(earlyTerminationDecisions(bandit({ slackAmount: 0.5 }), 'minimize', trials)).toEqual([]);
  });
});

describe('early termination: median stopping', () => {
  it('maximize: the best so far against the median of running averages; equal to the median is not worse', () => {
    const trials = [
      { trial: 'A', values: [0.5, 0.7, 0.9] },
      { trial: 'B', values: [0.45, 0.65, 0.85] },
      { trial: 'C', values: [0.2, 0.25, 0.3] },
    ];
    // interval 1: averages 0.5, 0.45, 0.2 → median 0.45; B 0.45 is not worse; C 0.2 < 0.45 → C stops at 1
    // interval 2: A, B: averages 0.6, 0.55 → median 0.575; best so far 0.7, 0.65 → nobody
    // interval 3: averages 0.7, 0.65 → median 0.675; best so far 0.9, 0.85 → nobody
    const ds = earlyTerminationDecisions(median(), 'maximize', trials, { metric: 'accuracy' });
    expect(stopped(ds)).toEqual(['C@1']);
    expect(ds[0]).toMatchObject({ policy: 'median_stopping', value: 0.2, numbers: { bestSoFar: 0.2, median: 0.45, trialsCompared: 3 } });
    expect(ds[0].reason).toBe(
      "median_stopping policy at interval 1: the trial's best accuracy so far, 0.2, is worse than 0.45, the median of the running averages over interval 1 of the 3 trials that reached interval 1, goal maximize",
    );
  });

  it('minimize with delay_evaluation 2: running averages over 1..N decide at interval 3', () => {
    const trials = [
      { trial: 'A', values: [1.0, 0.6, 0.4] },
      { trial: 'B', values: [0.9, 0.8, 0.7] },
      { trial: 'C', values: [1.2, 0.5, 0.3] },
    ];
    // interval 1 is before the delay (without it: averages 1.0, 0.9, 1.2 → median 1.0; C 1.2 > 1.0 would stop)
    // interval 2: averages A 0.8, B 0.85, C 0.85 → median 0.85; best so far A 0.6, B 0.8, C 0.5 → nobody
    // interval 3: averages A 2.0/3 = 0.667, B 2.4/3 = 0.8, C 2.0/3 = 0.667 → median 0.667; B's best 0.7 > 0.667 → B stops at 3
    expect(stopped(earlyTerminationDecisions(median(), 'minimize', trials))).toEqual(['C@1']);
    const ds = earlyTerminationDecisions(median({ evaluationInterval: 1, delayEvaluation: 2 }), 'minimize', trials);
    expect(stopped(ds)).toEqual(['B@3']);
    expect(rounded(ds[0].numbers)).toEqual({ bestSoFar: 0.7, median: 0.666666667, trialsCompared: 3 });
    expect(ds[0].reason).toContain('0.666667, the median of the running averages over intervals 1-3 of the 3 trials that reached interval 3, goal minimize');
    expect(ds[0].value).toBe(0.7);
  });

  it('an even number of trials: the median is the mean of the middle two', () => {
    const trials = ['A', 'B', 'C', 'D'].map((trial, i) => ({ trial, values: [[0.9, 0.8, 0.6, 0.5][i]] }));
    // averages 0.9, 0.8, 0.6, 0.5 → median (0.8 + 0.6) / 2 = 0.7: C 0.6 and D 0.5 stop
    const ds = earlyTerminationDecisions(median(), 'maximize', trials);
    expect(stopped(ds)).toEqual(['C@1', 'D@1']);
    expect(ds[0].numbers.median).toBeCloseTo(0.7, 12);
  });
});

describe('early termination: truncation selection', () => {
  it('stops the lowest share at each evaluation, rounding the share down', () => {
    const trials = ['A', 'B', 'C', 'D', 'E'].map((trial, i) => ({ trial, values: [[0.5, 0.4, 0.3, 0.2, 0.1][i], [0.6, 0.5, 0.4, 0.3, 0.2][i]] }));
    // interval 1: 5 trials × 20% = 1 → the worst, E (0.1), stops; the lowest value kept is D's 0.2
    // interval 2: 4 trials × 20% = 0.8 → 0: nobody
    const ds = earlyTerminationDecisions(truncation(20), 'maximize', trials, { metric: 'accuracy' });
    expect(stopped(ds)).toEqual(['E@1']);
    expect(ds[0].numbers).toEqual({ rank: 5, trialsCompared: 5, truncationPercentage: 20, truncatedCount: 1, cutoffValue: 0.2 });
    expect(ds[0].reason).toBe(
      'truncation_selection policy at interval 1: accuracy 0.1 ranks 5 of the 5 trials at this interval, in the lowest 20% (1 trial, rounded down): worse than 0.2, the lowest value kept, goal maximize',
    );
    // 3 trials × 20% = 0.6 → 0: nobody, whatever the values
    expect(earlyTerminationDecisions(truncation(20), 'maximize', trials.slice(0, 3))).toEqual([]);
  });

  it('compares values at the interval (not the best so far); minimize flips the order', () => {
    const trials = [
      { trial: 'good', values: [0.5, 0.7, 0.9, 0.95] },
      { trial: 'ok', values: [0.45, 0.65, 0.85, 0.9] },
      { trial: 'bad', values: [0.2, 0.25, 0.3, 0.31] },
    ];
    // 3 × 34% = 1.02 → 1 per evaluation.
    // maximize: interval 1 ranks bad last → bad@1; interval 2: 2 × 34% = 0.68 → 0
    expect(stopped(earlyTerminationDecisions(truncation(34), 'maximize', trials))).toEqual(['bad@1']);
    // minimize, evaluated only at interval 4 (evaluation_interval 4): highest value 0.95 is worst → good@4, numbers at interval 4
    const ds = earlyTerminationDecisions(truncation(34, { evaluationInterval: 4, delayEvaluation: 0 }), 'minimize', trials);
    expect(stopped(ds)).toEqual(['good@4']);
    expect(ds[0]).toMatchObject({ value: 0.95, numbers: { rank: 3, trialsCompared: 3, truncatedCount: 1, cutoffValue: 0.9 } });
  });

  it('ties at the boundary are all kept; a tie group that fits in the share is stopped together', () => {
    const trials = ['A', 'B', 'C', 'D'].map((trial, i) => ({ trial, values: [[0.9, 0.8, 0.5, 0.5][i]] }));
    // 25% of 4 = 1, but C and D tie for last: stopping one and not the other would depend on input order → neither
    expect(earlyTerminationDecisions(truncation(25), 'maximize', trials)).toEqual([]);
    // 50% of 4 = 2: the lowest value kept is B's 0.8; C and D (0.5) both stop, sharing rank 3
    const ds = earlyTerminationDecisions(truncation(50), 'maximize', trials);
    expect(stopped(ds)).toEqual(['C@1', 'D@1']);
    expect(ds.map((d) => d.numbers.rank)).toEqual([3, 3]);
    expect(ds[0].numbers.cutoffValue).toBe(0.8);
  });
});

describe('early termination: schedule', () => {
  // 'bad' is far behind from the first report on, so it fails at every interval that is evaluated.
  const trials = [
    { trial: 'good', values: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9] },
    { trial: 'bad', values: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] },
  ];
  const firstStop = (schedule: { evaluationInterval: number; delayEvaluation: number }, data = trials) =>
    earlyTerminationDecisions(bandit({ slackFactor: 0.1 }, schedule), 'maximize', data).map((d) => d.interval);

  it('evaluates every multiple of evaluation_interval that is >= delay_evaluation', () => {
    expect(firstStop({ evaluationInterval: 1, delayEvaluation: 0 })).toEqual([1]);
    // docs: "delay_evaluation = 5, evaluation_interval = 1 … applied at every interval starting at evaluation interval 5"
    expect(firstStop({ evaluationInterval: 1, delayEvaluation: 5 })).toEqual([5]);
    // multiples of 2 that are >= 3: 4, 6, …
    expect(firstStop({ evaluationInterval: 2, delayEvaluation: 3 })).toEqual([4]);
    // multiples of 3 >= 0: 3, 6
    expect(firstStop({ evaluationInterval: 3, delayEvaluation: 0 })).toEqual([3]);
    // nothing scheduled within the 7 reports: no decision
    expect(firstStop({ evaluationInterval: 8, delayEvaluation: 0 })).toEqual([]);
    expect(firstStop({ evaluationInterval: 1, delayEvaluation: 8 })).toEqual([]);
  });

  it('HyperDrive example: evaluation_interval 100, delay_evaluation 200 → first applied at interval 200', () => {
    const long = [
      { trial: 'good', values: Array.from({ length: 300 }, () => 0.9) },
      { trial: 'bad', values: Array.from({ length: 300 }, () => 0.1) },
    ];
    expect(firstStop({ evaluationInterval: 100, delayEvaluation: 200 }, long)).toEqual([200]);
  });

  it('evaluation_interval 0 (the azure-ai-ml default) means every interval, without dividing by zero', () => {
    expect(firstStop({ evaluationInterval: 0, delayEvaluation: 0 })).toEqual([1]);
    expect(firstStop({ evaluationInterval: 0, delayEvaluation: 4 })).toEqual([4]);
  });

  it('decides only at scheduled intervals: a dip between evaluations goes unnoticed', () => {
    const dip = [
      { trial: 'A', values: [0.9, 0.9, 0.9, 0.9] },
      { trial: 'B', values: [0.95, 0.95, 0.1, 0.95] },
    ];
    // truncation 50% of 2 = 1. Every interval: interval 1 ranks A last (0.9 < 0.95) → A@1.
    // Candidates {B} only: A is compared but kept; at interval 3 B (0.1) ranks last → B@3.
    expect(stopped(earlyTerminationDecisions(truncation(50), 'maximize', dip, { candidates: new Set(['B']) }))).toEqual(['B@3']);
    // evaluation_interval 2: intervals 2 and 4 only, where B is ahead → B is never stopped
    expect(earlyTerminationDecisions(truncation(50, { evaluationInterval: 2, delayEvaluation: 0 }), 'maximize', dip, { candidates: new Set(['B']) })).toEqual([]);
  });
});

describe('early termination: who is compared and who can be stopped', () => {
  it('a finished trial is compared but never stopped', () => {
    const trials = [
      { trial: 'finished-best', values: [0.9, 0.9] },
      { trial: 'finished-bad', values: [0.1, 0.1] },
      { trial: 'running', values: [0.7, 0.85] },
    ];
    const running = new Set(['running']);
    // bandit maximize, slack_factor 0.1: cutoff 0.9 / 1.1 = 0.818. Interval 1: running 0.7 < 0.818 → running@1 (the finished best sets the cutoff);
    // finished-bad fails too but is not a candidate.
    expect(stopped(earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', trials, { candidates: running }))).toEqual(['running@1']);
    expect(stopped(earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', trials))).toEqual(['finished-bad@1', 'running@1']);
    // truncation 34% of 3 = 1: the lowest is finished-bad at both intervals; it takes the slot and is not stopped, so nobody is
    expect(earlyTerminationDecisions(truncation(34), 'maximize', trials, { candidates: running })).toEqual([]);
  });

  it('a trial with fewer reports takes no part after its last one; a younger trial meets only the others’ values up to its interval', () => {
    // truncation 50%: interval 1: 3 trials → 1: short (0.1) ranks last but finished, so nobody;
    // interval 2: A and B only (short has no value) → 2 × 50% = 1 → B stops, trialsCompared 2.
    const trials = [
      { trial: 'A', values: [0.9, 0.9, 0.9] },
      { trial: 'B', values: [0.8, 0.8, 0.8] },
      { trial: 'short', values: [0.1] },
    ];
    const ds = earlyTerminationDecisions(truncation(50), 'maximize', trials, { candidates: new Set(['A', 'B']) });
    expect(stopped(ds)).toEqual(['B@2']);
    expect(ds[0].numbers.trialsCompared).toBe(2);

    // bandit maximize, slack_factor 0.1: the old trial reached 0.95 later, but at interval 2 it reported 0.7 →
    // best 0.7, cutoff 0.636; the young trial's best so far 0.6 < 0.636 → young@2 (against 0.95 it would be 0.864).
    const young = [
      { trial: 'old', values: [0.6, 0.7, 0.9, 0.95] },
      { trial: 'young', values: [0.58, 0.6] },
    ];
    const dy = earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', young, { candidates: new Set(['young']) });
    expect(stopped(dy)).toEqual(['young@2']);
    expect(rounded(dy[0].numbers)).toEqual({ best: 0.7, cutoff: 0.636363636, slackFactor: 0.1, bestSoFar: 0.6 });
  });

  it('NaN and infinite values never decide anything', () => {
    // interval 1: A's NaN and C's Infinity are left out; B alone is the best → nobody. Interval 2: best 0.9 → cutoff 0.818; B 0.85 stays.
    const trials = [
      { trial: 'A', values: [NaN, 0.9] },
      { trial: 'B', values: [0.5, 0.85] },
      { trial: 'C', values: [Infinity] },
    ];
    expect(earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', trials)).toEqual([]);
    // a NaN first report does not hide the trial's later values: best so far 0.2 < 0.818 → late@2
    const late = [
      { trial: 'late', values: [NaN, 0.2] },
      { trial: 'B', values: [0.9, 0.9] },
    ];
    expect(earlyTerminationDecisions(bandit({ slackFactor: 0.1 }), 'maximize', late)).toMatchObject([{ trial: 'late', interval: 2, value: 0.2, numbers: { bestSoFar: 0.2 } }]);
    // truncation 34%: a NaN is not ranked last; 2 finite trials × 34% → 0
    expect(earlyTerminationDecisions(truncation(34), 'maximize', [{ trial: 'A', values: [0.9] }, { trial: 'B', values: [0.8] }, { trial: 'N', values: [NaN] }])).toEqual([]);
    // median: the NaN in A's history is skipped: A's average over 1..3 is (0.5 + 0.7) / 2 = 0.6, not NaN
    const med = [
      { trial: 'A', values: [0.5, NaN, 0.7] },
      { trial: 'B', values: [0.55, 0.6, 0.65] },
      { trial: 'C', values: [0.1, 0.2, 0.3] },
    ];
    // interval 1: averages 0.5, 0.55, 0.1 → median 0.5: C 0.1 stops. Interval 2: A left out (NaN); B alone. Interval 3: averages A 0.6, B 0.6 → median 0.6; best so far 0.7, 0.65 → nobody
    expect(stopped(earlyTerminationDecisions(median(), 'maximize', med))).toEqual(['C@1']);
  });

  it('no trials, or no reports, means no decisions', () => {
    expect(earlyTerminationDecisions(median(), 'maximize', [])).toEqual([]);
    expect(earlyTerminationDecisions(median(), 'maximize', [{ trial: 'A', values: [] }])).toEqual([]);
  });
});
