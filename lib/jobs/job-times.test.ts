import { describe, expect, it } from 'vitest';
import { jobTimes, timeline, timeSummary, type TimedJob } from './job-times';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const base: TimedJob = { status: 'Queued', createdAt: at(0), startedAt: at(1), finishedAt: null, transitions: [{ status: 'Queued', message: 'waiting', at: at(0) }] };

describe('times that fit the status', () => {
  it('a queued job reads "queued for", never a start — even though its Kubernetes Job has a start time', () => {
    const s = timeSummary(base, T0 + 52_000);
    expect(s).toBe('Queued for 52s');
    expect(s).not.toMatch(/start|ran|running/i);
    expect(jobTimes(base, T0 + 52_000)).toMatchObject({ queuedMs: 52_000, queueEnd: null, runStart: null, runMs: null, endedAt: null });
  });

  it('a running job: time in the queue, then running for', () => {
    const j: TimedJob = { ...base, status: 'Running', transitions: [...base.transitions!, { status: 'Preparing', message: null, at: at(30) }, { status: 'Running', message: null, at: at(40) }] };
    expect(timeSummary(j, T0 + 100_000)).toBe('Queued 30s · running for 1m 00s');
    expect(timeSummary({ ...j, status: 'Preparing', transitions: j.transitions!.slice(0, 2) }, T0 + 35_000)).toBe('Queued 30s · preparing for 5s');
  });

  it('an ended job: how long it ran and waited, measured to its end', () => {
    const j: TimedJob = {
      ...base,
      status: 'Completed',
      finishedAt: at(200),
      transitions: [...base.transitions!, { status: 'Running', message: null, at: at(20) }, { status: 'Completed', message: null, at: at(200) }],
    };
    expect(timeSummary(j, T0 + 10_000_000)).toBe('Ran for 3m 00s (queued 20s)');
    const canceled: TimedJob = { ...base, status: 'Canceled', finishedAt: at(90), transitions: [...base.transitions!, { status: 'Canceled', message: 'canceled by a user', at: at(90) }] };
    expect(timeSummary(canceled, T0 + 10_000_000)).toBe('Canceled after 1m 30s in the queue');
    expect(jobTimes(canceled, 0).runMs).toBeNull();
  });

  it('a job too quick for a Running transition takes its run start from its pods', () => {
    const j: TimedJob = { ...base, status: 'Completed', finishedAt: at(12), transitions: [...base.transitions!, { status: 'Completed', message: null, at: at(12) }], ranks: [{ startedAt: at(5), finishedAt: at(11) }] };
    expect(jobTimes(j, 0)).toMatchObject({ runStart: at(5), runMs: 7000, queuedMs: 12_000 });
  });
});

describe('the status timeline', () => {
  it('lists transitions oldest first with how long each lasted; the current one runs until now, an end state has no length', () => {
    const j: TimedJob = { ...base, status: 'Running', transitions: [{ status: 'Running', message: null, at: at(40) }, { status: 'Queued', message: 'waiting', at: at(0) }] };
    expect(timeline(j, T0 + 100_000)).toEqual([
      { status: 'Queued', message: 'waiting', at: at(0), durationMs: 40_000, current: false },
      { status: 'Running', message: null, at: at(40), durationMs: 60_000, current: true },
    ]);
    const done = timeline({ ...j, status: 'Failed', transitions: [...j.transitions!, { status: 'Failed', message: 'exit 3', at: at(70) }] }, T0 + 999_000);
    expect(done.at(-1)).toEqual({ status: 'Failed', message: 'exit 3', at: at(70), durationMs: null, current: true });
    expect(timeline({ ...base, transitions: [] }, T0 + 5000)).toEqual([{ status: 'Queued', message: null, at: at(0), durationMs: 5000, current: true }]);
  });
});
