import { describe, expect, it } from 'vitest';
import { describeTraffic, promote, sameTraffic, splitTwo, trafficOf, trafficProblem, trafficSegments } from './traffic';

describe('traffic', () => {
  it('lists every deployment with its share, absent ones at 0', () => {
    expect(trafficOf({ green: 10, blue: 90 }, ['blue', 'green', 'red'])).toEqual({ blue: 90, green: 10, red: 0 });
    expect(Object.keys(trafficOf({ old: 5 }, ['blue']))).toEqual(['blue', 'old']);
  });
  it('splits two ways with one slider, clamped to whole percents', () => {
    expect(splitTwo(['blue', 'green'], 90)).toEqual({ blue: 90, green: 10 });
    expect(splitTwo(['blue', 'green'], 120.4)).toEqual({ blue: 100, green: 0 });
    expect(splitTwo(['blue', 'green'], 33.6)).toEqual({ blue: 34, green: 66 });
  });
  it('promotes one deployment', () => {
    expect(promote(['blue', 'green'], 'green')).toEqual({ blue: 0, green: 100 });
  });
  it('says what is wrong with a split', () => {
    expect(trafficProblem({ blue: 90, green: 10 })).toBeNull();
    expect(trafficProblem({ blue: 0, green: 0 })).toBeNull();
    expect(trafficProblem({ blue: 80, green: 10 })).toMatch(/10 % is not assigned/);
    expect(trafficProblem({ blue: 80, green: 30 })).toMatch(/10 % too much/);
    expect(trafficProblem({ blue: 50.5, green: 49.5 })).toMatch(/whole percent/);
  });
  it('compares splits treating absent as 0', () => {
    expect(sameTraffic({ blue: 100 }, { blue: 100, green: 0 })).toBe(true);
    expect(sameTraffic({ blue: 90, green: 10 }, { blue: 100 })).toBe(false);
  });
  it('describes and segments a split', () => {
    expect(trafficSegments({ blue: 90, green: 0, red: 10 })).toEqual([
      { name: 'blue', percent: 90, index: 0 },
      { name: 'red', percent: 10, index: 2 },
    ]);
    expect(describeTraffic({ blue: 90, green: 10 })).toBe('blue 90 % · green 10 %');
    expect(describeTraffic({ blue: 0 })).toBe('no traffic');
  });
});
