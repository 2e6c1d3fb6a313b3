// Reads YAML the way the Azure ML CLI/SDK does: PyYAML `safe_load`, which is YAML 1.1 with PyYAML's own
// implicit typing. The `yaml` package's "yaml-1.1" schema differs in ways that change verdicts (it reads
// `y`/`n` as booleans and `1e-5` as a number; PyYAML reads both as strings), so the document is parsed with
// the failsafe schema (every scalar a string) and plain scalars are typed here with PyYAML's resolver
// patterns. Duplicate keys keep the last value, as PyYAML does, but are reported (nothing silently dropped).
// Floats are remembered by path because Azure ML substitutes literal inputs with Python's `str()`, where
// `10.0` stays "10.0" although JavaScript has a single number type.
// The text is read under the caps of lib/yaml-limits.ts (10,000 nodes after expanding aliases, 64 levels):
// aliases are expanded here, so an alias bomb would otherwise expand in full (and once per read of a submit).

import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { YamlLimitError, readYamlDocuments, type CappedYaml } from '../yaml-limits';
import type { JobIssue } from './issues';
import { formatPath } from './issues';

export type YamlPath = (string | number)[];

export interface PyYamlOk {
  ok: true;
  value: Record<string, unknown>;
  /** Paths (see pathKey) of scalars PyYAML would load as `float`. */
  floatPaths: Set<string>;
  warnings: JobIssue[];
}
export interface PyYamlError {
  ok: false;
  errors: JobIssue[];
}

export function pathKey(path: YamlPath): string {
  return path.map(String).join('\u0001');
}

// PyYAML resolver patterns (yaml/resolver.py, Resolver.add_implicit_resolver), verbatim in meaning.
const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_RE = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_RE =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** A YAML timestamp: PyYAML turns it into a date object, which no job field accepts as a string. */
export class YamlTimestamp {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

function sexagesimal(body: string): number {
  return body.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function pyInt(text: string): number {
  let s = text.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

function pyFloat(text: string): number {
  let s = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return sign * Infinity;
  if (s === '.nan') return NaN;
  if (s.includes(':')) return sign * sexagesimal(s);
  return sign * Number(s);
}

type Typed = { value: unknown; float: boolean };

function resolvePlain(text: string): Typed {
  if (BOOL_RE.test(text)) return { value: /^(?:yes|true|on)$/i.test(text), float: false };
  if (INT_RE.test(text)) return { value: pyInt(text), float: false };
  if (FLOAT_RE.test(text)) return { value: pyFloat(text), float: true };
  if (NULL_RE.test(text)) return { value: null, float: false };
  if (TIMESTAMP_RE.test(text)) return { value: new YamlTimestamp(text), float: false };
  return { value: text, float: false };
}

function resolveTagged(tag: string, text: string, noun: string): Typed | { error: string } {
  switch (tag) {
    case 'tag:yaml.org,2002:str':
      return { value: text, float: false };
    case 'tag:yaml.org,2002:int':
      return INT_RE.test(text) ? { value: pyInt(text), float: false } : { error: `"${text}" is not an integer` };
    case 'tag:yaml.org,2002:float':
      if (FLOAT_RE.test(text)) return { value: pyFloat(text), float: true };
      if (INT_RE.test(text)) return { value: pyInt(text), float: true };
      return { error: `"${text}" is not a float` };
    case 'tag:yaml.org,2002:bool':
      return BOOL_RE.test(text) ? { value: /^(?:yes|true|on)$/i.test(text), float: false } : { error: `"${text}" is not a boolean` };
    case 'tag:yaml.org,2002:null':
      return { value: null, float: false };
    default:
      return { error: `the YAML tag ${tag} is not supported in a ${noun} file` };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlTimestamp);
}

/** Python's str() of a mapping key, which is what a dict key becomes when it is not a string. */
function keyString(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return String(value);
}

/** What the file holds, for messages: "job" (the default) or "model", and a few of its fields. */
export interface PyYamlDocumentKind {
  noun: string;
  fields: string;
}
const JOB_DOCUMENT: PyYamlDocumentKind = { noun: 'job', fields: 'type, command, environment, …' };

export function loadPyYaml(text: string, kind: PyYamlDocumentKind = JOB_DOCUMENT): PyYamlOk | PyYamlError {
  const { noun } = kind;
  const lineCounter = new LineCounter();
  let read: CappedYaml;
  try {
    read = readYamlDocuments(text, `${noun} file`, { schema: 'failsafe', uniqueKeys: false, lineCounter, prettyErrors: false });
  } catch (e) {
    if (e instanceof YamlLimitError) return { ok: false, errors: [{ path: '', message: e.message }] };
    throw e;
  }
  const docs: Document.Parsed[] = read.documents;
  const syntax = docs.flatMap((d) => d.errors);
  if (syntax.length > 0) {
    return {
      ok: false,
      errors: syntax.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `YAML syntax error at line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  if (docs.length > 1) {
    return { ok: false, errors: [{ path: '', message: `the file holds several YAML documents (---); a ${noun} file is one document` }] };
  }
  const doc = docs[0];
  if (!doc || doc.contents === null) {
    return { ok: false, errors: [{ path: '', message: `the file is empty (expected a YAML mapping of ${noun} fields)` }] };
  }

  const floatPaths = new Set<string>();
  const warnings: JobIssue[] = [];
  const errors: JobIssue[] = [];
  const line = (node: { range?: [number, number, number] | null } | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  const convert = (node: unknown, path: YamlPath, depth: number): unknown => {
    if (depth > 64) {
      errors.push({ path: formatPath(path), message: 'nesting is too deep (or an alias refers to itself)' });
      return null;
    }
    if (isAlias(node)) return convert(read.aliasTarget(node), path, depth + 1);
    if (isScalar(node)) {
      const raw = node.value;
      const text = typeof raw === 'string' ? raw : raw == null ? '' : String(raw);
      let typed: Typed | { error: string };
      if (node.tag && node.tag !== '!' && node.tag !== 'tag:yaml.org,2002:str' ) typed = resolveTagged(node.tag, text, noun);
      else if (node.tag === 'tag:yaml.org,2002:str' || node.tag === '!') typed = { value: text, float: false };
      else if (node.type === 'PLAIN') typed = resolvePlain(text);
      else typed = { value: text, float: false };
      if ('error' in typed) {
        errors.push({ path: formatPath(path), message: typed.error });
        return null;
      }
      if (typed.float) floatPaths.add(pathKey(path));
      return typed.value;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i], depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seenAt = new Map<string, number | undefined>();
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag) {
          merges.push(pair.value);
          continue;
        }
        const keyValue = keyNode === null ? null : convert(keyNode, path, depth + 1);
        const key = typeof keyValue === 'string' ? keyValue : keyString(keyValue);
        const at = line(keyNode as never);
        const keyPath = pathKey([...path, key]);
        const earlier = out[key];
        const duplicate = seenAt.has(key);
        if (duplicate) {
          // Python dict semantics: the first occurrence keeps its place, the last value wins.
          for (const k of [...floatPaths]) if (k === keyPath || k.startsWith(keyPath + '\u0001')) floatPaths.delete(k);
        }
        const value = convert(pair.value, [...path, key], depth + 1);
        if (duplicate) {
          const first = seenAt.get(key);
          const lost =
            isPlainObject(earlier) && isPlainObject(value) ? Object.keys(earlier).filter((k) => !(k in value)) : [];
          warnings.push({
            path: formatPath([...path, key]),
            message:
              `"${key}" appears twice${first ? ` (lines ${first} and ${at})` : ''}; the later value replaces the earlier one, ` +
              `as Azure ML's loader does` +
              (lost.length ? `, so ${lost.join(', ')} from the first one ${lost.length > 1 ? 'are' : 'is'} dropped` : ', so the earlier value is ignored'),
          });
        }
        seenAt.set(key, at);
        out[key] = value;
      }
      // YAML merge keys (`<<: *base`): explicit keys win over merged ones, earlier merged maps over later ones.
      for (const m of merges) {
        const sources = isSeq(m) ? m.items : [m];
        for (const src of sources) {
          const target = isAlias(src) ? read.aliasTarget(src) : src;
          if (!isMap(target)) {
            errors.push({ path: formatPath(path), message: 'a merge key (<<) must refer to a mapping' });
            continue;
          }
          const merged = convert(target, path, depth + 1) as Record<string, unknown>;
          for (const [k, v] of Object.entries(merged)) if (!(k in out)) out[k] = v;
        }
      }
      return out;
    }
    return null;
  };

  const value = convert(doc.contents, [], 0);
  if (errors.length > 0) return { ok: false, errors };
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof YamlTimestamp) {
    return { ok: false, errors: [{ path: '', message: `a ${noun} file must be a YAML mapping of ${noun} fields (${kind.fields})` }] };
  }
  return { ok: true, value: value as Record<string, unknown>, floatPaths, warnings };
}
