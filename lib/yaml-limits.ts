// Every YAML text a user hands the console is read through here, with caps on what it may cost to read:
// a 465-byte file of nested aliases ("billion laughs") expands to millions of nodes, and a deeply nested one
// overflows the parser's stack. The caps sit far above any real job, model, instance type or kubeconfig file
// (the largest YAML file in this repository and in the Azure ML examples corpus has about 200 nodes and 6
// levels) and far below what takes a noticeable time to read:
//
//   YAML_MAX_NODES   10,000 nodes after expanding aliases: every scalar, mapping and sequence counts, keys
//                    included, and an alias counts as the size of what it refers to (so `[*a, *a]` with `a`
//                    a 100-node mapping is 203 nodes). Counted twice: a lower bound (the scalars, aliases and
//                    flow collections the lexer sees) before the text is composed into a document, then exactly
//                    on the document with one memoized pass that stops at the cap, so an alias bomb is refused
//                    in time proportional to the cap, never to its expansion.
//   YAML_MAX_DEPTH   64 levels of nested mappings/sequences (after expanding aliases): checked while parsing,
//                    before the recursive composer runs, and again on the document.
//   YAML_MAX_TOKENS  200,000 lexical tokens (scalars, indicators, whitespace, comments): the pre-scan stops
//                    there, so a large text is refused before it is composed into a document.
//   YAML_MAX_CHARS   1 MiB of text (the JSON body cap), whatever the transport (multipart parts are larger).
//
// Duplicate keys (`uniqueKeys`, the yaml package's default) are found here too, with one set per mapping: the
// package compares each key with every earlier one, which takes seconds for a mapping of 10,000 keys.
//
// Over a cap, the readers throw YamlLimitError, whose message names the document ("job file: more than
// 10000 YAML nodes after expanding aliases (a YAML alias bomb?)"); the API answers it with a 400.
// An alias that refers to the node containing it (`a: &a [*a]`) expands forever and is refused as well.
// Pure (no server imports): the browser's previews use the same readers.

import {
  CST,
  Lexer,
  LineCounter,
  Parser,
  YAMLParseError,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  type Alias,
  type Document,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type SchemaOptions,
  type ToJSOptions,
} from 'yaml';

export const YAML_MAX_NODES = 10_000;
export const YAML_MAX_DEPTH = 64;
export const YAML_MAX_TOKENS = 200_000;
export const YAML_MAX_CHARS = 1024 * 1024;

export interface YamlLimits {
  maxNodes?: number;
  maxDepth?: number;
  maxTokens?: number;
  maxChars?: number;
}

export type YamlLimitKind = 'nodes' | 'depth' | 'tokens' | 'chars' | 'cycle';

/** A YAML text over one of the caps; `message` names the document and the cap. */
export class YamlLimitError extends Error {
  constructor(
    /** What the text is, as the message names it ("job file", "kubeconfig", "request body"). */
    readonly what: string,
    readonly limit: YamlLimitKind,
    /** The cap crossed (for 'cycle', the node cap). */
    readonly max: number,
    detail: string,
  ) {
    super(`${what}: ${detail}`);
    this.name = 'YamlLimitError';
  }
}

export type YamlReadOptions = ParseOptions & DocumentOptions & SchemaOptions & { limits?: YamlLimits };

type Limits = Required<YamlLimits>;

function limitsOf(options: YamlReadOptions): Limits {
  const l = options.limits ?? {};
  return {
    maxNodes: l.maxNodes ?? YAML_MAX_NODES,
    maxDepth: l.maxDepth ?? YAML_MAX_DEPTH,
    maxTokens: l.maxTokens ?? YAML_MAX_TOKENS,
    maxChars: l.maxChars ?? YAML_MAX_CHARS,
  };
}

/** The yaml package's options, with duplicate keys left to `measure` (see above) and a line counter for its messages. */
function packageOptions(options: YamlReadOptions) {
  const { limits: _limits, ...rest } = options;
  void _limits;
  const prettyErrors = rest.prettyErrors !== false;
  const lineCounter = rest.lineCounter ?? (prettyErrors ? new LineCounter() : undefined);
  const uniqueKeys = rest.uniqueKeys ?? true;
  return {
    yaml: { ...rest, lineCounter, uniqueKeys: typeof uniqueKeys === 'function' ? uniqueKeys : false },
    uniqueKeys: uniqueKeys === true,
    pretty: prettyErrors && lineCounter ? { lineCounter } : undefined,
  };
}

const depthError = (what: string, max: number) => new YamlLimitError(what, 'depth', max, `YAML nested more than ${max} levels deep`);
const nodesError = (what: string, max: number, aliases: boolean) =>
  new YamlLimitError(
    what,
    'nodes',
    max,
    aliases ? `more than ${max} YAML nodes after expanding aliases (a YAML alias bomb?)` : `more than ${max} YAML nodes (values, keys, lists and mappings)`,
  );

function formatChars(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} characters`;
}

/** Lexemes that are a node each (plain and block scalars come as a SCALAR marker and their text). */
const NODE_LEXEMES = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'alias', 'flow-map-start', 'flow-seq-start']);

/**
 * The pre-scan, before anything recursive or quadratic runs: the text's size, its tokens, a lower bound of its
 * nodes and its nesting, read with the yaml package's own lexer and (iterative) CST parser. The parser's stack
 * holds the document, one entry per open collection and the scalar being read: depth + 2 at most.
 */
function prescan(text: string, what: string, limits: Limits) {
  if (text.length > limits.maxChars) throw new YamlLimitError(what, 'chars', limits.maxChars, `larger than ${formatChars(limits.maxChars)} of YAML`);
  const parser = new Parser();
  let tokens = 0;
  let nodes = 0;
  let aliases = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (++tokens > limits.maxTokens) {
      throw new YamlLimitError(what, 'tokens', limits.maxTokens, `more than ${limits.maxTokens} YAML tokens (values, indicators, comments): too large to read`);
    }
    const type = CST.tokenType(lexeme);
    if (type && NODE_LEXEMES.has(type)) {
      if (type === 'alias') aliases = true;
      if (++nodes > limits.maxNodes) throw nodesError(what, limits.maxNodes, aliases);
    }
    for (const _ of parser.next(lexeme)) void _;
    if (parser.stack.length > limits.maxDepth + 2) throw depthError(what, limits.maxDepth);
  }
  for (const _ of parser.end()) void _;
}

/** An alias without an anchor before it, worded as the yaml package's toJS would (a BAD_ALIAS error). */
function unresolvedAliasError(doc: Document, alias: Alias, pretty: { lineCounter: LineCounter } | undefined, text: string) {
  const at = alias.range?.[0] ?? 0;
  const e = new YAMLParseError([at, at + 1], 'BAD_ALIAS', `Unresolved alias (the anchor must be set before the alias): ${alias.source}`);
  if (pretty) prettify(e, text, pretty.lineCounter);
  doc.errors.push(e);
}

/** As the yaml package words a duplicate key (its DUPLICATE_KEY error). */
function duplicateKeyError(doc: Document, key: Node, pretty: { lineCounter: LineCounter } | undefined, text: string) {
  const at = key.range?.[0] ?? 0;
  const e = new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
  if (pretty) prettify(e, text, pretty.lineCounter);
  doc.errors.push(e);
}

/**
 * Counts the nodes of the documents with aliases expanded, and their depth, without expanding anything: each
 * node's expanded size is computed once (an alias only refers to an anchor that comes before it, whose size is
 * known by then, or to a node that contains it, which is a cycle). Throws at the first cap crossed. Also finds
 * duplicate keys when asked to (`unique`), adding the error to the document.
 */
function measure(
  documents: readonly Document[],
  what: string,
  limits: Limits,
  check: { unique: boolean; pretty?: { lineCounter: LineCounter }; text: string },
) {
  const size = new Map<Node, { nodes: number; depth: number } | 'open'>();
  const targets = new Map<Alias, Node | undefined>();
  let total = 0;
  let sawAlias = false;

  for (const doc of documents) {
    // The most recent node carrying each anchor, in document order: what Alias.resolve finds, without its walk
    // of the whole document per alias.
    const anchors = new Map<string, Node>();
    const duplicates: Node[] = [];
    const visit = (node: unknown, nesting: number): { nodes: number; depth: number } => {
      if (node === null || node === undefined) return { nodes: 0, depth: 0 };
      if (isPair(node)) {
        const k = visit(node.key, nesting);
        const v = visit(node.value, nesting);
        return { nodes: k.nodes + v.nodes, depth: Math.max(k.depth, v.depth) };
      }
      if (isAlias(node)) {
        sawAlias = true;
        const target = anchors.get(node.source);
        targets.set(node, target);
        if (!target) {
          // Unresolved: the yaml package reports nothing here and throws a ReferenceError from toJS later
          // (found by fuzzing, issue 18), so it becomes a document error like any other syntax error.
          unresolvedAliasError(doc, node, check.pretty, check.text);
          if (++total > limits.maxNodes) throw nodesError(what, limits.maxNodes, true);
          return { nodes: 1, depth: 0 };
        }
        const known = size.get(target);
        if (known === 'open') throw new YamlLimitError(what, 'cycle', limits.maxNodes, `the alias *${node.source} refers to a node that contains it (it would expand forever)`);
        const m = known ?? visit(target, nesting); // `known` is always set: a target comes before its aliases
        total += m.nodes;
        if (total > limits.maxNodes) throw nodesError(what, limits.maxNodes, true);
        if (nesting + m.depth > limits.maxDepth) throw depthError(what, limits.maxDepth);
        return m;
      }
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor) anchors.set(anchor, node as Node);
      if (isScalar(node)) {
        if (++total > limits.maxNodes) throw nodesError(what, limits.maxNodes, sawAlias);
        const m = { nodes: 1, depth: 0 };
        size.set(node, m);
        return m;
      }
      if (isMap(node) || isSeq(node)) {
        if (++total > limits.maxNodes) throw nodesError(what, limits.maxNodes, sawAlias);
        if (nesting + 1 > limits.maxDepth) throw depthError(what, limits.maxDepth);
        size.set(node, 'open');
        const keys = check.unique && isMap(node) ? new Set<unknown>() : undefined;
        let nodes = 1;
        let depth = 0;
        for (const item of node.items as unknown[]) {
          if (keys && isPair(item) && isScalar(item.key)) {
            // The package's rule: scalar keys with the same (typed) value; NaN is unequal to itself.
            const v = item.key.value;
            if (keys.has(v)) duplicates.push(item.key);
            else if (!(typeof v === 'number' && Number.isNaN(v))) keys.add(v);
          }
          const m = visit(item, nesting + 1);
          nodes += m.nodes;
          depth = Math.max(depth, m.depth);
        }
        const m = { nodes, depth: depth + 1 };
        size.set(node, m);
        return m;
      }
      return { nodes: 0, depth: 0 };
    };
    visit(doc.contents, 0);
    if (duplicates.length) {
      for (const key of duplicates) duplicateKeyError(doc, key, check.pretty, check.text);
      doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
    }
  }
  return { nodes: total, targets };
}

export interface CappedYaml {
  documents: Document.Parsed[];
  /** Nodes after expanding aliases, all documents together (≤ the cap). */
  nodes: number;
  /** The node an alias stands for, found once while counting (Alias.resolve walks the whole document per call). */
  aliasTarget(alias: Alias): Node | undefined;
}

/** `parseAllDocuments` under the caps (throws YamlLimitError over one); `[]` for a text without documents. */
export function readYamlDocuments(text: string, what: string, options: YamlReadOptions = {}): CappedYaml {
  const limits = limitsOf(options);
  prescan(text, what, limits);
  const opts = packageOptions(options);
  const parsed = parseAllDocuments(text, opts.yaml);
  const documents = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [];
  const { nodes, targets } = measure(documents, what, limits, { unique: opts.uniqueKeys, pretty: opts.pretty, text });
  return { documents, nodes, aliasTarget: (a) => targets.get(a) };
}

/** `parseDocument` under the caps (throws YamlLimitError over one); several documents are an error in it, as there. */
export function readYamlDocument(text: string, what: string, options: YamlReadOptions = {}): Document.Parsed {
  const limits = limitsOf(options);
  prescan(text, what, limits);
  const opts = packageOptions(options);
  const doc = parseDocument(text, opts.yaml);
  measure([doc], what, limits, { unique: opts.uniqueKeys, pretty: opts.pretty, text });
  return doc;
}

/**
 * `YAML.parse` under the caps: the value of a one-document text; throws the first syntax error (a YAMLParseError,
 * as YAML.parse does) or a YamlLimitError. Aliases are expanded by reference, once each: the count above already
 * bounds the result, so the yaml package's own alias heuristic (maxAliasCount) is turned off.
 */
export function parseYaml(text: string, what: string, options: YamlReadOptions & ToJSOptions = {}): unknown {
  const { mapAsMap, onAnchor, reviver, maxAliasCount: _m, ...read } = options;
  void _m;
  const doc = readYamlDocument(text, what, read);
  if (doc.errors.length > 0) throw doc.errors[0];
  return doc.toJS({ mapAsMap, onAnchor, reviver, maxAliasCount: -1 });
}

/** The value of a document read above (see parseYaml about maxAliasCount). */
export function yamlValue(doc: Document, options: Omit<ToJSOptions, 'maxAliasCount'> = {}): unknown {
  return doc.toJS({ ...options, maxAliasCount: -1 });
}

/**
 * The yaml package's prettifyError (not exported by it; yaml 2.x, ISC licence), for the errors added here: the
 * line and column, then the line with a caret under the position.
 */
function prettify(error: YAMLParseError, src: string, lc: LineCounter) {
  if (error.pos[0] === -1) return;
  error.linePos = error.pos.map((pos) => lc.linePos(pos)) as YAMLParseError['linePos'];
  const { line, col } = error.linePos![0];
  error.message += ` at line ${line}, column ${col}`;
  let ci = col - 1;
  let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, '');
  if (ci >= 60 && lineStr.length > 80) {
    const trimStart = Math.min(ci - 39, lineStr.length - 79);
    lineStr = '…' + lineStr.substring(trimStart);
    ci -= trimStart - 1;
  }
  if (lineStr.length > 80) lineStr = lineStr.substring(0, 79) + '…';
  if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
    let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
    if (prev.length > 80) prev = prev.substring(0, 79) + '…\n';
    lineStr = prev + lineStr;
  }
  if (/[^ ]/.test(lineStr)) {
    let count = 1;
    const end = error.linePos![1];
    if (end?.line === line && end.col > col) count = Math.max(1, Math.min(end.col - col, 80 - ci));
    error.message += `:\n\n${lineStr}\n${' '.repeat(ci)}${'^'.repeat(count)}\n`;
  }
}
