import { describe, expect, it } from 'vitest';
import YAML, { isAlias, parseAllDocuments, parseDocument, visit, type Alias, type Document } from 'yaml';
import { aliasBomb, aliasBombNodes, nestingBomb } from '@/test/yaml-bombs';
import { parseYaml, readYamlDocument, readYamlDocuments, YAML_MAX_DEPTH, YAML_MAX_NODES, YamlLimitError } from './yaml-limits';
import { loadPyYaml } from './aml/yaml';
import { parseJobYaml } from './aml/job-spec';
import { parseModelYaml } from './aml/model-spec';
import { parseInstanceTypeYaml } from './instance-types/schema';
import { parseKubeconfig } from './clusters/kubeconfig';
import { cloneDocument } from './jobs/clone';

function refusal(f: () => unknown): YamlLimitError {
  try {
    f();
  } catch (e) {
    if (e instanceof YamlLimitError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('the node cap counts nodes after expanding aliases', () => {
  it('counts every scalar, mapping and sequence, keys included, and an alias as the size of what it refers to', () => {
    // root map, key a, [1, 2, 3] (4), key b, [*a, *a] (1 + 2 × 4)
    expect(readYamlDocuments('a: &a [1, 2, 3]\nb: [*a, *a]\n', 'x').nodes).toBe(1 + 1 + 4 + 1 + 1 + 8);
    expect(readYamlDocuments('a: 1\n---\nb: [x, y]\n', 'x').nodes).toBe(3 + 5);
    // aliasBomb's tags, + the root mapping, the key tags, command, environment: {image} and compute (2 + 2 + 4 + 2).
    expect(readYamlDocuments(aliasBomb(2), 'x', { limits: { maxNodes: 1e9 } }).nodes).toBe(aliasBombNodes(2) + 10);
  });

  it('takes a document of exactly the cap and refuses one node more', () => {
    // A sequence of n scalars is n + 1 nodes.
    const seq = (n: number) => `[${Array(n).fill('x').join(', ')}]`;
    expect(readYamlDocuments(seq(YAML_MAX_NODES - 1), 'x').nodes).toBe(YAML_MAX_NODES);
    const e = refusal(() => readYamlDocuments(seq(YAML_MAX_NODES), 'x'));
    expect(e).toMatchObject({ limit: 'nodes', max: YAML_MAX_NODES, what: 'x' });
    expect(e.message).toBe(`x: more than ${YAML_MAX_NODES} YAML nodes (values, keys, lists and mappings)`);
    // The same with the cap given.
    expect(readYamlDocuments(seq(9), 'x', { limits: { maxNodes: 10 } }).nodes).toBe(10);
    expect(refusal(() => readYamlDocuments(seq(10), 'x', { limits: { maxNodes: 10 } })).limit).toBe('nodes');
  });

  it('refuses alias bombs at the cap, however far they would expand, naming the document', () => {
    expect(aliasBombNodes(2)).toBeLessThan(YAML_MAX_NODES);
    expect(aliasBombNodes(3)).toBeGreaterThan(YAML_MAX_NODES);
    expect(() => readYamlDocuments(aliasBomb(2), 'job file')).not.toThrow();
    // 10^4 … 10^101 scalars once expanded: refused alike, after at most the cap's worth of counting.
    for (const levels of [3, 6, 7, 100]) {
      const e = refusal(() => readYamlDocuments(aliasBomb(levels), 'job file'));
      expect(e.limit).toBe('nodes');
      expect(e.message).toBe(`job file: more than ${YAML_MAX_NODES} YAML nodes after expanding aliases (a YAML alias bomb?)`);
    }
    // Aliases of a large mapping, and merge keys, count as what they stand for.
    const big = `base: &b {${Array.from({ length: 100 }, (_, i) => `k${i}: v`).join(', ')}}\n`;
    expect(refusal(() => readYamlDocuments(big + `copies: [${Array(50).fill('*b').join(', ')}]\n`, 'x')).limit).toBe('nodes');
    expect(refusal(() => readYamlDocuments(big + Array.from({ length: 50 }, (_, i) => `m${i}: {<<: *b}`).join('\n'), 'x', { merge: true })).limit).toBe('nodes');
  });

  it('refuses an alias that refers to the node containing it', () => {
    for (const text of ['a: &a [1, *a]\n', 'a: &a {b: {c: *a}}\n']) {
      const e = refusal(() => readYamlDocuments(text, 'job file'));
      expect(e.limit).toBe('cycle');
      expect(e.message).toBe('job file: the alias *a refers to a node that contains it (it would expand forever)');
    }
  });

  it('finds what each alias refers to as the yaml package does (the last anchor before it)', () => {
    const text = 'a: &x 1\nb: *x\nc: &x [2]\nd: *x\ne: {f: &y z, g: *y}\n';
    const r = readYamlDocuments(text, 'x');
    const doc = r.documents[0];
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_, n) => void aliases.push(n) });
    expect(aliases).toHaveLength(3);
    for (const a of aliases) expect(r.aliasTarget(a)).toBe(a.resolve(doc));
  });

  it('never counts more before composing than after (the lexer count is a lower bound)', () => {
    // Seeded pseudo-random documents of every shape the serializer writes, with anchors and aliases.
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const value = (depth: number): unknown => {
      const k = rnd(depth > 3 ? 4 : 7);
      if (k === 0) return rnd(1000);
      if (k === 1) return ['plain', 'two words', 'yes', '', 'a: b', '- x', '#', "it's", '"q"', 'line\nbreak', null, 1.5][rnd(12)];
      if (k === 2) return rnd(2) === 0;
      if (k === 3) return `s${rnd(100)}`;
      if (k === 4 || k === 5) return Array.from({ length: rnd(5) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rnd(5) }, (_, i) => [`k${i}${rnd(3) ? '' : ' x'}`, value(depth + 1)]));
    };
    for (let i = 0; i < 150; i++) {
      const v = value(0);
      const shared = { shared: value(1) };
      const docValue = { v, a: shared, b: shared, c: [shared, v] };
      for (const text of [YAML.stringify(docValue), YAML.stringify(docValue, { collectionStyle: 'flow' }), JSON.stringify(docValue, null, 1)]) {
        const exact = readYamlDocuments(text, 'x', { limits: { maxNodes: 1e9 } }).nodes;
        expect(() => readYamlDocuments(text, 'x', { limits: { maxNodes: exact } })).not.toThrow();
        expect(refusal(() => readYamlDocuments(text, 'x', { limits: { maxNodes: exact - 1 } })).limit).toBe('nodes');
      }
    }
  });
});

describe('the other caps', () => {
  it(`refuses nesting deeper than ${YAML_MAX_DEPTH} levels, before the recursive composer runs`, () => {
    const flow = (n: number) => `a: ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`; // n levels with the root mapping
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' x\n';
    for (const make of [flow, block]) {
      expect(() => readYamlDocuments(make(YAML_MAX_DEPTH), 'x')).not.toThrow();
      const e = refusal(() => readYamlDocuments(make(YAML_MAX_DEPTH + 1), 'x'));
      expect(e).toMatchObject({ limit: 'depth', message: `x: YAML nested more than ${YAML_MAX_DEPTH} levels deep` });
    }
    // Thousands of levels: refused by the pre-scan (the composer would overflow the stack, and V8 can abort
    // the whole process when that happens while it compiles a regular expression).
    expect(refusal(() => readYamlDocuments(nestingBomb(100_000), 'job file')).limit).toBe('depth');
    // Aliases add the depth of what they stand for.
    const deep = `a: &a ${'['.repeat(40)}${']'.repeat(40)}\nb: ${'['.repeat(30)}*a${']'.repeat(30)}\n`;
    expect(refusal(() => readYamlDocuments(deep, 'x')).limit).toBe('depth');
  });

  it('refuses texts with too many tokens or characters before composing them', () => {
    const comments = '# a comment\n'.repeat(50);
    expect(refusal(() => readYamlDocuments(comments + 'a: 1\n', 'x', { limits: { maxTokens: 100 } }))).toMatchObject({ limit: 'tokens' });
    expect(refusal(() => readYamlDocuments('a: ' + 'x'.repeat(2000), 'x', { limits: { maxChars: 1024 } })).message).toBe('x: larger than 1 KiB of YAML');
    expect(refusal(() => readYamlDocuments('a: ' + 'x'.repeat(1024 * 1024), 'x')).limit).toBe('chars');
  });

  it('finds duplicate keys as the yaml package does, in one pass per mapping', () => {
    const texts = ['a: 1\na: 2\n', 'x:\n  b: 1\n  c: 2\n  b: 3\n', '{a: 1, a: 2}', '1: a\n"1": b\n', '.nan: 1\n.nan: 2\n', 'null: 1\n~: 2\n', 'a: [\nb: 1\n'];
    for (const text of texts) {
      for (const prettyErrors of [true, false]) {
        const theirs = parseDocument(text, { prettyErrors }).errors.map((e) => [e.code, e.message, e.pos, e.linePos]);
        const ours = readYamlDocument(text, 'x', { prettyErrors }).errors.map((e) => [e.code, e.message, e.pos, e.linePos]);
        expect(ours).toEqual(theirs);
        const theirsAll = (parseAllDocuments(text, { prettyErrors }) as Document.Parsed[]).flatMap((d) => d.errors.map((e) => [e.code, e.message]));
        expect(readYamlDocuments(text, 'x', { prettyErrors }).documents.flatMap((d) => d.errors.map((e) => [e.code, e.message]))).toEqual(theirsAll);
      }
    }
    expect(readYamlDocument('a: 1\na: 2\n', 'x', { uniqueKeys: false }).errors).toEqual([]);
  });

  it('parseYaml reads what YAML.parse reads, aliases included', () => {
    for (const text of ['a: 1\nb: [x, {c: d}]\n', 'a: &a {x: 1}\nb: *a\nc: [*a, *a]\n', '- 1\n- two\n', '"s"\n', '']) {
      expect(parseYaml(text, 'x')).toEqual(YAML.parse(text));
    }
    // 150 aliases of one scalar: past the yaml package's own alias heuristic (maxAliasCount 100), well within ours.
    const many = `a: &a v\nb: [${Array(150).fill('*a').join(', ')}]\n`;
    expect(() => YAML.parse(many)).toThrow(/Excessive alias count/);
    expect((parseYaml(many, 'x') as { b: string[] }).b).toHaveLength(150);
    expect(() => parseYaml('a: [1\n', 'x')).toThrow(YAML.YAMLParseError);
    expect(isAlias(readYamlDocument('a: &a 1\nb: *a\n', 'x').get('b', true))).toBe(true);
  });
});

describe('every reader of user YAML is capped and names its document', () => {
  const bomb = aliasBomb(6);
  const nodes = `more than ${YAML_MAX_NODES} YAML nodes after expanding aliases (a YAML alias bomb?)`;

  it('job files (loadPyYaml and the job parser)', () => {
    expect(loadPyYaml(bomb)).toEqual({ ok: false, errors: [{ path: '', message: `job file: ${nodes}` }] });
    expect(parseJobYaml(bomb)).toMatchObject({ ok: false, errors: [{ path: '', message: `job file: ${nodes}` }] });
    expect(loadPyYaml(nestingBomb(100_000))).toEqual({ ok: false, errors: [{ path: '', message: `job file: YAML nested more than ${YAML_MAX_DEPTH} levels deep` }] });
    // Under the cap, the aliases are expanded as before.
    const small = loadPyYaml(aliasBomb(2));
    expect(small.ok && (small.value.tags as Record<string, unknown[][]>).l2[9][9]).toEqual(Array(10).fill('lol'));
  });

  it('model files', () => {
    expect(parseModelYaml(aliasBomb(6, 10, 'name: m\npath: https://e.com/m\n'))).toMatchObject({ ok: false, errors: [{ path: '', message: `model file: ${nodes}` }] });
  });

  it('instance type YAML', () => {
    expect(parseInstanceTypeYaml(bomb)).toEqual({ ok: false, errors: [{ path: '', message: `instance type YAML: ${nodes}` }] });
  });

  it('kubeconfigs', () => {
    expect(parseKubeconfig(bomb)).toEqual({ ok: false, message: `kubeconfig: ${nodes}` });
  });

  it('stored job files cloned into the form (left as they are)', () => {
    expect(cloneDocument({ name: 'j', source: bomb, sourceFormat: 'yaml', codeSha256: null })).toEqual({ yaml: bomb, changes: [] });
  });
});
