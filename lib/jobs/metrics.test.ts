import { describe, expect, it } from 'vitest';
import { MetricReader, parseMetricLine } from './metrics';

describe('metric lines', () => {
  it('reads name=value with an optional step', () => {
    expect(parseMetricLine('HARBORMASTER_METRIC val_loss=0.21 step=3')).toEqual({ ok: true, name: 'val_loss', value: 0.21, step: 3 });
    expect(parseMetricLine('  HARBORMASTER_METRIC accuracy=9.5e-1\r')).toEqual({ ok: true, name: 'accuracy', value: 0.95 });
    expect(parseMetricLine('HARBORMASTER_METRIC train/loss=-1')).toEqual({ ok: true, name: 'train/loss', value: -1 });
  });

  it('other lines are not metrics at all', () => {
    expect(parseMetricLine('epoch 3: val_loss=0.21')).toBeUndefined();
    expect(parseMetricLine('HARBORMASTER_METRICS loss=1')).toBeUndefined();
    expect(parseMetricLine('')).toBeUndefined();
  });

  it('metric lines that do not parse say why', () => {
    for (const bad of ['HARBORMASTER_METRIC', 'HARBORMASTER_METRIC loss', 'HARBORMASTER_METRIC loss=abc', 'HARBORMASTER_METRIC loss=nan', 'HARBORMASTER_METRIC loss=1e999', 'HARBORMASTER_METRIC loss=1 step=x', 'HARBORMASTER_METRIC loss=1 step=2 extra', 'HARBORMASTER_METRIC 1x=2']) {
      const r = parseMetricLine(bad);
      expect(r, bad).toMatchObject({ ok: false });
      expect((r as { reason: string }).reason.length).toBeGreaterThan(5);
    }
  });
});

describe('reading a log as it arrives', () => {
  const log = ['starting', 'HARBORMASTER_METRIC loss=0.9', 'HARBORMASTER_METRIC acc=0.5 step=10', 'HARBORMASTER_METRIC loss=0.7', 'HARBORMASTER_METRIC loss=oops', 'HARBORMASTER_METRIC loss=0.5 step=7', 'done'].join('\n');

  it('numbers each name’s values (seq = interval) and defaults the step to it; bad lines are counted', () => {
    const r = new MetricReader();
    const points = [...r.push(log), ...r.end()];
    expect(points).toEqual([
      { name: 'loss', seq: 1, step: 1, value: 0.9 },
      { name: 'acc', seq: 1, step: 10, value: 0.5 },
      { name: 'loss', seq: 2, step: 2, value: 0.7 },
      { name: 'loss', seq: 3, step: 7, value: 0.5 },
    ]);
    expect(r.ignored).toBe(1);
  });

  it('gives the same points whatever the chunking (split inside lines and UTF-8 characters)', () => {
    const bytes = new TextEncoder().encode(`héllo wörld\n${log}\nHARBORMASTER_METRIC loss=0.4`);
    const whole = new MetricReader();
    const expected = [...whole.push(bytes), ...whole.end()];
    for (const size of [1, 2, 3, 7, 64]) {
      const r = new MetricReader();
      const got = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...r.push(bytes.slice(i, i + size)));
      got.push(...r.end());
      expect(got, `chunks of ${size}`).toEqual(expected);
      expect(r.ignored).toBe(whole.ignored);
    }
    expect(expected.at(-1)).toEqual({ name: 'loss', seq: 4, step: 4, value: 0.4 });
  });

  it('a huge line without a newline is not kept whole', () => {
    const r = new MetricReader();
    r.push('x'.repeat(1_000_000));
    expect(r.push('\nHARBORMASTER_METRIC loss=1\n')).toEqual([{ name: 'loss', seq: 1, step: 1, value: 1 }]);
  });
});
