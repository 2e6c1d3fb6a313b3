import { describe, expect, it } from 'vitest';
import { checkCommand, findBindings, pythonFloatRepr, pythonStr, renderCommand } from './command-template';

const ctx = (inputs: Record<string, boolean>, outputs: string[] = [], searchSpace?: string[]) => ({
  inputs,
  outputs: new Set(outputs),
  searchSpace: searchSpace ? new Set(searchSpace) : undefined,
});

describe('findBindings', () => {
  it('finds inputs, outputs and search_space bindings, with or without spaces inside the braces', () => {
    const { bindings } = findBindings('python t.py --a ${{inputs.a}} --o ${{ outputs.model }} --lr ${{search_space.lr}}');
    expect(bindings.map((b) => [b.kind, b.name])).toEqual([
      ['inputs', 'a'],
      ['outputs', 'model'],
      ['search_space', 'lr'],
    ]);
  });

  it('marks bindings inside $[[ … ]] as optional', () => {
    const { bindings } = findBindings('run ${{inputs.a}} $[[--b ${{inputs.b}}]]');
    expect(bindings.map((b) => [b.name, b.optional])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('reads the deprecated single-brace form', () => {
    const { bindings } = findBindings('run {inputs.a} ${{inputs.b}}');
    expect(bindings.map((b) => [b.name, b.legacy])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('checkCommand', () => {
  it('accepts a command whose bindings are all declared and reports what it uses', () => {
    const r = checkCommand('python t.py ${{inputs.a}} ${{outputs.m}}', ctx({ a: true, unused: true }, ['m']));
    expect(r.errors).toEqual([]);
    expect([...r.used.inputs]).toEqual(['a']);
  });

  it('refuses an undeclared input, output or search-space parameter, naming it', () => {
    expect(checkCommand('x ${{inputs.nope}}', ctx({})).errors[0]).toMatch(/input "nope" that is not declared/);
    expect(checkCommand('x ${{outputs.nope}}', ctx({})).errors[0]).toMatch(/output "nope"/);
    expect(checkCommand('x ${{search_space.nope}}', ctx({}, [], ['lr'])).errors[0]).toMatch(/"nope", which is not a parameter of search_space/);
  });

  it('refuses search_space bindings outside a sweep and bindings of unknown kinds', () => {
    expect(checkCommand('x ${{search_space.lr}}', ctx({})).errors[0]).toMatch(/only be used in the trial command of a sweep/);
    expect(checkCommand('x ${{parent.inputs.a}}', ctx({})).errors[0]).toMatch(/not a binding a job can use/);
  });

  it('lets an optional block refer to an input that is not declared', () => {
    expect(checkCommand('x $[[--b ${{inputs.b}}]]', ctx({})).errors).toEqual([]);
  });

  it('refuses an unterminated optional block', () => {
    expect(checkCommand('x $[[--b ${{inputs.b}}', ctx({ b: true })).errors[0]).toMatch(/not closed/);
  });

  it('warns about the deprecated single-brace form', () => {
    expect(checkCommand('x {inputs.a}', ctx({ a: true })).warnings[0]).toMatch(/deprecated single-brace/);
  });
});

describe('renderCommand', () => {
  const values = { inputs: { a: '0.1', data: '/mnt/azureml/inputs/data/iris.csv' }, outputs: { m: '/mnt/azureml/outputs/m' } };

  it('substitutes values verbatim, as Azure ML does (no quoting added)', () => {
    expect(renderCommand('python t.py --lr ${{inputs.a}} --data ${{ inputs.data }} --out ${{outputs.m}}', values)).toBe(
      'python t.py --lr 0.1 --data /mnt/azureml/inputs/data/iris.csv --out /mnt/azureml/outputs/m',
    );
  });

  it('keeps an optional block whose inputs are given, without its markers', () => {
    expect(renderCommand('run $[[--lr ${{inputs.a}}]] end', values)).toBe('run --lr 0.1 end');
  });

  it('drops an optional block whose input is missing or null', () => {
    expect(renderCommand('run $[[--seed ${{inputs.seed}}]] end', values)).toBe('run  end');
    expect(renderCommand('run $[[--seed ${{inputs.seed}}]]', { ...values, inputs: { ...values.inputs, seed: null } })).toBe('run ');
  });

  it('drops a block when any of its inputs is missing', () => {
    expect(renderCommand('run $[[--a ${{inputs.a}} --b ${{inputs.b}}]]', values)).toBe('run ');
  });

  it('replaces the single-brace form too', () => {
    expect(renderCommand('run {inputs.a}', values)).toBe('run 0.1');
  });

  it('substitutes search_space values in trial commands', () => {
    expect(renderCommand('t --lr ${{search_space.lr}}', { inputs: {}, outputs: {}, searchSpace: { lr: '0.05' } })).toBe('t --lr 0.05');
  });

  it('throws when a required binding has no value', () => {
    expect(() => renderCommand('run ${{inputs.missing}}', values)).toThrow(/without a value/);
  });
});

describe('Python str() of literals (what Azure ML substitutes)', () => {
  // Expected strings are CPython 3.11's repr()/str() of the same values.
  it.each([
    [0.1, '0.1'],
    [10.0, '10.0'],
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [123456789.123, '123456789.123'],
    [0.0001, '0.0001'],
    [0.0001 * 0.99, '9.900000000000001e-05'],
    [2.5e-7, '2.5e-07'],
    [1e22, '1e+22'],
    [-0.5, '-0.5'],
    [1 / 3, '0.3333333333333333'],
    [1234567890123456.0, '1234567890123456.0'],
    [12345678901234567.0, '1.2345678901234568e+16'],
  ])('repr(%s) is %s', (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });

  it('writes booleans as True/False and integers without a fraction', () => {
    expect(pythonStr(true, false)).toBe('True');
    expect(pythonStr(false, false)).toBe('False');
    expect(pythonStr(10, false)).toBe('10');
    expect(pythonStr(10, true)).toBe('10.0');
    expect(pythonStr(1e21, false)).toBe('1000000000000000000000');
  });
});
