import { describe, expect, it } from 'vitest';
import { loadPyYaml, pathKey, YamlTimestamp } from './yaml';

function load(text: string) {
  const r = loadPyYaml(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

describe('loadPyYaml reads scalars as PyYAML safe_load (YAML 1.1) does', () => {
  it('types plain scalars like PyYAML, not like YAML 1.2', () => {
    const { value } = load(
      ['a: yes', 'b: off', 'c: 1e-5', 'd: 1.0e-5', 'e: 0x1F', 'f: 017', 'g: 1_000', 'i: 10.0', 'k: ~', 'l: 1:20', 'n: y', 'o: 12e3', 'p: "5"'].join('\n'),
    );
    expect(value).toEqual({ a: true, b: false, c: '1e-5', d: 1e-5, e: 31, f: 15, g: 1000, i: 10, k: null, l: 80, n: 'y', o: '12e3', p: '5' });
  });

  it('remembers which numbers are floats', () => {
    const r = load('inputs:\n  a: 10.0\n  b: 10\n  c: [1.5, 2]\n');
    expect(r.floatPaths.has(pathKey(['inputs', 'a']))).toBe(true);
    expect(r.floatPaths.has(pathKey(['inputs', 'b']))).toBe(false);
    expect(r.floatPaths.has(pathKey(['inputs', 'c', 0]))).toBe(true);
    expect(r.floatPaths.has(pathKey(['inputs', 'c', 1]))).toBe(false);
  });

  it('turns dates into timestamps (not strings), as PyYAML does', () => {
    expect(load('d: 2024-01-31\n').value.d).toBeInstanceOf(YamlTimestamp);
  });

  it('honours explicit tags', () => {
    expect(load('a: !!str 5\nb: !!float 5\n').value).toEqual({ a: '5', b: 5 });
    expect(load('b: !!float 5\n').floatPaths.has(pathKey(['b']))).toBe(true);
  });

  it('keeps the last of duplicate keys and warns, naming what is dropped', () => {
    const r = load('env:\n  A: 1\nx: 1\nenv:\n  B: 2\n');
    expect(r.value.env).toEqual({ B: 2 });
    expect(Object.keys(r.value)).toEqual(['env', 'x']);
    expect(r.warnings).toEqual([{ path: 'env', message: expect.stringMatching(/appears twice \(lines 1 and 4\).*A from the first one is dropped/) }]);
  });

  it('resolves anchors, aliases and merge keys', () => {
    const { value } = load('base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\ncopy: *b\n');
    expect(value.other).toEqual({ x: 1, y: 3 });
    expect(value.copy).toEqual({ x: 1, y: 2 });
  });

  it('refuses syntax errors with the line, several documents, and non-mappings', () => {
    const bad = loadPyYaml('a: [1, 2\nb: 3\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].message).toMatch(/YAML syntax error at line \d+/);
    const multi = loadPyYaml('a: 1\n---\nb: 2\n');
    expect(!multi.ok && multi.errors[0].message).toMatch(/several YAML documents/);
    const list = loadPyYaml('- a\n- b\n');
    expect(!list.ok && list.errors[0].message).toMatch(/must be a YAML mapping/);
    const empty = loadPyYaml('# nothing\n');
    expect(!empty.ok && empty.errors[0].message).toMatch(/empty/);
  });
});
