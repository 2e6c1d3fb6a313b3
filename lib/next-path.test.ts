import { describe, expect, it } from 'vitest';
import { MAX_NEXT_LENGTH, safeNextPath } from './next-path';

// What the login page receives in `sp.next`: the query value, already percent-decoded once by the framework.
// `raw` cases are written as they appear after that decoding.
describe('safeNextPath keeps paths on this console', () => {
  it.each([
    ['/', '/'],
    ['/w/vision/jobs?x=1', '/w/vision/jobs?x=1'],
    ['/w/vision/jobs/train-1?tab=logs#end', '/w/vision/jobs/train-1?tab=logs#end'],
    ['/ops/users', '/ops/users'],
    ['/w/vision/jobs?q=a%20b&next=//elsewhere', '/w/vision/jobs?q=a%20b&next=//elsewhere'],
    ['/w/vision/jobs?q=%5C', '/w/vision/jobs?q=%5C'], // an encoded backslash in the query is text, not a path
    ['/w/vision/../ops', '/w/ops'], // normalized as the browser would
    ['/a%2Fb', '/a%2Fb'],
  ])('%s → %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe('safeNextPath refuses everything that could leave it', () => {
  it.each([
    // Another host, spelled the ways browsers accept.
    ['//evil.com'],
    ['///evil.com'],
    ['/\\evil.com'], // what `?next=/%5Cevil.com` arrives as
    ['\\\\evil.com'],
    ['/\\/evil.com'],
    ['\\/evil.com'],
    ['https://evil.com'],
    ['http:evil.com'],
    ['HTTPS://evil.com/w/vision'],
    ['evil.com'],
    ['//evil.com/%2F..'],
    ['/.//evil.com'], // normalizes to //evil.com
    ['/./\\evil.com'],
    // Other schemes.
    ['javascript:alert(1)'],
    ['JavaScript:alert(1)'],
    [' javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    // Tabs, newlines and other controls (browsers drop tabs and newlines: `/\t/evil.com` is `//evil.com`).
    ['/\t/evil.com'],
    ['/\n/evil.com'],
    ['/\r\n/evil.com'],
    ['/\u0000/evil.com'],
    ['/ /evil.com'],
    ['\t//evil.com'],
    // Encoded variants (decoded once more, or twice encoded).
    ['/%5Cevil.com'],
    ['/%5cevil.com'],
    ['/%255Cevil.com'],
    ['/%2F/evil.com'],
    ['/%2f%2fevil.com'],
    ['/%252F/evil.com'],
    ['/%09/evil.com'],
    ['/%0A/evil.com'],
    ['/%00'],
    ['/%E0%A4%A'], // malformed escape
    // Nothing, or not a string.
    [''],
    [undefined],
    [null],
    [['/w/vision', '//evil.com']],
    [42],
  ])('%j', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });

  it('refuses over-long values and takes another fallback', () => {
    expect(safeNextPath('/' + 'a'.repeat(MAX_NEXT_LENGTH))).toBe('/');
    expect(safeNextPath('//evil.com', '/w/vision')).toBe('/w/vision');
  });

  it('never returns anything but a same-origin path, whatever it is given', () => {
    // Seeded random strings over the characters that matter.
    const alphabet = ['/', '\\', '%', '2', 'F', '5', 'C', 'c', 'f', '0', '9', 'A', '.', ':', '?', '#', '@', 'e', '\t', '\n', ' ', 'h', 't', 'p', 's', 'j'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 20_000; i++) {
      const s = Array.from({ length: 1 + rnd(12) }, () => alphabet[rnd(alphabet.length)]).join('');
      const out = safeNextPath(s);
      expect(out.startsWith('/') && !out.startsWith('//') && !out.startsWith('/\\')).toBe(true);
      const resolved = new URL(out, 'https://console.example.com');
      expect(resolved.origin).toBe('https://console.example.com');
    }
  });
});
