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

export interface TrialMetrics {
  trial: string;
  /** Primary metric values in reporting order (index = interval - 1). */
  values: number[];
}

/**
 * Trials to cancel now, under Azure ML's policies. Evaluated at interval n when n > delayEvaluation and
 * (n - delayEvaluation) is a multiple of evaluationInterval, on each trial's value at interval n.
 * - bandit: cancel when worse than the best value at n by more than slack_factor (ratio) or slack_amount;
 * - median_stopping: cancel when the trial's best so far is worse than the median of all trials' running
 *   averages up to n;
 * - truncation_selection: cancel the worst truncation_percentage % of trials at n.
 */
export function trialsToTerminate(policy: EarlyTerminationPolicy, goal: 'maximize' | 'minimize', trials: TrialMetrics[]): string[] {
  const better = (a: number, b: number) => (goal === 'maximize' ? a > b : a < b);
  const doomed = new Set<string>();
  const maxLen = Math.max(0, ...trials.map((t) => t.values.length));
  for (let n = 1; n <= maxLen; n++) {
    if (n <= policy.delayEvaluation || (n - policy.delayEvaluation) % Math.max(1, policy.evaluationInterval) !== 0) continue;
    const at = trials.filter((t) => t.values.length >= n && !doomed.has(t.trial));
    if (at.length < 2) continue;
    const current = at.map((t) => ({ trial: t.trial, v: t.values[n - 1], history: t.values.slice(0, n) }));
    if (policy.type === 'bandit') {
      const best = current.reduce((b, c) => (better(c.v, b) ? c.v : b), current[0].v);
      let cutoff: number;
      if (policy.slackAmount !== undefined) cutoff = goal === 'maximize' ? best - policy.slackAmount : best + policy.slackAmount;
      else {
        const f = policy.slackFactor ?? 0;
        cutoff = goal === 'maximize' ? best / (1 + f) : best * (1 + f);
      }
      for (const c of current) if (better(cutoff, c.v)) doomed.add(c.trial);
    } else if (policy.type === 'median_stopping') {
      const averages = current.map((c) => c.history.reduce((s, x) => s + x, 0) / c.history.length).sort((a, b) => a - b);
      const mid = Math.floor(averages.length / 2);
      const median = averages.length % 2 ? averages[mid] : (averages[mid - 1] + averages[mid]) / 2;
      for (const c of current) {
        const bestSoFar = c.history.reduce((b, x) => (better(x, b) ? x : b), c.history[0]);
        if (better(median, bestSoFar)) doomed.add(c.trial);
      }
    } else {
      const ranked = [...current].sort((a, b) => (better(a.v, b.v) ? -1 : better(b.v, a.v) ? 1 : 0));
      const cut = Math.floor((ranked.length * policy.truncationPercentage) / 100);
      for (const c of ranked.slice(ranked.length - cut)) doomed.add(c.trial);
    }
  }
  return [...doomed];
}
