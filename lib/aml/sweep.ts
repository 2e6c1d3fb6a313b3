// Sweep jobs: drawing trial parameters from the search space, and early termination.
//
// Sampling is deterministic: trial i's parameters depend only on (seed, i, parameter name), so a sweep
// controller can compute any trial lazily, after a restart, or on another replica and get the same values.
// Distributions follow Azure ML (hyperopt) semantics: loguniform(min, max) = exp(uniform(min, max)),
// q-variants round to multiples of q, randint(upper) draws from [0, upper).

import { pythonFloatRepr, pythonStr } from './command-template';

export interface SweepLiteral {
  value: string | number | boolean;
  /** Python str() of the value: what `${{search_space.x}}` becomes. */
  text: string;
}

export type SearchSpaceParam =
  | { type: 'choice'; values: SweepLiteral[] }
  | { type: 'randint'; upper: number }
  | { type: 'uniform' | 'loguniform'; minValue: number; maxValue: number }
  | { type: 'quniform' | 'qloguniform'; minValue: number; maxValue: number; q: number }
  | { type: 'normal' | 'lognormal'; mu: number; sigma: number }
  | { type: 'qnormal' | 'qlognormal'; mu: number; sigma: number; q: number };

export type SamplingAlgorithm = { type: 'random'; seed?: number; logbase?: number | 'e' } | { type: 'grid' };

export type EarlyTerminationPolicy =
  | { type: 'bandit'; slackFactor?: number; slackAmount?: number; evaluationInterval: number; delayEvaluation: number }
  | { type: 'median_stopping'; evaluationInterval: number; delayEvaluation: number }
  | { type: 'truncation_selection'; truncationPercentage: number; evaluationInterval: number; delayEvaluation: number };

export type TrialParameters = Record<string, SweepLiteral>;

// --- deterministic randomness ---------------------------------------------------------------------

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for hyperparameter draws. */
function rng(seedText: string): () => number {
  let a = fnv1a(seedText);
  const next32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // 53 random bits → [0, 1)
  return () => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53;
}

function normal(random: () => number, mu: number, sigma: number): number {
  // Box–Muller; 1 - u avoids log(0).
  const u = 1 - random();
  const v = random();
  return mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function floatLiteral(x: number): SweepLiteral {
  return { value: x, text: pythonFloatRepr(x) };
}

function roundTo(x: number, q: number): number {
  return Math.round(x / q) * q;
}

/** Draws one value of a parameter. */
export function sampleParam(param: SearchSpaceParam, random: () => number, logbase: number | 'e' = 'e'): SweepLiteral {
  const exp = (x: number) => (logbase === 'e' ? Math.exp(x) : logbase ** x);
  switch (param.type) {
    case 'choice':
      return param.values[Math.floor(random() * param.values.length)];
    case 'randint': {
      const v = Math.floor(random() * param.upper);
      return { value: v, text: pythonStr(v, false) };
    }
    case 'uniform':
      return floatLiteral(param.minValue + random() * (param.maxValue - param.minValue));
    case 'loguniform':
      return floatLiteral(exp(param.minValue + random() * (param.maxValue - param.minValue)));
    case 'quniform':
      return floatLiteral(roundTo(param.minValue + random() * (param.maxValue - param.minValue), param.q));
    case 'qloguniform':
      return floatLiteral(roundTo(exp(param.minValue + random() * (param.maxValue - param.minValue)), param.q));
    case 'normal':
      return floatLiteral(normal(random, param.mu, param.sigma));
    case 'lognormal':
      return floatLiteral(Math.exp(normal(random, param.mu, param.sigma)));
    case 'qnormal':
      return floatLiteral(roundTo(normal(random, param.mu, param.sigma), param.q));
    case 'qlognormal':
      return floatLiteral(roundTo(Math.exp(normal(random, param.mu, param.sigma)), param.q));
  }
}

/** The seed used when the job names none: derived from the job name so a resubmission differs. */
export function defaultSeed(jobName: string): number {
  return fnv1a(`harbormaster-sweep:${jobName}`);
}

/** Number of trials a grid sweep has (product of the choice sizes). */
export function gridSize(space: Record<string, SearchSpaceParam>): number {
  return Object.values(space).reduce((n, p) => n * (p.type === 'choice' ? p.values.length : Infinity), 1);
}

/** How many trials the sweep runs: max_total_trials, or fewer when a grid is smaller. */
export function plannedTrialCount(space: Record<string, SearchSpaceParam>, sampling: SamplingAlgorithm, maxTotalTrials: number): number {
  return sampling.type === 'grid' ? Math.min(maxTotalTrials, gridSize(space)) : maxTotalTrials;
}

/** Parameters of trial `index` (0-based). */
export function trialParameters(
  space: Record<string, SearchSpaceParam>,
  sampling: SamplingAlgorithm,
  index: number,
  seed: number,
): TrialParameters {
  if (!Number.isInteger(index) || index < 0) throw new Error(`trial index must be a non-negative integer, got ${index}`);
  const out: TrialParameters = {};
  if (sampling.type === 'grid') {
    // Mixed-radix decomposition, last parameter varying fastest (like nested loops in declaration order).
    const names = Object.keys(space);
    let rest = index;
    const total = gridSize(space);
    if (index >= total) throw new Error(`a grid of ${total} combinations has no trial ${index}`);
    for (let k = names.length - 1; k >= 0; k--) {
      const p = space[names[k]];
      if (p.type !== 'choice') throw new Error(`grid sampling needs choice parameters; ${names[k]} is ${p.type}`);
      out[names[k]] = p.values[rest % p.values.length];
      rest = Math.floor(rest / p.values.length);
    }
    return Object.fromEntries(names.map((n) => [n, out[n]]));
  }
  for (const [name, param] of Object.entries(space)) {
    out[name] = sampleParam(param, rng(`${seed}:${index}:${name}`), sampling.logbase);
  }
  return out;
}

// --- early termination ----------------------------------------------------------------------------
//
// Which running trials an early-termination policy stops, and why. The rules follow the Azure ML
// documentation ("Hyperparameter tuning a model (v2)", how-to-tune-hyperparameters, and the SDK reference
// of BanditPolicy, MedianStoppingPolicy and TruncationSelectionPolicy); the sentences relied on are quoted.
//
// Intervals. Interval N of a trial is its N-th primary-metric report ("Each time the training script logs
// the primary metric counts as one interval").
//
// Schedule. The policy is evaluated at interval N when N is a multiple of evaluation_interval and
// N >= delay_evaluation: "If specified, the policy applies every multiple of evaluation_interval that is
// greater than or equal to delay_evaluation", with the docs' examples "delay_evaluation = 5,
// evaluation_interval = 1 … applied at every interval starting at evaluation interval 5" and
// "evaluation_interval = 100 … If delay_evaluation = 200, then the first time the policy will be applied is
// at interval 200". (Earlier code here evaluated at N > delay with (N - delay) a multiple of the interval,
// i.e. first at 6 and 300 in those examples; the docs say otherwise.) evaluation_interval 0, the azure-ai-ml
// default, is taken as 1: every report.
//
// Who is compared at interval N. Every trial — finished ones included, as in Azure ML — that reported a
// finite value at interval N, each with its values up to N only: "when evaluating a run at a interval N, its
// performance is only compared with the performance of other runs up to interval N even if they reported
// metrics for intervals greater than N". A trial with fewer than N reports takes no part at N. NaN and
// ±Infinity never decide anything: a non-finite value at N keeps the trial out of that comparison, and
// non-finite values are skipped in best-so-far values and running averages. A trial this call has already
// stopped (at an earlier interval) takes no further part: Azure would have cancelled it there.
//
// Who may be stopped. Only `candidates` (the running trials; default all). A trial that fails but is not a
// candidate (finished) is left alone, and still counts in the comparison. Each trial gets at most one
// decision: the earliest scheduled interval at which it fails. "Worse" means lower when maximizing, higher
// when minimizing; every test is strict, so a tie never stops a trial.
//
// bandit — "The policy early terminates any runs where the primary metric is not within the specified slack
//   factor/slack amount with respect to the best performing training run", and, for the numbers, "assume that
//   the best performing job at interval 10 reported a primary metric is 0.8 with a goal to maximize the
//   primary metric. If the policy specifies a slack_factor of 0.2, any training jobs whose best metric at
//   interval 10 is less than 0.66 (0.8/(1+slack_factor)) will be terminated". So at interval N:
//   best = the best value reported at N among the compared trials;
//   cutoff = best / (1 + slack_factor) when maximizing, best × (1 + slack_factor) when minimizing (the docs
//   only show maximize; this is its mirror), or best ∓ slack_amount;
//   a trial whose best value up to N ("whose best metric at interval 10"; HyperDrive: "assume the best AUC
//   reported for a run is Y") is worse than the cutoff is stopped.
//   One deviation: the ratio is taken on |best|, so a negative best (e.g. maximizing a negated loss) still
//   puts the cutoff on the worse side of best (max: best − |best|·f/(1+f); min: best + |best|·f); for a
//   best >= 0 this is exactly the docs' formula. Without it a negative best would stop every trial.
// median_stopping — "a run will be canceled at interval N if its best primary metric reported up to interval
//   N is worse than the median of the running averages for intervals 1:N across all runs". The running
//   average of a trial is the mean of its values at intervals 1..N; the median of an even count is the mean
//   of the middle two; the trial itself is one of the runs.
// truncation_selection — "A job terminates at interval 5 if its performance at interval 5 is in the lowest
//   20% of performance of all jobs at interval 5". The docs give no rounding and no minimum number of
//   trials; here the lowest share is floor(compared × truncation_percentage / 100) trials (never more than
//   the percentage, so with 3 trials and 20% nobody is stopped), and a trial is stopped when its value at N
//   is worse than the value kept last (the (compared − share)-th best). Trials tied at that boundary are all
//   kept, so the outcome never depends on input order. The SDK's exclude_finished_jobs is not parsed by
//   job-spec.ts, so finished trials are always ranked (the SDK default, False).

export interface TrialMetrics {
  trial: string;
  /** Primary metric values in reporting order (index = interval - 1). */
  values: number[];
}

export interface TerminationDecision {
  trial: string;
  policy: EarlyTerminationPolicy['type'];
  /** The interval (1-based count of primary-metric reports) at which the policy stopped it. */
  interval: number;
  /** The trial's primary metric value at that interval. */
  value: number;
  /**
   * The numbers that caused it. bandit: {best, cutoff, slackFactor | slackAmount, bestSoFar};
   * median_stopping: {bestSoFar, median, trialsCompared}; truncation_selection: {rank (1 = best),
   * trialsCompared, truncationPercentage, truncatedCount, cutoffValue (the lowest value kept)}.
   */
  numbers: Record<string, number>;
  /** One plain sentence with the numbers, for the person who ran the sweep. */
  reason: string;
}

type Goal = 'maximize' | 'minimize';

/** One trial as compared at interval n: its value there and its finite values at 1..n. */
interface Compared {
  trial: string;
  value: number;
  history: number[];
}

type Failure = Omit<TerminationDecision, 'trial' | 'policy' | 'interval' | 'value'>;

/** Whether the policy is evaluated at interval n (see the schedule rule above). */
function evaluatedAt(policy: EarlyTerminationPolicy, n: number): boolean {
  const every = Math.max(1, Math.floor(policy.evaluationInterval) || 1);
  return n >= policy.delayEvaluation && n % every === 0;
}

/** A number as a person reads it: at most 6 significant digits, no float noise (0.55, not 0.5500000000000001). */
function num(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function worse(goal: Goal, a: number, b: number): boolean {
  return goal === 'maximize' ? a < b : a > b;
}

function bestOf(goal: Goal, xs: number[]): number {
  return xs.reduce((b, x) => (worse(goal, b, x) ? x : b));
}

function banditFailures(policy: Extract<EarlyTerminationPolicy, { type: 'bandit' }>, goal: Goal, metric: string, n: number, compared: Compared[]): Map<string, Failure> {
  const best = bestOf(goal, compared.map((c) => c.value));
  const sign = goal === 'maximize' ? -1 : 1; // the direction of "worse"
  let cutoff: number;
  let how: string;
  let slack: Record<string, number>;
  if (policy.slackAmount !== undefined) {
    cutoff = best + sign * policy.slackAmount;
    how = `best at this interval ${num(best)} ${sign < 0 ? '-' : '+'} slack_amount ${num(policy.slackAmount)}`;
    slack = { slackAmount: policy.slackAmount };
  } else {
    const f = policy.slackFactor ?? 0;
    slack = { slackFactor: f };
    if (best >= 0) {
      cutoff = goal === 'maximize' ? best / (1 + f) : best * (1 + f);
      how = `best at this interval ${num(best)} ${goal === 'maximize' ? '/' : '×'} (1 + slack_factor ${num(f)})`;
    } else {
      cutoff = goal === 'maximize' ? best - (-best * f) / (1 + f) : best - best * f;
      how =
        goal === 'maximize'
          ? `best at this interval ${num(best)} - |${num(best)}| × slack_factor ${num(f)} / (1 + slack_factor ${num(f)})`
          : `best at this interval ${num(best)} + |${num(best)}| × slack_factor ${num(f)}`;
    }
  }
  const out = new Map<string, Failure>();
  for (const c of compared) {
    const bestSoFar = bestOf(goal, c.history);
    if (!worse(goal, bestSoFar, cutoff)) continue;
    out.set(c.trial, {
      numbers: { best, cutoff, ...slack, bestSoFar },
      reason: `bandit policy at interval ${n}: the trial's best ${metric} so far, ${num(bestSoFar)}, is worse than the cutoff ${num(cutoff)} (${how}), goal ${goal}`,
    });
  }
  return out;
}

function medianFailures(goal: Goal, metric: string, n: number, compared: Compared[]): Map<string, Failure> {
  const averages = compared.map((c) => c.history.reduce((s, x) => s + x, 0) / c.history.length).sort((a, b) => a - b);
  const mid = Math.floor(averages.length / 2);
  const median = averages.length % 2 ? averages[mid] : (averages[mid - 1] + averages[mid]) / 2;
  const out = new Map<string, Failure>();
  for (const c of compared) {
    const bestSoFar = bestOf(goal, c.history);
    if (!worse(goal, bestSoFar, median)) continue;
    out.set(c.trial, {
      numbers: { bestSoFar, median, trialsCompared: compared.length },
      reason:
        `median_stopping policy at interval ${n}: the trial's best ${metric} so far, ${num(bestSoFar)}, is worse than ${num(median)}, ` +
        `the median of the running averages over ${n === 1 ? 'interval 1' : `intervals 1-${n}`} of the ${compared.length} trials that reached interval ${n}, goal ${goal}`,
    });
  }
  return out;
}

function truncationFailures(policy: Extract<EarlyTerminationPolicy, { type: 'truncation_selection' }>, goal: Goal, metric: string, n: number, compared: Compared[]): Map<string, Failure> {
  const out = new Map<string, Failure>();
  const truncated = Math.floor((compared.length * policy.truncationPercentage) / 100);
  if (truncated < 1) return out;
  const bestFirst = compared.map((c) => c.value).sort((a, b) => (worse(goal, a, b) ? 1 : worse(goal, b, a) ? -1 : 0));
  const cutoffValue = bestFirst[compared.length - truncated - 1];
  for (const c of compared) {
    if (!worse(goal, c.value, cutoffValue)) continue;
    const rank = 1 + compared.filter((o) => worse(goal, c.value, o.value)).length;
    out.set(c.trial, {
      numbers: { rank, trialsCompared: compared.length, truncationPercentage: policy.truncationPercentage, truncatedCount: truncated, cutoffValue },
      reason:
        `truncation_selection policy at interval ${n}: ${metric} ${num(c.value)} ranks ${rank} of the ${compared.length} trials at this interval, ` +
        `in the lowest ${policy.truncationPercentage}% (${truncated} trial${truncated === 1 ? '' : 's'}, rounded down): ` +
        `worse than ${num(cutoffValue)}, the lowest value kept, goal ${goal}`,
    });
  }
  return out;
}

/**
 * The trials the policy stops, each once, at the earliest scheduled interval at which it fails, with the
 * numbers and a sentence saying why (rules in the comment above). `trials` holds every trial's primary
 * metric values, finished trials included; only `candidates` (default: all) can be stopped. `metric` names
 * the primary metric in the sentences (default "primary metric"). Ordered by interval, then input order.
 */
export function earlyTerminationDecisions(
  policy: EarlyTerminationPolicy,
  goal: Goal,
  trials: TrialMetrics[],
  opts: { candidates?: ReadonlySet<string>; metric?: string } = {},
): TerminationDecision[] {
  const metric = opts.metric ?? 'primary metric';
  const stopped = new Set<string>();
  const decisions: TerminationDecision[] = [];
  const maxLen = Math.max(0, ...trials.map((t) => t.values.length));
  for (let n = 1; n <= maxLen; n++) {
    if (!evaluatedAt(policy, n)) continue;
    const compared: Compared[] = trials
      .filter((t) => !stopped.has(t.trial) && Number.isFinite(t.values[n - 1]))
      .map((t) => ({ trial: t.trial, value: t.values[n - 1], history: t.values.slice(0, n).filter(Number.isFinite) }));
    if (compared.length === 0) continue;
    const failures =
      policy.type === 'bandit'
        ? banditFailures(policy, goal, metric, n, compared)
        : policy.type === 'median_stopping'
          ? medianFailures(goal, metric, n, compared)
          : truncationFailures(policy, goal, metric, n, compared);
    for (const c of compared) {
      const failure = failures.get(c.trial);
      if (!failure || (opts.candidates && !opts.candidates.has(c.trial))) continue;
      stopped.add(c.trial);
      decisions.push({ trial: c.trial, policy: policy.type, interval: n, value: c.value, ...failure });
    }
  }
  return decisions;
}
