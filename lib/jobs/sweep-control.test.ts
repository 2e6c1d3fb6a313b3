import { describe, expect, it } from 'vitest';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { decideSweep, failureStop, type TrialState } from './sweep-control';

const lit = (v: number) => ({ value: v, text: String(v) });
const spec = (over: Partial<SweepJobSpec> = {}): SweepJobSpec => ({
  type: 'sweep',
  tags: {},
  properties: {},
  inputs: {},
  outputs: {},
  trial: { command: 'echo', environment: { image: 'busybox', source: 'inline' }, environmentVariables: {}, resources: { instanceCount: 1, shmSize: '2g' } },
  searchSpace: { depth: { type: 'choice', values: [lit(2), lit(3), lit(4)] } },
  samplingAlgorithm: { type: 'random' },
  objective: { goal: 'minimize', primaryMetric: 'loss' },
  limits: { maxTotalTrials: 6, maxConcurrentTrials: 2 },
  ...over,
});
const T0 = new Date('2026-12-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const trial = (index: number, status: string, values: number[] = [], extra: Partial<TrialState> = {}): TrialState => ({ index, name: `s_${index}`, status, values, ...extra });
const decide = (trials: TrialState[], over: Partial<SweepJobSpec> = {}, now = at(60), planned = 6, maxConcurrent = 2) =>
  decideSweep({ spec: spec(over), planned, maxConcurrent, createdAt: T0, now, trials });

describe('the sweep controller keeps max_concurrent_trials active until max_total_trials', () => {
  it('starts the first trials, then one for each that ends, never more than the limit at once', () => {
    expect(decide([])).toMatchObject({ create: [0, 1], status: 'NotStarted' });
    // Created trials count whatever their status: a NotStarted or Queued one holds its slot.
    expect(decide([trial(0, 'NotStarted'), trial(1, 'Queued')]).create).toEqual([]);
    expect(decide([trial(0, 'Completed', [0.3]), trial(1, 'Running')])).toMatchObject({ create: [2], status: 'Running' });
    expect(decide([trial(0, 'Completed', [0.3]), trial(1, 'Failed')]).create).toEqual([2, 3]);
  });

  it('stops at max_total_trials and is Completed when every trial ended, with the best completed trial', () => {
    const done = [0.5, 0.2, 0.4, 0.9, 0.3, 0.25].map((v, i) => trial(i, 'Completed', [0.9, v]));
    const d = decide(done);
    expect(d.create).toEqual([]);
    expect(d.status).toBe('Completed');
    expect(d.best).toEqual({ index: 1, name: 's_1', primaryMetric: 0.2 });
    expect(d.message).toBe('6 of 6 trial(s) started: 6 completed; best loss 0.2 (s_1)');
    // maximize picks the other end
    expect(decide(done, { objective: { goal: 'maximize', primaryMetric: 'loss' } }).best?.index).toBe(3);
  });

  it('a stopped, failed or canceled trial is never the best, whatever its value', () => {
    const d = decide([trial(0, 'Completed', [0.5]), trial(1, 'Canceled', [0.1], { stopped: true }), trial(2, 'Failed', [0.05]), trial(3, 'Completed', [0.4]), trial(4, 'Canceled', [0.01]), trial(5, 'Completed', [0.45])]);
    expect(d.best?.index).toBe(3);
    expect(d.message).toContain('3 completed, 1 stopped early, 1 failed, 1 canceled');
  });

  it('status follows the trials in Azure ML’s words', () => {
    expect(decide([trial(0, 'Queued'), trial(1, 'NotStarted')]).status).toBe('Queued');
    expect(decide([trial(0, 'Queued'), trial(1, 'Preparing')]).status).toBe('Preparing');
    expect(decide([trial(0, 'Queued'), trial(1, 'Running')]).status).toBe('Running');
    // Between trials (one ended, the next not started yet) the sweep is still Running.
    expect(decide([trial(0, 'Completed', [1]), trial(1, 'Queued')]).status).toBe('Running');
    expect(decide(Array.from({ length: 6 }, (_, i) => trial(i, 'Failed'))).status).toBe('Failed');
  });

  it('a grid smaller than max_total_trials runs each combination once', () => {
    const d = decide([trial(0, 'Completed', [1]), trial(1, 'Completed', [2]), trial(2, 'Completed', [3])], {}, at(60), 3);
    expect(d).toMatchObject({ create: [], status: 'Completed' });
  });
});

describe('limits and failures', () => {
  it('limits.timeout stops every active trial and starts none; the sweep is Canceled', () => {
    const trials = [trial(0, 'Completed', [0.3]), trial(1, 'Running', [0.5]), trial(2, 'Queued')];
    const d = decide(trials, { limits: { maxTotalTrials: 6, maxConcurrentTrials: 2, timeoutSeconds: 30 } }, at(31));
    expect(d.create).toEqual([]);
    expect(d.terminate.map((t) => [t.index, t.policy])).toEqual([
      [1, 'sweep_timeout'],
      [2, 'sweep_timeout'],
    ]);
    expect(d.terminate[0].reason).toBe('the sweep reached limits.timeout (30 s) while this trial was Running');
    expect(d.status).toBe('Canceled');
    expect(d.message).toMatch(/^stopped at limits.timeout \(30 s\)/);
    // Before the timeout nothing is stopped.
    expect(decide(trials, { limits: { maxTotalTrials: 6, maxConcurrentTrials: 2, timeoutSeconds: 30 } }, at(29)).terminate).toEqual([]);
  });

  it('when the first trials all failed, no more are started and the sweep fails saying why', () => {
    expect(failureStop(20, 2)).toBe(3);
    expect(failureStop(20, 5)).toBe(5);
    expect(failureStop(2, 5)).toBe(2);
    const d = decide([trial(0, 'Failed', [], { statusMessage: 'Error: exit code 1' }), trial(1, 'Failed'), trial(2, 'Failed')]);
    expect(d.create).toEqual([]);
    expect(d.status).toBe('Failed');
    expect(d.message).toBe('the first 3 trial(s) all failed, so no more were started (s_0: Error: exit code 1)');
    // One success among them and the sweep goes on.
    expect(decide([trial(0, 'Failed'), trial(1, 'Completed', [1]), trial(2, 'Failed')]).create).toEqual([3, 4]);
  });
});

describe('early termination', () => {
  const bandit = { earlyTermination: { type: 'bandit' as const, slackFactor: 1.2, evaluationInterval: 1, delayEvaluation: 1 } };

  it('stops a running trial worse than the slack allows, with the numbers, and replaces it', () => {
    // Interval 2: best 0.21 (trial 0, finished) → cutoff 0.21 × (1 + 1.2) = 0.462; trial 5 reports 0.49.
    const trials = [0.21, 0.29, 0.31, 0.39, 0.41].map((v, i) => trial(i, 'Completed', [0.9, v, v]));
    trials.push(trial(5, 'Running', [0.94, 0.49]));
    const d = decide(trials, bandit);
    expect(d.terminate).toHaveLength(1);
    const stop = d.terminate[0];
    expect(stop).toMatchObject({ index: 5, policy: 'bandit', interval: 2, value: 0.49 });
    expect(stop.numbers?.best).toBe(0.21);
    expect(stop.numbers?.cutoff).toBeCloseTo(0.462, 10);
    expect(stop.reason).toContain('loss');
    // It counts as run: the sweep is then done (all 6 started), with trial 0 best.
    const after = decide([...trials.slice(0, 5), trial(5, 'Canceled', [0.94, 0.49], { stopped: true })], bandit);
    expect(after).toMatchObject({ status: 'Completed', create: [] });
    expect(after.best?.name).toBe('s_0');
  });

  it('never stops a finished trial, and waits for delay_evaluation', () => {
    const trials = [trial(0, 'Completed', [0.1, 0.1]), trial(1, 'Completed', [5, 5]), trial(2, 'Running', [5])];
    // Trial 2 has reported interval 1 only; with delay_evaluation 2 the first judged interval is 2 (Azure ML: every
    // multiple of evaluation_interval that is ≥ delay_evaluation).
    const delayed = { earlyTermination: { ...bandit.earlyTermination, delayEvaluation: 2 } };
    expect(decide(trials, delayed).terminate).toEqual([]);
    expect(decide([...trials.slice(0, 2), trial(2, 'Running', [5, 5])], delayed).terminate.map((t) => t.index)).toEqual([2]);
  });
});
