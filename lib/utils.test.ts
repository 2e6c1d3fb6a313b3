import { describe, expect, it } from 'vitest';
import { cn } from './utils';

describe('cn', () => {
  it('lets a later utility override an earlier one of the same property', () => {
    expect(cn('px-2 py-1', 'px-4')).toBe('py-1 px-4');
    expect(cn('text-sm text-foreground', 'text-danger-text')).toBe('text-sm text-danger-text');
  });

  it('drops falsy values and flattens conditionals', () => {
    const disabled = false;
    expect(cn('a', disabled && 'b', undefined, null, ['c', { d: true, e: false }])).toBe('a c d');
  });

  it('keeps utilities of different properties', () => {
    expect(cn('border', 'border-border', 'rounded-md')).toBe('border border-border rounded-md');
  });
});
