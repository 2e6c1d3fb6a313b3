import { describe, expect, it } from 'vitest';
import { prettyBody } from './test-body';

describe('prettyBody', () => {
  it('indents JSON and leaves the rest', () => {
    expect(prettyBody('[1,2]', 'application/json')).toBe('[\n  1,\n  2\n]');
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('{not json', 'application/json')).toBe('{not json');
    expect(prettyBody('hello', 'text/plain')).toBe('hello');
  });
});
