// Where things are in a YAML text, for the YAML editor's error markers: the parser's syntax errors with line
// and column, and the line of a field path the server named (`distribution.process_count_per_instance`),
// falling back to the nearest enclosing field that exists (a missing required field points at its parent).
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';

export interface YamlMarker {
  line: number;
  col: number;
  message: string;
  /** The field path the marker is about (server errors), when known. */
  path?: string;
}

/** Syntax errors as the YAML parser reports them (1-based line and column). */
export function yamlSyntaxMarkers(text: string): YamlMarker[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  return doc.errors.map((e) => {
    const pos = lc.linePos(e.pos[0]);
    return { line: pos.line, col: pos.col, message: e.message.split('\n')[0] };
  });
}

/** The position of the field at `path` (dotted, Azure ML field names), or of its nearest existing parent. */
export function yamlPathPosition(text: string, path: string): { line: number; col: number } | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length || !doc.contents) return undefined;
  const segments = path.split('.').filter((s) => s !== '');
  let node: Node | null | undefined = doc.contents as Node;
  let best: { line: number; col: number } | undefined = { line: 1, col: 1 };
  for (const seg of segments) {
    if (isMap(node)) {
      // The last pair with this key wins (as the loader keeps the last duplicate).
      const pair = [...node.items].reverse().find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair || !isPair(pair)) break;
      const keyNode = pair.key as Node;
      if (keyNode.range) best = lc.linePos(keyNode.range[0]);
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      if (item.range) best = lc.linePos(item.range[0]);
      node = item;
    } else break;
  }
  return best;
}

/** Markers for server field errors on a YAML text. */
export function markersForErrors(text: string, errors: ReadonlyArray<{ path: string; message: string }>): YamlMarker[] {
  return errors.map((e) => {
    const m = /line (\d+), column (\d+)/.exec(e.message);
    const pos = m ? { line: Number(m[1]), col: Number(m[2]) } : e.path && e.path !== '(body)' ? yamlPathPosition(text, e.path) : undefined;
    return { line: pos?.line ?? 1, col: pos?.col ?? 1, message: e.path && e.path !== '(body)' ? `${e.path}: ${e.message}` : e.message, path: e.path };
  });
}

/** A document as YAML the way the editor shows it (block style, no line wrapping of long commands). */
export function toYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
