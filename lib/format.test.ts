import { describe, expect, it } from 'vitest';
import {
  formatAbsoluteTime, formatAmountOf, formatCapacityFree, formatCount, formatDuration, formatDurationBetween, formatGpus,
  formatIsoUtc, formatPercent, formatRelativeTime, formatResource, formatUtcShort, pluralize,
} from './format';

const NOW = new Date('2025-11-28T14:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('formatRelativeTime', () => {
  it('reads like a person would say it', () => {
    expect(formatRelativeTime(ago(2_000), NOW)).toBe('just now');
    expect(formatRelativeTime(ago(3_000 + 5_000), NOW)).toBe('8 s ago');
    expect(formatRelativeTime(ago(3 * 60_000), NOW)).toBe('3 min ago');
    expect(formatRelativeTime(ago(5 * 3_600_000 + 59 * 60_000), NOW)).toBe('5 h ago');
    expect(formatRelativeTime(ago(4 * 86_400_000), NOW)).toBe('4 d ago');
    expect(formatRelativeTime(ago(65 * 86_400_000), NOW)).toBe('2 mo ago');
    expect(formatRelativeTime(ago(800 * 86_400_000), NOW)).toBe('2 y ago');
  });

  it('never rounds up: 59.9 s is still seconds, 119 s is 1 min', () => {
    expect(formatRelativeTime(ago(59_900), NOW)).toBe('59 s ago');
    expect(formatRelativeTime(ago(119_000), NOW)).toBe('1 min ago');
  });

  it('accepts ISO strings and epoch numbers, and speaks of the future', () => {
    expect(formatRelativeTime('2025-11-28T13:50:00Z', NOW)).toBe('10 min ago');
    expect(formatRelativeTime(NOW.getTime() + 2 * 3_600_000, NOW.getTime())).toBe('in 2 h');
  });

  it('shows a dash for an unparseable time instead of "NaN"', () => {
    expect(formatRelativeTime('not a date', NOW)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('uses two units with a zero-padded second unit', () => {
    expect(formatDuration(62 * 60_000)).toBe('1h 02m');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12m 05s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000)).toBe('3d 04h');
  });

  it('handles the edges', () => {
    expect(formatDuration(400)).toBe('<1s');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(3_600_000)).toBe('1h 00m');
  });

  it('measures between two instants', () => {
    expect(formatDurationBetween('2025-11-28T12:00:00Z', '2025-11-28T13:02:30Z')).toBe('1h 02m');
  });
});

describe('absolute times', () => {
  it('formats local time in the requested zone with its abbreviation', () => {
    const text = formatAbsoluteTime('2025-11-28T13:59:07Z', { timeZone: 'UTC' });
    expect(text).toContain('28 Nov 2025');
    expect(text).toContain('13:59:07');
    expect(text).toContain('UTC');
    expect(formatAbsoluteTime('2025-11-28T13:59:07Z', { timeZone: 'Europe/Berlin' })).toContain('14:59:07');
  });

  it('formats a deterministic UTC label for server rendering', () => {
    expect(formatUtcShort('2025-01-02T03:04:59.999Z')).toBe('2025-01-02 03:04 UTC');
  });

  it('exports ISO 8601 UTC without milliseconds', () => {
    expect(formatIsoUtc(new Date('2025-11-28T13:59:07.123Z'))).toBe('2025-11-28T13:59:07Z');
    expect(formatIsoUtc('garbage')).toBe('');
  });
});

describe('counts and units', () => {
  it('groups thousands and pluralizes', () => {
    expect(formatCount(10000)).toBe('10,000');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(pluralize(1, 'GPU')).toBe('1 GPU');
    expect(pluralize(0, 'GPU')).toBe('0 GPUs');
    expect(pluralize(2, 'query', 'queries')).toBe('2 queries');
  });

  it('formats GPUs as whole numbers with the model when known', () => {
    expect(formatGpus(2)).toBe('2 GPUs');
    expect(formatGpus(1)).toBe('1 GPU');
    expect(formatGpus(4, 'NVIDIA A100')).toBe('4 × NVIDIA A100');
  });

  it('formats resources in their display units', () => {
    expect(formatResource('cpu', 0.5)).toBe('0.5 cores');
    expect(formatResource('cpu', 1)).toBe('1 core');
    expect(formatResource('memory', 16 * 2 ** 30)).toBe('16.0 GiB');
    expect(formatResource('gpu', 3)).toBe('3 GPUs');
  });

  it('says how much capacity is free', () => {
    expect(formatCapacityFree('gpu', 3, 8)).toBe('3 of 8 GPUs free');
    expect(formatCapacityFree('gpu', 0, 1)).toBe('0 of 1 GPU free');
    expect(formatCapacityFree('cpu', 2.5, 16)).toBe('2.5 of 16 cores free');
    expect(formatCapacityFree('memory', 12 * 2 ** 30, 64 * 2 ** 30)).toBe('12.0 of 64.0 GiB free');
    // Over-committed requests never read as negative free capacity.
    expect(formatCapacityFree('gpu', -2, 8)).toBe('0 of 8 GPUs free');
  });

  it('reads amounts against a total in the total\'s unit', () => {
    expect(formatAmountOf('gpu', 6, 16)).toBe('6 of 16 GPUs');
    expect(formatAmountOf('cpu', 2.5, 16)).toBe('2.5 of 16 cores');
    expect(formatAmountOf('memory', 12 * 2 ** 30, 64 * 2 ** 30)).toBe('12.0 of 64.0 GiB');
  });

  it('formats ratios as whole percentages', () => {
    expect(formatPercent(0.625)).toBe('63%');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('—');
  });
});
