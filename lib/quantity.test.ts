import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['700m', 0.7], ['2', 2], ['1.5Gi', 1.5 * 2 ** 30], ['512Mi', 512 * 2 ** 20], ['2G', 2e9], ['1e3', 1000], [4, 4],
  ])('accepts %s', (q, v) => {
    const r = parseQuantity(q);
    expect(r.ok && r.value).toBeCloseTo(v as number);
  });
  it.each(['2 GB', '2GB', 'abc', '', '1.5 Gi', '--1'])('refuses %s with a reason', (q) => {
    const r = parseQuantity(q);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/quantity/);
  });
});
