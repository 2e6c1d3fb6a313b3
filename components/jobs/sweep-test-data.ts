// Test data shared by the sweep pages' tests: the bandit policy's stop of trial 5 of
// test/fixtures/sweeps/sweep-bandit.yml (depth 4, width 9), as the server records it.
import type { TrialDto } from './sweep-model';

export const BANDIT_STOP: NonNullable<TrialDto['termination']> = {
  policy: 'bandit',
  reason: "bandit policy at interval 2: the trial's best val_loss so far, 0.49, is worse than the cutoff 0.462 (0.21 × (1 + 1.2)), goal minimize",
  interval: 2,
  value: 0.49,
  numbers: { best: 0.21, cutoff: 0.462, slackFactor: 1.2, bestSoFar: 0.49 },
  at: '2026-03-01T10:00:20Z',
};
