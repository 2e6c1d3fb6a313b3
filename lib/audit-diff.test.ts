import { describe, expect, it } from 'vitest';
import { diffLines } from './audit-diff';

describe('diffLines', () => {
  it('shows added, removed and changed fields by path', () => {
    expect(diffLines({ status: 'active', a: { b: 1 } }, { status: 'disabled', c: true })).toEqual([
      { path: 'a.b', kind: 'removed', before: '1' },
      { path: 'c', kind: 'added', after: 'true' },
      { path: 'status', kind: 'changed', before: '"active"', after: '"disabled"' },
    ]);
  });
  it('is empty when nothing changed', () => {
    expect(diffLines({ x: 1 }, { x: 1 })).toEqual([]);
  });
});
